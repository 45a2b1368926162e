"""What the first load of a page costs the phone (bench/lighthouse.py measures it; these
check the fixes it led to): nothing on the page moves once it is shown, the service
worker waits for the page to load, and the long library lays out only what is near
the screen."""

from playwright.sync_api import expect

from tests.browser.conftest import register

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
