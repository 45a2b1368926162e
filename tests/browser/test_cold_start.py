"""Opening runpt from the home screen with no signal (the server process stopped) and
the service worker not running, as after the phone had runpt in the background: the
start page comes from the phone, its styles and scripts straight from the shell cache
without waiting for the worker, and Start session starts a session."""

from playwright.sync_api import expect

from tests.browser.helpers import (
    answer_red_flags,
    create_routine,
    register,
    stop_service_workers,
    wait_for_offline_set,
)

START_URL = "/?source=home-screen"

# How each of the page's own files was served: the browser's static route to the shell
# cache says "cache"; a file answered by the worker's fetch handler says "fetch-event".
SOURCES = """() => Object.fromEntries(performance.getEntriesByType('resource')
  .filter((entry) => new URL(entry.name).pathname.startsWith('/static/'))
  .map((entry) => [new URL(entry.name).pathname, entry.workerMatchedSourceType]))"""


def test_with_no_signal_the_start_page_opens_its_files_from_the_shell_cache(context, page, server):
    register(page)
    create_routine(page, "Cold start", [("glute-bridge", {"sets": 1, "reps": 5, "rest_s": 0})])
    wait_for_offline_set(page)
    page.goto(START_URL)
    expect(page.get_by_role("button", name="Start session")).to_be_visible()
    page.close()
    server.stop()
    stop_service_workers(context)
    tab = context.new_page()
    tab.goto(START_URL)
    start = tab.get_by_role("button", name="Start session")
    expect(start).to_be_enabled()
    tab.wait_for_load_state("load")
    sources = tab.evaluate(SOURCES)
    assert "/static/js/main.js" in sources and "/static/app.css" in sources, sources
    assert "/static/js/session-start.js" in sources  # a module main.js imports
    assert "/static/js/player.js" not in sources  # only the player page loads the player
    assert set(sources.values()) == {"cache"}, sources
    start.click()
    # Home's Start is Runner's essentials: the first time, its red flags come first, on
    # its player page, from the phone too.
    answer_red_flags(tab)
    tab.get_by_role("button", name="Start session").click()
    expect(tab.locator("#step[data-index='0']")).to_be_visible()
