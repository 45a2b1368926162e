"""The share link shown once is never kept on the phone (issue 28, item 4): the page
that shows it is marked for the service worker, which keeps no copy of it, so the link
is never shown again offline. At phone size (the page fixture's context)."""

import time

from playwright.sync_api import expect

from tests.browser.helpers import register, wait_for_offline_set
from tests.browser.test_sharing import make_share_link

KEPT_WITH = """async (token) => {
    const found = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            const body = await (await cache.match(request)).text();
            if (body.includes(token)) found.push(`${name} ${request.url}`);
        }
    }
    return found;
}"""


def test_the_link_shown_once_is_never_kept_for_offline(page, context):
    register(page)
    wait_for_offline_set(page)  # the service worker runs and keeps the pages it sees
    page.goto("/sharing")
    link = make_share_link(page)
    token = link.rsplit("/", 1)[1]
    expect(page.locator("#new-link-url")).to_have_value(link)
    time.sleep(1)  # what the worker keeps from a page it passes on is put away after it

    assert page.evaluate(KEPT_WITH, token) == []
    context.set_offline(True)
    page.goto("/sharing")
    assert token not in page.content()
