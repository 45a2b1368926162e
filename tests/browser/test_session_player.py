"""A runner steps through a whole session in Chromium; the server ends with it once."""

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    log_set,
    outbox_count,
    register,
    server_sessions,
    start_session,
    wait_until,
    wait_until_kept,
)  # fmt: skip
from tests.browser.no_signal import server_events

SHORT = [
    ("glute-bridge", {"sets": 2, "reps": 5, "rest_s": 0}),
    ("front-plank", {"sets": 1, "hold_s": 5}),
]


@pytest.mark.end_to_end
def test_a_whole_short_routine_runs_and_reaches_the_server_once(page):
    register(page)
    routine_id = create_routine(page, "Short test", SHORT)
    start_session(page, routine_id)

    step = page.locator("#step")
    expect(step).to_contain_text("Glute bridge")
    expect(step).to_contain_text("Set 1 of 2 · 5 reps")
    expect(page.locator("[data-timer-label]")).to_have_text("Get ready")
    log_set(page, pain=2, reps=5, rpe=6)

    expect(step).to_contain_text("Set 2 of 2")
    log_set(page, pain=3, reps=4, load=5)

    expect(step).to_contain_text("Front plank")
    page.get_by_role("button", name="Skip countdown").click()
    page.get_by_role("button", name="Start 5 s hold").click()
    expect(page.locator("[data-timer-label]")).to_have_text("Hold done", timeout=9000)
    expect(step.locator("[name=hold_s]")).to_have_value("5")
    log_set(page, pain=1)

    summary = page.locator("#summary")
    expect(summary).to_be_visible()
    expect(summary.locator("[data-summary-sets]")).to_have_text("3")
    expect(summary.locator("[data-summary-pain]")).to_have_text("3 / 10")
    expect(summary.locator("[data-summary-time]")).to_have_text(re.compile(r"^\d+ min$"))

    finished = wait_until(lambda: [s for s in server_sessions(page) if s["finished_at"]])
    assert len(finished) == 1
    sessions = server_sessions(page)
    assert len(sessions) == 1
    session = sessions[0]
    assert session["routine"] == routine_id
    assert [
        (s["exercise"], s["set"], s["reps"], s["hold_s"], s["pain"]) for s in session["sets"]
    ] == [
        ("glute-bridge", 1, 5, None, 2),
        ("glute-bridge", 2, 4, None, 3),
        ("front-plank", 1, None, 5, 1),
    ]
    assert session["sets"][0]["rpe"] == 6 and session["sets"][1]["load_kg"] == 5
    assert wait_until(lambda: outbox_count(page) == 0)
    expect(page.locator("[data-sync-text]")).to_have_text(re.compile("^Synced"))

    page.get_by_role("link", name="See past sessions").click()
    expect(page.locator(".session-row")).to_have_count(1)
    expect(page.locator(".session-row")).to_contain_text("3 sets")


def test_skip_back_and_finish_early(page):
    register(page)
    routine_id = create_routine(page, "Skips", SHORT)
    start_session(page, routine_id)
    page.get_by_role("button", name="Skip", exact=True).click()
    expect(page.locator("#step")).to_contain_text("Set 2 of 2")
    page.get_by_role("button", name="Back").click()
    expect(page.locator("#step")).to_contain_text("Set 1 of 2")
    log_set(page, pain=0)
    page.get_by_role("button", name="Finish session").click()
    expect(page.locator("#summary [data-summary-sets]")).to_have_text("1")
    sessions = wait_until(lambda: [s for s in server_sessions(page) if s["finished_at"]])
    assert len(sessions) == 1 and len(sessions[0]["sets"]) == 1


def test_reopening_the_app_offers_resume_at_the_right_step(page):
    register(page)
    routine_id = create_routine(page, "Resume me", SHORT)
    start_session(page, routine_id)
    log_set(page, pain=0)
    expect(page.locator("#step")).to_contain_text("Set 2 of 2")
    wait_until_kept(page)

    page.goto("/")  # the app was closed and opened again
    resume = page.get_by_role("link", name="Resume session")
    expect(resume).to_be_visible()
    expect(page.locator("[data-resume-name]")).to_have_text("Resume me")
    resume.click()
    expect(page.locator("#step")).to_contain_text("Set 2 of 2")
    log_set(page, pain=0)
    log_set(page, pain=0)
    expect(page.locator("#summary")).to_be_visible()
    sessions = wait_until(lambda: [s for s in server_sessions(page) if s["finished_at"]])
    assert len(sessions) == 1 and len(sessions[0]["sets"]) == 3


def test_a_log_is_in_the_outbox_before_any_request_is_made(page):
    """Logging never waits on the network: with every request held back, the set is
    already in IndexedDB and the next step is on screen."""
    register(page)
    routine_id = create_routine(page, "Outbox first", SHORT)
    start_session(page, routine_id)
    assert wait_until(lambda: outbox_count(page) == 0), "session.started never synced"
    page.context.route("**/api/sync", lambda route: None)  # never answered
    log_set(page, pain=0, reps=5)
    expect(page.locator("#step")).to_contain_text("Set 2 of 2")
    assert outbox_count(page) == 1
    expect(page.locator("[data-sync-text]")).to_have_text("1 log waiting")


def test_ids_are_made_in_the_order_of_the_runners_actions(page):
    """Every id the phone makes is a UUID version 7: the time it was made, then random
    bits. The server stores a session's events at the end of its indexes instead of all
    over them, which keeps sync as fast with years of logs as on the first day."""
    register(page)
    routine_id = create_routine(page, "In order", SHORT)
    before_ms = page.evaluate("Date.now()")
    start_session(page, routine_id)
    log_set(page, pain=0)
    log_set(page, pain=1)
    after_ms = page.evaluate("Date.now()")
    assert wait_until(lambda: outbox_count(page) == 0), "the logs never synced"
    events = [e for e in server_events(page) if e["type"] in ("session.started", "set.logged")]
    ids = [uuid.UUID(e["id"]) for e in sorted(events, key=lambda e: e["at"])]
    session = uuid.UUID(events[0]["session"])
    assert len(ids) == 3 and ids == sorted(ids)  # made one after another, sorted so
    for made in (*ids, session):
        assert made.version == 7 and made.variant == uuid.RFC_4122
        assert before_ms <= made.int >> 80 <= after_ms  # its first 48 bits: when it was made
    # And never the same twice, however fast: 74 random bits after the time.
    made = page.evaluate("Array.from({length: 2000}, () => RunptOutbox.newId())")
    assert len(set(made)) == 2000 and all(uuid.UUID(i).version == 7 for i in made)


def test_rest_timer_is_right_after_the_phone_slept(page):
    """The timer is computed from timestamps: when the clock jumps (screen off, app in
    the background), the countdown jumps with it instead of resuming where it stopped."""
    page.clock.install()
    register(page)
    routine_id = create_routine(
        page, "Timers", [("glute-bridge", {"sets": 2, "reps": 5, "rest_s": 60})]
    )
    start_session(page, routine_id)
    log_set(page, pain=0)
    clock = page.locator("[data-timer-clock]")
    expect(page.locator("[data-timer-label]")).to_have_text("Rest")
    expect(clock).to_have_text(re.compile(r"^(1:00|59|58)$"))
    now_ms = page.evaluate("Date.now()")
    page.clock.set_system_time(datetime.fromtimestamp((now_ms + 40_000) / 1000, tz=UTC))
    page.clock.run_for(500)
    expect(clock).to_have_text(re.compile(r"^(20|19|18)$"))


def test_a_refused_log_is_kept_where_the_runner_can_see_it(page):
    register(page)
    page.goto("/history/sessions")
    page.evaluate(
        """(user) => RunptOutbox.add(RunptOutbox.makeEvent(user, "set.logged",
            crypto.randomUUID(), {exercise: "glute-bridge", set: 1, pain: 42}))""",
        int(page.evaluate("document.body.dataset.user")),
    )
    page.reload()  # opening the app flushes the outbox
    expect(page.locator("[data-attention]")).to_have_text("1 log needs attention")
    expect(page.locator("#needs-attention")).to_contain_text("data.pain: 42 is out of range 0-10")
    assert wait_until(lambda: outbox_count(page) == 0)
    assert server_sessions(page) == []


SPY_ON_SCREEN_AND_BUZZ = """
window.__wakeLocks = [];
window.__buzzes = 0;
const fakeLock = () => ({ release: async () => {}, addEventListener: () => {} });
const realWakeLock = navigator.wakeLock;
Object.defineProperty(navigator, "wakeLock", { configurable: true, value: {
  request: (type) => {
    window.__wakeLocks.push(type);
    return realWakeLock ? realWakeLock.request(type).catch(fakeLock) : Promise.resolve(fakeLock());
  },
}});
navigator.vibrate = () => { window.__buzzes += 1; return true; };
"""


def test_the_screen_stays_on_and_timer_cues_can_be_turned_off(page):
    page.add_init_script(SPY_ON_SCREEN_AND_BUZZ)
    page.clock.install()
    register(page)
    routine_id = create_routine(page, "Screen on", [("glute-bridge", {"sets": 2, "rest_s": 5})])
    start_session(page, routine_id)
    assert wait_until(lambda: page.evaluate("window.__wakeLocks") == ["screen"])

    page.clock.fast_forward(11_000)  # the get-ready countdown ends
    expect(page.locator("[data-timer-label]")).to_have_text("Go")
    assert page.evaluate("window.__buzzes") == 1

    page.get_by_label("Beep and vibrate when a hold or rest ends").uncheck()
    log_set(page, pain=0)
    expect(page.locator("[data-timer-label]")).to_have_text("Rest")
    page.clock.fast_forward(6_000)
    expect(page.locator("[data-timer-label]")).to_have_text("Go")
    assert page.evaluate("window.__buzzes") == 1  # cues off: no buzz this time
    page.reload()
    expect(page.get_by_label("Beep and vibrate when a hold or rest ends")).not_to_be_checked()


def test_the_player_opened_with_start_starts_the_session(page):
    """What a Start tapped before the page's scripts ran leads to."""
    register(page)
    routine_id = create_routine(page, "Early tap", [("glute-bridge", {"sets": 1, "reps": 5})])
    page.goto(f"/session/{routine_id}?start=1")
    expect(page.locator("#step[data-index='0']")).to_be_visible()
    assert page.url.endswith(f"/session/{routine_id}")  # ?start=1 is gone: a reload resumes
    page.reload()
    expect(page.locator("#step[data-index='0']")).to_be_visible()
    # One session started, not a second one at the reload.
    started = wait_until(lambda: server_sessions(page))
    assert len(started) == 1 and started[0]["routine"] == routine_id
