"""Load is carried and easing off is one tap (issue 22 item 4): set 1 starts from last
session's load and set 2 from set 1's, in the runner's unit, in a load field that is on
show for an exercise that carries load; a suggestion to ease off is taken in the step,
for the rest of the session, and its sets are logged at the rung done."""

import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    log_set,
    register,
    reload_once_kept,
    runner_id,
    start_session,
    wait_for_offline_set,
)
from tests.browser.no_signal import current_session


def waiting_sets(page) -> list[dict]:
    events = page.evaluate("u => RunptOutbox.waiting(u)", runner_id(page))
    return [e["data"] for e in events if e["type"] == "set.logged"]


def sync_one_session(page, at: datetime, sets: list[dict]) -> None:
    """A past session of the runner's, sent as their phone would have."""
    session = str(uuid.uuid4())

    def event(kind, moment, data):
        return {"id": str(uuid.uuid4()), "type": kind, "at": moment.isoformat(),
                "session": session, "data": data}  # fmt: skip

    events = [event("session.started", at, {"routine": "runners-essentials"})]
    for number, data in enumerate(sets, start=1):
        events.append(event("set.logged", at + timedelta(minutes=number), data))
    events.append(event("session.finished", at + timedelta(minutes=len(sets) + 1), {}))
    answer = page.request.post("/api/sync", data={"events": events})
    assert answer.ok, answer.text()
    # The runner opens runpt again: its worker keeps what the server shows now. (Sent
    # from outside the page, the session is news to the worker, which may have read the
    # server's list of what to keep just before.)
    page.goto("/")


def pounds(page) -> None:
    page.goto("/settings")
    page.get_by_label("Pounds (lb)").check()
    page.get_by_role("button", name="Save settings").click()


def test_set_1_starts_from_last_time_and_set_2_from_set_1_in_pounds(page, server):
    register(page)
    pounds(page)
    routine_id = create_routine(
        page, "Heavy calves", [("heavy-slow-calf-raise", {"sets": 2, "reps": 6, "rest_s": 0})]
    )
    last_week = datetime.now(UTC) - timedelta(days=7)
    sync_one_session(
        page, last_week,
        [{"exercise": "heavy-slow-calf-raise", "set": n, "side": side, "reps": 6, "pain": 1,
          "load_kg": 20} for n in (1, 2) for side in ("left", "right")],
    )  # fmt: skip
    wait_for_offline_set(page)
    server.stop()
    start_session(page, routine_id)
    load = page.get_by_label("Load (lb)")
    # On show, not folded away: heavy slow resistance is eased off by its load.
    expect(load).to_be_visible()
    expect(load).to_have_value("44.1")  # 20 kg
    expect(page.locator("#step [data-load-from]")).to_have_text("as last time")
    load.fill("45")
    log_set(page, pain=0)
    # One leg at a time: the other side of set 1, then set 2, each from the set before.
    for step in ("Set 1 of 2", "Set 2 of 2", "Set 2 of 2"):
        expect(page.locator("#step")).to_contain_text(step)
        expect(load).to_have_value("45")
        expect(page.locator("#step [data-load-from]")).to_have_text("as your last set")
        log_set(page, pain=0)
    assert [s["load_kg"] for s in waiting_sets(page)] == [20.412] * 4  # 45 lb


def test_an_exercise_with_no_load_keeps_its_load_field_folded_away(page):
    register(page)
    routine_id = create_routine(page, "Bridges", [("glute-bridge", {"sets": 2, "reps": 5})])
    start_session(page, routine_id)
    expect(page.get_by_label("Load (kg)")).to_be_hidden()
    expect(page.locator("details.log-more summary")).to_have_text("Load, effort, note")


def test_ease_off_now_swaps_to_the_easier_rung_for_the_rest_of_the_session(page, server):
    register(page)
    routine_id = create_routine(
        page, "Knee strength", [("split-squat", {"sets": 2, "reps": 8, "rest_s": 0})]
    )
    # Last session, after the dose was set: pain 7 in set 1, too much.
    sync_one_session(
        page, datetime.now(UTC),
        [{"exercise": "split-squat", "set": 1, "side": "left", "reps": 8, "pain": 7}],
    )  # fmt: skip
    wait_for_offline_set(page)
    server.stop()
    start_session(page, routine_id)
    suggestion = page.locator("#step [data-suggestion]")
    expect(suggestion).to_contain_text("Ease off:")
    take_it = suggestion.get_by_role(
        "button", name="Ease off now: Slow split squat with no weight, 2 × 8"
    )
    take_it.click()
    step = page.locator("#step")
    eased = step.locator("[data-eased-off]")
    expect(eased).to_have_text("Eased off for today: Slow split squat with no weight, 2 × 8")
    expect(suggestion).to_be_hidden()
    log_set(page, pain=1)
    # The rest of the exercise stays eased off, and so does a session resumed.
    expect(step).to_contain_text("Set 1 of 2")
    expect(eased).to_be_visible()
    session = current_session(page)
    reload_once_kept(page)
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    expect(eased).to_be_visible()
    assert current_session(page) == session
    for _ in range(3):
        log_set(page, pain=1)
    expect(page.locator("#summary")).to_be_visible()
    sets = waiting_sets(page)
    assert [(s["level"], s["reps"]) for s in sets] == [(-1, 8)] * 4


# ease-off.js's rule for a dose eased off to fewer sets (heavy slow resistance from 4 × 10
# down to 3 × 12): the sets beyond it are passed by. Run as the player runs it.
SETS_PASSED_BY = """async () => {
  const { beyondEasedSets } = await import("/static/js/ease-off.js");
  const unit = { exercise_of_step: [1, 1, 1, 1, 2], set_of_step: [1, 2, 3, 4, 1] };
  const run = { easedOff: { 1: { level: 1, sets: 3, amount: 12, text: "3 × 12" } } };
  const older = { exercise_of_step: unit.exercise_of_step };
  return {
    eased: [0, 1, 2, 3, 4].map((index) => beyondEasedSets(unit, run, index)),
    notEased: [0, 1, 2, 3, 4].map((index) => beyondEasedSets(unit, { easedOff: {} }, index)),
    olderUnit: [0, 1, 2, 3, 4].map((index) => beyondEasedSets(older, run, index)),
  };
}"""


def test_sets_beyond_a_dose_eased_off_to_fewer_sets_are_passed_by(page):
    register(page)
    routine_id = create_routine(page, "Calves", [("glute-bridge", {"sets": 1})])
    page.goto(f"/session/{routine_id}")
    assert page.evaluate(SETS_PASSED_BY) == {
        "eased": [False, False, False, True, False],
        "notEased": [False] * 5,
        "olderUnit": [False] * 5,
    }
