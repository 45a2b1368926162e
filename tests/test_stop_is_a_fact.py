"""A pain stop is a fact nothing erases (docs/sync-protocol.md, "A stop is a fact"): the
player logs `exercise.stopped` with the set that caused it, and a later `set.logged` of
the same step (an older player resumed on the stopped set and logged it again) replaces
that set, never the stop. Every view derived from the log still shows it: the session,
history, the pain chart, "last time" on a step, progression and the physio report."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from runpt.log.sessions import current_sets, current_stops
from tests.events import event, logged, new_session, started
from tests.test_history import days_ago, sync, text
from tests.test_player import last_times
from tests.test_routines import create


def stopped(session, at, **data) -> dict:
    """An exercise.stopped as the player logs it now: at the stop, with no choice."""
    body = {"exercise": "glute-bridge", "set": 2, "side": None, "reason": "pain", "pain": 7,
            **data}  # fmt: skip
    return event("exercise.stopped", session, body, at=at)


def bridge(session, set_no, pain, at) -> dict:
    return logged(session, "glute-bridge", set_no, reps=10, rpe=6, pain=pain, at=at)


def good_session(client, routine, days) -> str:
    """Three glute-bridge sets of 10 at RPE 6 with pain 0: two of these progress."""
    session, when = new_session(), days_ago(days)
    sync(client, [started(session, routine=routine, at=when.isoformat())] + [
        bridge(session, number, 0, (when + timedelta(minutes=number)).isoformat())
        for number in (1, 2, 3)
    ])  # fmt: skip
    return session


def session_stopped_then_logged_again(client, routine, *, with_stop=True, **stop) -> str:
    """Yesterday: set 1 at pain 0; set 2 at pain 7, stopped (the stop logged with its
    set); then set 2 logged again at pain 0 (an older player's resume) and set 3."""
    session, when = new_session(), days_ago(1)

    def moment(minutes):
        return (when + timedelta(minutes=minutes)).isoformat()

    events = [
        started(session, routine=routine, at=moment(0)),
        bridge(session, 1, 0, moment(1)),
        bridge(session, 2, stop.get("pain", 7), moment(2)),
        stopped(session, moment(2), **stop),
        bridge(session, 2, 0, moment(9)),  # later: supersedes the set, never the stop
        bridge(session, 3, 0, moment(10)),
    ]
    if not with_stop:
        events.remove(events[3])
    assert all(r["status"] == "accepted" for r in sync(client, events))
    return session


@pytest.fixture
def stopped_session(signed_in):
    routine = create(signed_in, "Mine", "glute-bridge")
    good_session(signed_in, routine, days=3)
    session = session_stopped_then_logged_again(signed_in, routine)
    return routine, session


def test_the_session_keeps_its_stop_and_the_stops_pain(signed_in, stopped_session):
    _, session = stopped_session
    [api] = [s for s in signed_in.get("/api/sessions").get_json()["sessions"] if s["id"] == session]
    assert [(s["set"], s["reason"], s["pain"], s["choice"]) for s in api["stops"]] == [
        (2, "pain", 7, None)
    ]
    assert len(api["sets"]) == 3 and api["highest_pain"] == 7
    detail = text(signed_in.get(f"/history/sessions/{session}"))
    assert "Glute bridge stopped at set 2 (pain 7)." in re.sub(r"\s+", " ", detail)


def test_history_and_the_pain_chart_show_the_stops_pain(signed_in, stopped_session):
    day = days_ago(1).strftime("%-d %b %Y")
    pain = re.sub(r"\s+", " ", text(signed_in.get("/history/pain")))
    assert re.search(rf"{day}</a></th><td>7</td><td>too much</td>", pain)


def test_the_physio_report_lists_the_stop(signed_in, stopped_session):
    report = re.sub(r"\s+", " ", text(signed_in.get("/history/report")))
    stops = report.split("data-report-stops")[1].split("</section>")[0]
    assert "Glute bridge stopped at set 2 (pain 7)." in stops
    assert "None in these weeks." not in stops
    # The exercise table's highest pain is the stop's, not the set logged again after it.
    row = re.search(r"<tr><th[^>]*>Glute bridge</th>(.*?)</tr>", report).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[-1] == "7"


def test_last_time_on_the_step_says_it_stopped(signed_in, stopped_session):
    routine, session = stopped_session
    [(shown_session, hidden, line)] = [
        one for one in last_times(text(signed_in.get(f"/session/{routine}/steps/0"))) if not one[1]
    ]
    assert shown_session == session and not hidden
    assert line.endswith("10, 10, 10 reps · RPE 6 · pain 7 · stopped for pain")


@pytest.mark.parametrize("with_stop", [True, False], ids=["stopped", "no-stop-logged"])
def test_no_ready_to_progress_on_the_exercise_that_hurt(signed_in, with_stop):
    """The control (no stop logged, as an older player lost it) shows what a lost stop
    did: the set with pain 7 replaced, "Ready to progress"."""
    routine = create(signed_in, "Mine", "glute-bridge")
    good_session(signed_in, routine, days=3)
    session_stopped_then_logged_again(signed_in, routine, with_stop=with_stop)
    step = text(signed_in.get(f"/session/{routine}/steps/0"))
    page = text(signed_in.get(f"/routines/{routine}"))
    if with_stop:
        assert 'data-suggestion="regress"' in step and "Stopped at set 2 for pain 7" in step
        assert "Ready to progress" not in step and 'data-suggestion="progress"' not in page
    else:
        assert 'data-suggestion="progress"' in step


def test_the_same_step_stopped_twice_keeps_what_says_most(signed_in):
    """Sharp pain over pain above 5, whatever came later: an older player's second event
    for the same step never lowers a stop."""
    routine = create(signed_in, "Mine", "glute-bridge")
    session = session_stopped_then_logged_again(signed_in, routine, reason="sharp-pain", pain=4)
    later = (days_ago(1) + timedelta(minutes=3)).isoformat()
    sync(signed_in, [stopped(session, later, pain=6, choice="skip")])
    [api] = signed_in.get("/api/sessions").get_json()["sessions"]
    assert [(s["reason"], s["pain"]) for s in api["stops"]] == [("sharp-pain", 4)]
    assert api["highest_pain"] == 4  # the sets' 0s, the stop's 4; the lesser stop's 6 is one stop


def test_a_stop_logged_at_the_moment_carries_no_choice_and_old_ones_stay_valid(signed_in):
    session = new_session()
    at = days_ago(1).isoformat()
    results = sync(signed_in, [
        started(session, routine="runners-essentials", at=at),
        stopped(session, at),
        stopped(session, at, set=3, choice="easier"),
    ])  # fmt: skip
    assert [r["status"] for r in results] == ["accepted"] * 3


def row(type_, minute, **data):
    """An event row as the derivations read it."""
    at = datetime(2026, 12, 1, 7, 0, tzinfo=UTC) + timedelta(minutes=minute)
    body = {"exercise": "step-down", "set": 2, "side": "left", **data}
    return SimpleNamespace(session_id=uuid.UUID(int=1), id=uuid.uuid4(), type=type_, at=at,
                           received_at=at, data=body)  # fmt: skip


def test_latest_wins_is_for_sets_alone():
    """The rule itself: a later set replaces the set, never the stop; stops of one step
    keep the one that says most, whatever the order."""
    first = row("set.logged", 0, pain=7)
    stop = row("exercise.stopped", 0, reason="pain", pain=7)
    again = row("set.logged", 5, pain=1)
    assert current_sets([first, again]) == [again]
    assert current_stops([stop]) == [stop]
    sharp = row("exercise.stopped", 1, reason="sharp-pain", pain=3)
    later_pain = row("exercise.stopped", 2, reason="pain", pain=8)
    assert current_stops([sharp, later_pain]) == [sharp]
    assert current_stops([later_pain, stop]) == [later_pain]
    other_side = row("exercise.stopped", 3, reason="pain", pain=6, side="right")
    assert current_stops([stop, other_side]) == [stop, other_side]
