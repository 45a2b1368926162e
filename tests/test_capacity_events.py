"""The two new kinds of fact a runner records: one side of a capacity test
(`capacity.tested`) and a run (`run.logged`), with the next-morning answer's pain
(docs/sync-protocol.md). Stored once, read back as they stand, and never a session."""

import uuid

import pytest

from runpt.log.ingest import ingest
from runpt.log.models import Event
from runpt.log.reads import logged_runs, sides_tested
from tests.events import at, capacity_side, event, new_session, ran
from tests.test_history import sync, text
from tests.test_sync_ingest import runners  # noqa: F401 (a fixture)


def stored(event_id: str) -> Event:
    from runpt.extensions import db

    return db.session.get(Event, uuid.UUID(event_id))


def test_a_heel_raise_side_is_stored_with_the_norm_it_was_read_against(runners):  # noqa: F811
    ana, _ = runners
    sitting = new_session()
    left = capacity_side(sitting, reps=23, sex="female", age_band="30-39", incline=True)
    [result] = ingest(ana, [left])
    assert result.status == "accepted"
    assert stored(left["id"]).data == {
        "test": "heel-raise", "side": "left", "reps": 23, "hold_s": None, "checklist": None,
        "pain": None, "sex": "female", "age_band": "30-39", "incline": True,
    }  # fmt: skip
    assert stored(left["id"]).exercise is None  # never mistaken for a set


def test_a_side_tested_again_in_a_sitting_counts_once_with_the_latest_count(runners, app):  # noqa: F811
    from runpt.auth.models import User
    from runpt.extensions import db

    ana, _ = runners
    sitting = new_session()
    batch = [
        capacity_side(sitting, side="left", reps=20, at=at(-3)),
        capacity_side(sitting, side="left", reps=24, at=at(-2)),  # corrected after a miscount
        capacity_side(sitting, side="right", reps=19, at=at(-1)),
        capacity_side(new_session(), "side-bridge", side="left", at=at(0)),
    ]
    assert [r.status for r in ingest(ana, batch)] == ["accepted"] * 4
    sides = sides_tested(db.session.get(User, ana))
    assert [(s.test, s.side, s.reps, s.hold_s) for s in sides] == [
        ("heel-raise", "left", 24, None),
        ("heel-raise", "right", 19, None),
        ("side-bridge", "left", None, 60),
    ]


def test_a_run_logged_again_or_imported_twice_is_one_run(runners):  # noqa: F811
    from runpt.auth.models import User
    from runpt.extensions import db

    ana, _ = runners
    run = new_session()
    first = ran(run, start="2026-03-02T07:30:00.250+01:00", pain=None, at=at(-5))
    again = ran(run, start="2026-03-02T07:30:00+01:00", pain=2, effort=5, at=at(-4))
    morning = event("morning.checked", run, {"feel": "same", "pain": 1}, at=at(-1))
    assert [r.status for r in ingest(ana, [first, again, morning])] == ["accepted"] * 3
    assert ingest(ana, [again])[0].status == "duplicate"
    [one] = logged_runs(db.session.get(User, ana))
    assert (one.run_id, one.pain, one.effort, one.duration_s) == (uuid.UUID(run), 2, 5, 1800)
    assert one.start.isoformat() == "2026-03-02T07:30:00+01:00"  # the runner's own clock
    assert (one.morning_feel, one.morning_pain) == ("same", 1)


def test_a_morning_answer_from_an_older_client_has_no_pain_and_is_still_a_duplicate(runners):  # noqa: F811
    ana, _ = runners
    answer = event("morning.checked", new_session(), {"feel": "better"})
    assert ingest(ana, [answer])[0].status == "accepted"
    assert stored(answer["id"]).data == {"feel": "better", "pain": None}
    assert ingest(ana, [answer])[0].status == "duplicate"


@pytest.mark.parametrize(
    "lone",
    [
        lambda s: capacity_side(s),
        lambda s: capacity_side(s, "single-leg-squat", side="right"),
        lambda s: ran(s),
        lambda s: event("morning.checked", s, {"feel": "worse", "pain": 4}),
    ],
    ids=["heel-raise", "squat-checklist", "run", "morning-after-a-run"],
)
def test_a_capacity_test_or_a_run_is_never_a_strength_session(signed_in, lone):
    sitting = new_session()
    [result] = sync(signed_in, [lone(sitting)])
    assert result["status"] == "accepted"
    assert signed_in.get("/api/sessions").get_json()["sessions"] == []
    assert signed_in.get(f"/history/sessions/{sitting}").status_code == 404
    history = text(signed_in.get("/history/"))
    assert "No sessions yet" in history
