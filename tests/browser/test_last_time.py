""" "Last time" on a step is the last session in which the exercise was done, with its
date: never the session being run, even when the step was made after that session's
first sets reached the server."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    log_set,
    outbox_count,
    register,
    runner_id,
    start_session,
    wait_for_offline_set,
    wait_until,
)

ROUTINE = [("glute-bridge", {"sets": 2, "reps": 5, "rest_s": 0})]
FORGET_THE_RUNS_COPY = """async (user) => {
  await RunptOutbox.setMeta(`session-unit:${user}`, null);
  for (const name of await caches.keys()) await caches.delete(name);
}"""


def test_last_time_is_the_last_session_never_the_one_being_run(page):
    register(page)
    routine_id = create_routine(page, "Bridges", ROUTINE)
    start_session(page, routine_id)
    expect(page.locator("#step [data-first-time]")).to_be_visible()
    log_set(page, pain=1, reps=6)
    log_set(page, pain=2, reps=7)
    expect(page.locator("#summary")).to_be_visible()
    assert wait_until(lambda: outbox_count(page) == 0)
    page.goto("/")  # runpt opened again later: the phone keeps the routine as it is now
    wait_for_offline_set(page)

    start_session(page, routine_id)  # the next session
    last = page.locator("#step .last-time:visible")
    expect(last).to_have_count(1)
    expect(last).to_have_text(re.compile(r"^Last time, \w{3} \d{1,2} \w{3}:\s+6, 7 reps · pain 2$"))
    log_set(page, pain=0, reps=9)
    assert wait_until(lambda: outbox_count(page) == 0)

    # The phone fetches the routine afresh mid-session (its copy of the run's routine
    # gone): the server's steps now name this session first. The player leaves it out.
    page.evaluate(FORGET_THE_RUNS_COPY, runner_id(page))
    page.reload()
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    assert page.locator("#step [data-last-session]").count() == 2
    expect(last).to_have_count(1)
    expect(last).to_contain_text("6, 7 reps")
    expect(page.locator("#step .last-time", has_text="9 reps")).to_be_hidden()
