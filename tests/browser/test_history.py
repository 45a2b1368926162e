"""History in Chromium: the next-morning question is asked once and its answer syncs
like any log, even offline; history stays readable with no signal."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    outbox_for,
    register,
    run_whole_session,
    runner_id,
    server_sessions,
    wait_for_offline_set,
    wait_until,
)
from tests.test_history import a_session, days_ago

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)

ONE_SET = [("glute-bridge", {"sets": 1, "reps": 5, "rest_s": 0})]


def pretend_the_session_was_yesterday(page):
    """The phone remembers the day of its last finished session; move it back a day, as
    if the runner opened the app the next morning."""
    page.evaluate(
        """async () => {
          const user = Number(document.body.dataset.user);
          const last = await RunptOutbox.getMeta(`morning:${user}`);
          const day = new Date(); day.setDate(day.getDate() - 1);
          const pad = (n) => String(n).padStart(2, "0");
          last.day = `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
          await RunptOutbox.setMeta(`morning:${user}`, last);
        }"""
    )


@pytest.mark.end_to_end
def test_the_next_morning_question_is_asked_once_and_its_answer_syncs_offline(context, page):
    register(page)
    routine_id = create_routine(page, "Bridges", ONE_SET)
    run_whole_session(page, routine_id, sets=1)
    page.goto("/")
    wait_until(lambda: outbox_for(page, runner_id(page)) == 0)
    question = page.locator("#morning")
    expect(question).to_be_hidden()  # the same day: nothing to ask yet

    pretend_the_session_was_yesterday(page)
    page.reload()
    expect(question).to_be_visible()
    expect(question).to_contain_text("yesterday's session")
    context.set_offline(True)
    question.get_by_role("button", name="Worse").click()
    expect(question.get_by_role("status")).to_contain_text("suggest less load")
    assert outbox_for(page, runner_id(page)) == 1  # kept on the phone until there's signal

    context.set_offline(False)
    assert wait_until(lambda: outbox_for(page, runner_id(page)) == 0)
    [session] = server_sessions(page)
    assert session["morning"] == "worse"
    page.reload()
    expect(page.locator("#morning")).to_be_hidden()  # asked once
    page.goto(f"/routines/{routine_id}")
    expect(page.locator("[data-suggestion='regress']")).to_contain_text("Worse the next morning")


def test_history_is_readable_offline_and_says_how_old_it_is(context, page):
    register(page)
    routine_id = create_routine(page, "Bridges", ONE_SET)
    run_whole_session(page, routine_id, sets=1)
    page.goto("/history/")
    wait_until(lambda: outbox_for(page, runner_id(page)) == 0)
    page.goto("/")  # after the sync the service worker keeps history again
    wait_for_offline_set(page)
    expected = f"/history/sessions/{server_sessions(page)[0]['id']}"
    assert wait_until(
        lambda: page.evaluate(
            "async (url) => !!(await caches.match(url))", expected
        )  # the kept copy of this session's page
    )

    context.set_offline(True)
    page.goto("/history/")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.locator("[data-as-of]")).to_contain_text("Data as of the last sync")
    expect(page.locator("[data-history-sessions] li")).to_have_count(1)
    page.locator("[data-history-sessions] a").click()
    expect(page.get_by_role("heading", name="Bridges")).to_be_visible()
    page.goto("/history/progress/glute-bridge")
    expect(page.get_by_role("img", name=re.compile("Glute bridge"))).to_be_visible()


# The runpt modules the page has loaded so far, by file name.
MODULES_LOADED = """() => performance.getEntriesByType("resource")
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => path.startsWith("/static/js/"))
    .map((path) => path.split("/").pop())"""

# What starts a session (its checks, resuming one) and the next-morning question, with
# the modules only they import: no history page has any of it.
STARTING_MODULES = {"session-start.js", "start-check.js", "morning.js", "log.js", "cues.js"}


def test_history_pages_load_no_module_for_starting_a_session(page):
    register(page)
    page.goto("/")
    # The start page offers Start session: what starts it is loaded with the page.
    assert wait_until(lambda: set(page.evaluate(MODULES_LOADED)) >= STARTING_MODULES)

    for path in ("/history/", "/history/pain", "/history/progress"):
        page.goto(path)
        expect(page.locator("#sync-status")).to_be_visible()  # main.js has run
        expect(page.locator("[data-as-of]")).to_be_visible()
        loaded = set(page.evaluate(MODULES_LOADED))
        assert {"main.js", "page.js", "sync-status.js"} <= loaded, path
        assert not loaded & STARTING_MODULES, (path, loaded & STARTING_MODULES)


NO_SIGNAL = ["server stopped", "browser offline"]


def glute_bridge_weeks_ago_then_no_signal(context, page, server, way, weeks_ago):
    """A runner with a glute-bridge session each of `weeks_ago`, the offline set kept,
    then no signal `way`: the server's process stopped (nothing answers), or the browser
    told it is offline."""
    register(page)
    days = [days_ago(7 * weeks) for weeks in weeks_ago]
    events = [e for day in days for e in a_session(day, {"reps": 9})]
    assert page.request.post("/api/sync", data={"events": events}).ok
    page.goto("/")
    wait_for_offline_set(page)
    if way == "server stopped":
        server.stop()  # the `server` fixture starts it again for the next test
    else:
        context.set_offline(True)


@pytest.mark.parametrize("way", NO_SIGNAL)
def test_older_sessions_open_from_the_progress_page_with_no_signal(context, page, server, way):
    """Long history: the table shows the last 12 weeks, and its link to the older
    sessions works on the phone with no signal: the server's process stopped (nothing
    answers), and the browser told it is offline."""
    glute_bridge_weeks_ago_then_no_signal(context, page, server, way, (1, 20, 30))
    page.goto("/history/progress/glute-bridge")
    page.get_by_text("Show the last 12 weeks as a table").click()
    expect(page.locator("[data-progress-table] tbody tr")).to_have_count(1)
    older = page.locator("[data-older-sessions]")
    expect(older).to_contain_text("Older sessions: 2, ")
    older.click()
    expect(page.get_by_role("heading", name=re.compile("Sessions before"))).to_be_visible()
    expect(page.locator("[data-progress-table] tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Glute bridge").first.click()  # back to the charts
    expect(page.get_by_role("img", name=re.compile("Glute bridge"))).to_be_visible()


@pytest.mark.parametrize("way", NO_SIGNAL)
def test_older_sessions_the_phone_does_not_hold_are_said_to_be_missing(context, page, server, way):
    """With no signal, older sessions asked for by a day the phone holds no page of (a
    link from another device, a typed address) are "not saved on your phone", never
    the recent sessions in their place."""
    glute_bridge_weeks_ago_then_no_signal(context, page, server, way, (1, 20))
    page.goto("/history/progress/glute-bridge?before=2020-01-01")
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()
    expect(page.get_by_text("This page isn't saved on your phone yet")).to_be_visible()
    page.goto("/history/progress/glute-bridge")  # the page it holds still opens
    expect(page.get_by_role("img", name=re.compile("Glute bridge"))).to_be_visible()


# The worker's next manifest check, held once the server has answered it: the answer is
# what the server had then. `__manifestIn` says it has come; `__release` lets it go on.
HOLD_THE_NEXT_MANIFEST = """(user) => {
  const real = self.fetch;
  const held = new Promise((release) => { self.__release = release; });
  self.__manifestIn = false;
  self.fetch = async (input, init) => {
    const response = await real(input, init);
    const url = new URL(typeof input === "string" ? input : input.url, self.location.href);
    if (url.pathname === "/offline/urls" && !url.search) {
      self.fetch = real;
      self.__manifestIn = true;
      await held;
    }
    return response;
  };
  self.__refresh = self.RunptOfflineSet.keepOfflineSetSoon(user);
}"""


def test_a_check_answered_before_logs_arrived_never_vouches_for_the_phones_pages(page):
    """The worker serves its copies of pages at once for a minute after the manifest said
    they are current. A manifest the server made before the runner's logs reached it
    can't say so: past sessions then come from the server, with the session just
    synced, not from the phone's copy without it (the past-sessions page once showed
    "not finished" after a whole session, its copy vouched for by such a check)."""
    register(page)
    page.goto("/")
    wait_for_offline_set(page)
    (worker,) = page.context.service_workers
    worker.evaluate(HOLD_THE_NEXT_MANIFEST, runner_id(page))
    assert wait_until(lambda: worker.evaluate("self.__manifestIn"))
    # Meanwhile the runner's logs reach the server, and the page tells the worker (as
    # sync-status.js does after a sync; here without the refresh that follows it).
    events = a_session(days_ago(1), {"reps": 9})
    assert page.request.post("/api/sync", data={"events": events}).ok
    worker.evaluate("self.RunptWorker.copiesMayBeBehind()")
    worker.evaluate("self.__release() || self.__refresh")

    page.goto("/history/sessions")
    expect(page.locator(".session-row")).to_have_count(1)
