"""Pain steers the session on the phone itself, with no signal (docs/content-rules.md, rule 1):
pain above 5 stops the exercise and offers its easier variant (only if pain is back to 5
or less) or the next exercise, sharp pain the next exercise only (test_stop_is_a_fact.py:
the stop survives closing the app); pain 3-5 says it is acceptable and what to watch; a
later set offers the previous set's pain, marked; the first set of an exercise offers
none."""

import json
import re

from playwright.sync_api import expect

from tests.browser.conftest import register
from tests.browser.helpers import (
    create_routine,
    log_set,
    outbox_for,
    runner_id,
    start_session,
    wait_for_offline_set,
    wait_until,
)
from tests.browser.no_signal import current_session, server_events

STEP_DOWN_THEN_BRIDGE = [
    ("step-down", {"sets": 3, "reps": 5, "rest_s": 0}),
    ("glute-bridge", {"sets": 1, "reps": 5, "rest_s": 0}),
]


def waiting_events(page) -> list[dict]:
    return page.evaluate("u => RunptOutbox.waiting(u)", runner_id(page))


def test_pain_above_5_stops_the_exercise_and_offers_its_easier_variant_offline(page, server):
    register(page)
    routine_id = create_routine(page, "Knee day", STEP_DOWN_THEN_BRIDGE)
    wait_for_offline_set(page)
    server.stop()
    start_session(page, routine_id)
    session = current_session(page)
    # Nothing is chosen for pain on the first set.
    expect(page.locator("#step input[name=pain]:checked")).to_have_count(0)
    log_set(page, pain=6)
    card = page.locator("[data-pain-stop]")
    expect(card).to_be_visible()
    expect(card.get_by_role("heading")).to_have_text("Stop Step-down for today")
    expect(card).to_contain_text("Pain 6 is above 5")
    expect(card).to_contain_text("see a clinician for pain that lasts, swelling, numbness")
    card.get_by_role(
        "button",
        name="Only if pain is back to 5 or less: go on with the easier variant, "
        "Step-down from a lower step",
    ).click()
    # The rest of the exercise is the easier variant, and says so.
    step = page.locator("#step")
    expect(step).to_contain_text("Set 1 of 3")
    expect(step.locator("[data-eased]")).to_have_text(
        "Easier variant after the pain stop: Step-down from a lower step"
    )
    for _ in range(5):
        log_set(page, pain=1)
    expect(step).to_contain_text("Glute bridge")
    expect(step.locator("[data-eased]")).to_be_hidden()
    # Glute bridge loads the hip too: flagged, and doing it is the second choice.
    page.get_by_role("button", name="Do it anyway, stopping if it hurts").click()
    log_set(page, pain=0)
    expect(page.locator("#summary")).to_be_visible()
    events = waiting_events(page)
    stops = [e for e in events if e["type"] == "exercise.stopped"]
    # Logged at the stop, with its set: the card's choice only moves the session on.
    assert [s["data"] for s in stops] == [
        {"exercise": "step-down", "set": 1, "side": "left", "reason": "pain", "pain": 6}
    ]  # fmt: skip
    levels = [e["data"]["level"] for e in events if e["type"] == "set.logged"]
    assert levels == [0, -1, -1, -1, -1, -1, 0]
    # Back online: the server holds the decision, and the session page shows it.
    server.start()
    page.goto("/")
    assert wait_until(lambda: outbox_for(page, runner_id(page)) == 0)
    stored = [e for e in server_events(page) if e["type"] == "exercise.stopped"]
    assert len(stored) == 1 and stored[0]["session"] == session
    page.goto(f"/history/sessions/{session}")
    expect(page.get_by_text(re.compile(r"Step-down stopped at set 1.*pain 6"))).to_be_visible()


def test_a_note_of_sharp_pain_stops_the_exercise_and_skip_moves_to_the_next_one(page, server):
    register(page)
    routine_id = create_routine(page, "Skip it", STEP_DOWN_THEN_BRIDGE)
    wait_for_offline_set(page)
    server.stop()
    start_session(page, routine_id)
    log_set(page, pain=2, note="Had to stop, stabbing pain")
    card = page.locator("[data-pain-stop]")
    expect(card).to_contain_text("Sharp pain ends this exercise for today")
    expect(card.get_by_role("button", name=re.compile("easier variant"))).to_have_count(0)
    card.get_by_role("button", name="Skip to the next exercise").click()
    # The remaining five step-down steps are not asked for.
    expect(page.locator("#step")).to_contain_text("Glute bridge")
    page.get_by_role("button", name="Do it anyway, stopping if it hurts").click()
    log_set(page, pain=0)
    expect(page.locator("#summary")).to_be_visible()
    expect(page.locator("[data-summary-sets]")).to_have_text("2")
    stop = next(e for e in waiting_events(page) if e["type"] == "exercise.stopped")
    assert stop["data"]["reason"] == "sharp-pain" and "choice" not in stop["data"]


def test_pain_3_to_5_is_acceptable_and_the_next_set_offers_it_marked(page, server):
    register(page)
    routine_id = create_routine(page, "Some pain", STEP_DOWN_THEN_BRIDGE)
    wait_for_offline_set(page)
    server.stop()  # the logs stay on the phone, where the test reads them
    start_session(page, routine_id)
    log_set(page, pain=4)
    step = page.locator("#step")
    expect(step.locator("[data-pain-acceptable]")).to_have_text(
        re.compile(r"^Pain 4 in the last set is acceptable \(3–5\) if it settles by tomorrow")
    )
    # The right side of set 1 offers the left side's pain, and says so.
    expect(step.locator("input[name=pain][value='4']")).to_be_checked()
    expect(step.locator("[data-pain-carried]")).to_be_visible()
    step.get_by_role("button", name="Log set").click()
    expect(page.locator("#step[data-side='left']")).to_contain_text("Set 2 of 3")
    sets = [e["data"] for e in waiting_events(page) if e["type"] == "set.logged"]
    assert json.dumps([s["pain"] for s in sets[-2:]]) == "[4, 4]"
    # The next exercise's first set offers nothing.
    for _ in range(4):
        log_set(page, pain=1)
    expect(step).to_contain_text("Glute bridge")
    expect(step.locator("input[name=pain]:checked")).to_have_count(0)
