"""What the first load of a page costs the phone (bench/lighthouse.py measures it; these
check the fixes it led to): nothing on the page moves once it is shown, the service
worker waits for the page to load, and the long library lays out only what is near
the screen."""

from playwright.sync_api import expect

from tests.browser.helpers import register

# Where the page's content starts and whether the sync bar shows, as the page is first
# shown (app.js shows the bar only after reading the outbox, which comes later).
AT_START = """window.addEventListener("DOMContentLoaded", () => {
    window.atStart = {
        top: document.getElementById("main").getBoundingClientRect().top,
        bar: document.getElementById("sync-status").checkVisibility({ visibilityProperty: true }),
    };
});"""


def test_the_sync_bar_appearing_moves_nothing_on_the_page(page):
    register(page)
    page.add_init_script(AT_START)
    page.goto("/")
    expect(page.locator("#sync-status")).to_be_visible()
    at_start = page.evaluate("window.atStart")
    assert at_start["bar"] is False  # hidden from sight and screen readers until it speaks
    # ...but its room was kept: the content did not jump down when it appeared.
    assert page.locator("#main").bounding_box()["y"] == at_start["top"]


# Where what follows a routine's "Ready offline" badge starts, as the page is first shown
# (js/sw-client.js fills the badges in once it has read what the phone holds).
BELOW_BADGES_AT_START = """window.addEventListener("DOMContentLoaded", () => {
    window.belowBadges = {};
    for (const selector of ["[data-next-session-card]", ".routine-steps", "[data-routine-list]"]) {
        const element = document.querySelector(selector);
        if (element) window.belowBadges[selector] = element.getBoundingClientRect().bottom;
    }
});"""


def test_the_offline_badges_appearing_move_nothing_on_the_page(page):
    register(page)
    page.add_init_script(BELOW_BADGES_AT_START)
    routine_id = page.locator("[data-start-session]").first.get_attribute("data-routine-id")
    for path in ["/", f"/routines/{routine_id}", "/routines"]:
        page.goto(path)
        expect(page.locator("[data-offline-routine]").first).to_be_visible()
        at_start = page.evaluate("window.belowBadges")
        assert at_start, path
        for selector, bottom in at_start.items():
            box = page.locator(selector).bounding_box()
            assert box["y"] + box["height"] == bottom, (path, selector)


def test_the_service_worker_is_registered_only_after_the_page_has_loaded(page):
    page.add_init_script(
        """const register = navigator.serviceWorker.register.bind(navigator.serviceWorker);
        window.registeredWhen = [];
        navigator.serviceWorker.register = (...args) => {
            window.registeredWhen.push(document.readyState);
            return register(...args);
        };"""
    )
    register(page)
    page.goto("/library/")
    page.evaluate("navigator.serviceWorker.ready")
    assert page.evaluate("window.registeredWhen") == ["complete"]


def test_the_library_lays_out_only_the_groups_near_the_screen(page):
    page.goto("/library/")
    groups = page.locator("section.group")
    assert groups.count() >= 3
    first, last = groups.first.locator("a.row").first, groups.last.locator("a.row").last
    rendered = "(link) => link.checkVisibility({ contentVisibilityAuto: true })"
    assert first.evaluate(rendered) is True
    assert last.evaluate(rendered) is False  # far below the screen: skipped for now
    # Still part of the page for screen readers and find-in-page, and shown when reached.
    name = last.locator(".row-title").text_content()
    expect(page.get_by_role("link", name=name)).to_have_count(1)
    last.scroll_into_view_if_needed()
    expect(last).to_be_visible()
    page.wait_for_function(rendered, arg=last.element_handle())  # laid out once near
