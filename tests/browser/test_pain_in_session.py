"""Pain steers the session on the phone itself, with no signal (docs/content-rules.md,
rule 1): pain above 5 stops the exercise and offers its easier variant (only if pain is
back to 5 or less) or the next exercise; a tap on "Sharp pain" or a note of sharp pain
offers the next exercise only (test_stop_is_a_fact.py: the stop survives closing the
app); pain 3-5 (5 included) says it is acceptable and goes on; pain rising by 2 within an
exercise says to keep it easy. Pain is asked on every set and never filled in: "Log set"
with none answered asks once, and the next tap logs it as not given."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    log_set,
    outbox_for,
    register,
    reload_once_kept,
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


def test_pain_3_to_5_is_acceptable_and_the_next_set_offers_nothing(page, server):
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
    # The right side of set 1 asks again: nothing carried from the left side's answer.
    expect(page.locator("#step[data-side='right']")).to_be_visible()
    expect(step.locator("input[name=pain]:checked, input[name=sharp]:checked")).to_have_count(0)
    # Pain 5, the top of the acceptable zone, goes on with the exercise.
    log_set(page, pain=5)
    expect(page.locator("#step[data-side='left']")).to_contain_text("Set 2 of 3")
    expect(page.locator("[data-pain-stop]")).to_have_count(0)
    expect(step.locator("[data-pain-acceptable]")).to_contain_text("Pain 5 in the last set")
    sets = [e["data"] for e in waiting_events(page) if e["type"] == "set.logged"]
    assert json.dumps([(s["exercise"], s["pain"], s["sharp"]) for s in sets]) == json.dumps(
        [("step-down", 4, False), ("step-down", 5, False)]
    )


def test_the_acceptable_pain_note_is_still_there_when_the_session_is_resumed(page, server):
    """Pain 3-5 is acceptable if it settles by tomorrow: the step after that set says so,
    and says so again when the app was closed and the session resumed on that step."""
    register(page)
    routine_id = create_routine(page, "Some pain", STEP_DOWN_THEN_BRIDGE)
    start_session(page, routine_id)
    log_set(page, pain=4)
    note = page.locator("#step [data-pain-acceptable]")
    expect(note).to_contain_text("Pain 4 in the last set is acceptable")
    reload_once_kept(page)  # the app killed and opened again: the player resumes
    expect(page.locator("#step[data-side='right']")).to_contain_text("Set 1 of 3")
    expect(note).to_contain_text("Pain 4 in the last set is acceptable")
    log_set(page, pain=0)  # a set without pain: the next step has no note
    expect(page.locator("#step[data-side='left']")).to_contain_text("Set 2 of 3")
    expect(note).to_be_hidden()
    reload_once_kept(page)
    expect(page.locator("#step[data-side='left']")).to_contain_text("Set 2 of 3")
    expect(note).to_be_hidden()


def phone(page, size: dict) -> None:
    page.set_viewport_size(size)


SIZES = [{"width": 390, "height": 844}, {"width": 360, "height": 640}]


@pytest.mark.parametrize("size", SIZES, ids=lambda v: f"{v['width']}x{v['height']}")
def test_log_set_with_no_pain_asks_once_and_the_next_tap_logs_it_not_given(page, server, size):
    phone(page, size)
    register(page)
    routine_id = create_routine(page, "Ask once", STEP_DOWN_THEN_BRIDGE)
    wait_for_offline_set(page)
    server.stop()
    start_session(page, routine_id)
    log = page.get_by_role("button", name="Log set")
    log.click()
    # Still on set 1: the question is asked at the scale, on screen, with the focus there.
    step = page.locator("#step[data-index='0']")
    ask = step.locator("[data-pain-ask]")
    expect(ask).to_be_visible()
    expect(ask).to_be_in_viewport(ratio=1)
    expect(ask).to_have_text(
        "How much did it hurt? Tap 0 for no pain, or Log set again to go on without."
    )
    assert page.evaluate("document.activeElement.name") == "pain"
    assert [e["type"] for e in waiting_events(page)] == ["session.started"]
    log.click()  # the second tap: logged, pain not given
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    # The next set asks afresh; "No pain" is one tap.
    expect(page.locator("#step [data-pain-ask]")).to_be_hidden()
    no_pain = page.locator("#step .pain-scale label", has_text=re.compile(r"^0$"))
    box = no_pain.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    no_pain.click()
    log.click()
    expect(page.locator("#step[data-index='2']")).to_be_visible()
    sets = [e["data"] for e in waiting_events(page) if e["type"] == "set.logged"]
    assert [(s["pain"], s["sharp"]) for s in sets] == [(None, False), (0, False)]


@pytest.mark.parametrize("size", SIZES, ids=lambda v: f"{v['width']}x{v['height']}")
def test_sharp_pain_is_one_tap_and_stops_the_exercise(page, server, size):
    phone(page, size)
    register(page)
    routine_id = create_routine(page, "Sharp", STEP_DOWN_THEN_BRIDGE)
    wait_for_offline_set(page)
    server.stop()
    start_session(page, routine_id)
    sharp = page.get_by_label("Sharp pain")
    expect(sharp).not_to_be_checked()
    label = page.locator("#step .pain-sharp")
    expect(label).to_be_in_viewport(ratio=1)
    label.click()  # one tap, no number needed
    page.get_by_role("button", name="Log set").click()
    card = page.locator("[data-pain-stop]")
    expect(card).to_be_visible()
    expect(card.locator("[data-reason='sharp-pain']")).to_be_visible()
    expect(card.locator("[data-reason='pain']")).to_be_hidden()
    expect(card.get_by_role("button", name=re.compile("easier variant"))).to_have_count(0)
    events = waiting_events(page)
    (logged,) = [e["data"] for e in events if e["type"] == "set.logged"]
    assert logged["sharp"] is True and logged["pain"] is None
    # The stop is logged with the set, at once (a fact: test_stop_is_a_fact.py).
    (stopped,) = [e["data"] for e in events if e["type"] == "exercise.stopped"]
    assert stopped["reason"] == "sharp-pain" and stopped["pain"] is None


def test_pain_rising_by_2_within_an_exercise_says_keep_it_easy(page, server):
    register(page)
    routine_id = create_routine(page, "Rising", STEP_DOWN_THEN_BRIDGE)
    wait_for_offline_set(page)
    server.stop()
    start_session(page, routine_id)
    rising = page.locator("#step [data-pain-rising]")
    log_set(page, pain=1)
    expect(rising).to_be_hidden()
    log_set(page, pain=2)
    expect(rising).to_be_hidden()
    log_set(page, pain=3)  # 1, 2, 3: up by 2 from the lowest
    expect(rising).to_have_text("Pain is rising: keep the rest of this exercise easy.")
    expect(page.locator("[data-pain-stop]")).to_have_count(0)
    for _ in range(3):
        log_set(page, pain=3)
    expect(page.locator("#step")).to_contain_text("Glute bridge")
    expect(rising).to_be_hidden()  # a new exercise starts afresh


# pain.js's rules, run as the player runs them: the module imported in the page, with the
# zones and words the server wrote into it.
PAIN_RULES = """async () => {
  const { painResponse, saysSharpPain } = await import("/static/js/pain.js");
  const { painRising } = await import("/static/js/from-last-sets.js");
  const set = (pain, extra = {}) => ({ pain, sharp: false, note: null, ...extra });
  return {
    none: painResponse(set(null)),
    zero: painResponse(set(0)),
    two: painResponse(set(2)),
    five: painResponse(set(5)),
    six: painResponse(set(6)),
    sharpTap: painResponse(set(1, { sharp: true })),
    sharpAndSeven: painResponse(set(7, { sharp: true })),
    sharpNote: painResponse(set(2, { note: "Sharp at the front of the knee" })),
    hadToStop: painResponse(set(null, { note: "had to stop" })),
    noSharp: painResponse(set(2, { note: "no sharp pain today" })),
    notSharp: painResponse(set(2, { note: "it was not sharp, just tired" })),
    wasntSharp: saysSharpPain("wasn't sharp"),
    sharpAfterNo: saysSharpPain("no pain at first, then sharp"),
    sharpened: saysSharpPain("sharpened my focus"),
    rising: [painRising([1, 3]), painRising([2, 3]), painRising([3, 1, 3]),
             painRising([null, 4]), painRising([4, 2, 3]), painRising([0, null, 2])],
  };
}"""


def test_the_pain_rules_of_the_player(page):
    register(page)
    routine_id = create_routine(page, "Rules", STEP_DOWN_THEN_BRIDGE)
    page.goto(f"/session/{routine_id}")
    found = page.evaluate(PAIN_RULES)
    assert found == {
        "none": {}, "zero": {}, "two": {}, "five": {"acceptable": 5}, "six": {"stop": "pain"},
        "sharpTap": {"stop": "sharp-pain"}, "sharpAndSeven": {"stop": "sharp-pain"},
        "sharpNote": {"stop": "sharp-pain"}, "hadToStop": {"stop": "sharp-pain"},
        "noSharp": {}, "notSharp": {}, "wasntSharp": False, "sharpAfterNo": True,
        "sharpened": False,
        "rising": [True, False, True, False, False, True],
    }  # fmt: skip


@pytest.mark.parametrize("size", SIZES, ids=lambda v: f"{v['width']}x{v['height']}")
def test_on_the_floor_a_large_pain_question_follows_each_set(page, server, size):
    phone(page, size)
    register(page)
    routine_id = create_routine(page, "Floor pain", STEP_DOWN_THEN_BRIDGE)
    wait_for_offline_set(page)
    server.stop()
    start_session(page, routine_id)
    page.get_by_role("button", name="Phone on the floor").click()
    page.locator("[data-floor-hint]").click()  # the big tap: the set is done
    question = page.locator("[data-floor-pain]")
    expect(question.get_by_role("heading")).to_have_text("Any pain in that set?")
    for answer in ("None", "Some", "Too much or sharp"):
        button = question.get_by_role("button", name=answer)
        expect(button).to_be_in_viewport(ratio=1)
        assert button.bounding_box()["height"] >= 72  # large, for a tap from the mat
    # "Some" picks no number: it opens the numbers it can mean.
    question.get_by_role("button", name="Some").click()
    for n in range(1, 6):
        expect(question.get_by_role("button", name=str(n), exact=True)).to_be_in_viewport()
    expect(page.locator("#step input[name=pain]:checked")).to_have_count(0)
    assert [e["type"] for e in waiting_events(page)] == ["session.started"]
    question.get_by_role("button", name="3", exact=True).click()
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    # The next set asks again, nothing carried; "too much or sharp" is a stop.
    page.locator("[data-floor-hint]").click()
    expect(page.locator("#step input[name=pain]:checked")).to_have_count(0)
    question.get_by_role("button", name="Too much or sharp").click()
    expect(page.locator("[data-pain-stop]")).to_be_visible()
    sets = [e["data"] for e in waiting_events(page) if e["type"] == "set.logged"]
    assert [(s["pain"], s["sharp"]) for s in sets] == [(3, False), (None, True)]
