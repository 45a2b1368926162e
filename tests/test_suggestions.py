"""Progression suggestions in the app: worked out from the last session's logs and the
next-morning answer, shown on the routine and on the next session's step, and accepted
into the runner's own copy of the routine. (The rules themselves: test_progression.py.)"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from runpt.extensions import db
from runpt.routines.models import Routine, RoutineStep
from runpt.timestamps import utcnow
from tests.events import event, logged, new_session, started
from tests.test_history import ZONE, days_ago, sync, text
from tests.test_routines import create, other_runner

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)


def bridge_session(client, routine, reps=(10, 10, 10), pain=0, rpe=6, days=1) -> str:
    """Three sets of glute bridge logged `days` ago (0: just now); returns the session id."""
    session = new_session()
    when = days_ago(days) if days else utcnow().astimezone(ZONE)
    events = [started(session, routine=routine, at=when.isoformat())]
    for number, done in enumerate(reps, start=1):
        events.append(logged(session, set_no=number, reps=done, pain=pain, rpe=rpe,
                             at=(when + timedelta(seconds=number)).isoformat()))  # fmt: skip
    sync(client, events)
    return session


def two_bridge_sessions(client, routine, **session) -> str:
    """Two sessions at the same dose: a dose grows only after 2 (runpt convention). Returns
    the later session's id."""
    bridge_session(client, routine, days=2, **session)
    return bridge_session(client, routine, **session)


def accept_form(page: str) -> dict:
    form = re.search(r'<form method="post" action="(/routines/\d+/steps/\d+/accept)">(.*?)</form>',
                     page, re.S)  # fmt: skip
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(2)))
    return {"url": form.group(1), "data": fields}


def bridge_step(app, routine_id: int) -> RoutineStep:
    with app.app_context():
        routine = db.session.get(Routine, routine_id)
        step = next(s for s in routine.steps if s.exercise.slug == "glute-bridge")
        db.session.expunge_all()
        return step


def test_a_good_session_suggests_progress_and_accepting_changes_the_own_routine(signed_in, app):
    routine = create(signed_in, "Mine", "glute-bridge")
    bridge_session(signed_in, routine, days=2)
    page = text(signed_in.get(f"/routines/{routine}"))
    assert 'data-suggestion="hold"' in page and "keep 3 × 10 for one more session" in page
    bridge_session(signed_in, routine)
    page = text(signed_in.get(f"/routines/{routine}"))
    assert 'data-suggestion="progress"' in page
    assert (
        "All 3 × 10 at RPE 6/10 (how hard it feels, out of 10) with pain 0: add 2 reps to 3 × 12"
        in page
    )

    form = accept_form(page)
    response = signed_in.post(form["url"], data=form["data"])
    assert response.status_code == 303
    step = bridge_step(app, routine)
    assert (step.sets, step.reps, step.level) == (3, 12, 0)
    after = text(signed_in.get(f"/routines/{routine}"))
    # Judged against the new target only by sessions after the change.
    assert "data-suggestion" not in after and "3 × 12" in after


def test_accepting_on_a_built_in_routine_makes_the_runners_own_copy(signed_in, app):
    with app.app_context():
        builtin = db.session.scalar(select(Routine).where(Routine.slug == "runners-essentials"))
        builtin_id = builtin.id
    two_bridge_sessions(signed_in, "runners-essentials")
    page = text(signed_in.get(f"/routines/{builtin_id}"))
    assert "Accept in my copy" in page
    form = accept_form(page)
    response = signed_in.post(form["url"], data=form["data"])
    copy_id = int(re.fullmatch(r"/routines/(\d+)", response.headers["Location"]).group(1))
    assert copy_id != builtin_id
    assert (bridge_step(app, copy_id).reps, bridge_step(app, builtin_id).reps) == (12, None)
    assert "Saved in your own copy" in text(signed_in.get(f"/routines/{copy_id}"))


def test_a_worse_morning_suggests_easing_off(signed_in):
    routine = create(signed_in, "Mine", "glute-bridge")
    session = bridge_session(signed_in, routine)
    sync(signed_in, [event("morning.checked", session, {"feel": "worse"},
                           at=days_ago(0, hour=0).isoformat())])  # fmt: skip
    page = text(signed_in.get(f"/routines/{routine}"))
    assert 'data-suggestion="regress"' in page
    assert "Worse the next morning" in page and "reduce the load to 3 × 8" in page


def test_pain_over_five_eases_off_and_short_sets_hold(signed_in):
    routine = create(signed_in, "Mine", "glute-bridge")
    bridge_session(signed_in, routine, pain=6)
    assert 'data-suggestion="regress"' in text(signed_in.get(f"/routines/{routine}"))
    bridge_session(signed_in, routine, reps=(10, 10, 8), days=0)
    page = text(signed_in.get(f"/routines/{routine}"))
    assert 'data-suggestion="hold"' in page and "8 of 10" in page
    assert "/accept" not in page  # nothing to accept when the dose stays


def test_a_stale_or_forged_suggestion_changes_nothing(signed_in, app):
    routine = create(signed_in, "Mine", "glute-bridge")
    two_bridge_sessions(signed_in, routine)
    form = accept_form(text(signed_in.get(f"/routines/{routine}")))
    for forged in ({**form["data"], "reps": "50"}, {**form["data"], "level": "4"},
                   {**form["data"], "sets": "x"}, {}):  # fmt: skip
        response = signed_in.post(form["url"], data=forged)
        assert response.status_code == 409
        assert "That suggestion has changed" in text(response)
        step = bridge_step(app, routine)
        assert (step.sets, step.reps, step.level) == (None, None, 0)


def test_nothing_logged_or_warm_up_means_no_suggestion(signed_in):
    routine = create(signed_in, "Mine", "glute-bridge", "hip-circles")
    assert "data-suggestion" not in text(signed_in.get(f"/routines/{routine}"))
    session = new_session()
    sync(signed_in, [logged(session, exercise="hip-circles", reps=6)])
    assert "data-suggestion" not in text(signed_in.get(f"/routines/{routine}"))


def test_the_next_sessions_first_set_shows_the_suggestion(signed_in):
    routine = create(signed_in, "Mine", "glute-bridge")
    two_bridge_sessions(signed_in, routine)
    first = text(signed_in.get(f"/session/{routine}/steps/0"))
    assert 'data-suggestion="progress"' in first and "add 2 reps" in first
    assert "Accept it on the routine" in first
    assert "data-suggestion" not in text(signed_in.get(f"/session/{routine}/steps/1"))


def test_a_step_up_the_ladder_shows_the_variant_and_logs_its_level(signed_in, app):
    routine = create(signed_in, "Mine", "glute-bridge")
    bridge_session(signed_in, routine, days=10)  # the level's first session, 10 days ago
    bridge_session(signed_in, routine)
    form = accept_form(text(signed_in.get(f"/routines/{routine}")))
    signed_in.post(form["url"], data=form["data"])  # 3 × 12
    for reps in ((12, 12, 12), (14, 14, 14)):  # two sessions at each dose, then accept
        bridge_session(signed_in, routine, reps=reps, days=0)
        bridge_session(signed_in, routine, reps=reps, days=0)
        form = accept_form(text(signed_in.get(f"/routines/{routine}")))
        signed_in.post(form["url"], data=form["data"])  # 3 × 14, then 3 × 15
    bridge_session(signed_in, routine, reps=(15, 15, 15), days=0)
    bridge_session(signed_in, routine, reps=(15, 15, 15), days=0)
    page = text(signed_in.get(f"/routines/{routine}"))
    assert "move up a level to Up on two, down on one" in page
    form = accept_form(page)
    signed_in.post(form["url"], data=form["data"])
    assert bridge_step(app, routine).level == 1
    assert "Variant: Up on two, down on one" in text(signed_in.get(f"/routines/{routine}"))
    step = text(signed_in.get(f"/session/{routine}/steps/0"))
    assert 'data-level="1"' in step and "Variant: Up on two, down on one" in step


def test_another_runners_logs_never_shape_my_suggestions(signed_in, app):
    routine = create(signed_in, "Mine", "glute-bridge")
    other = other_runner(app)
    bridge_session(other, "runners-essentials", pain=8)
    assert "data-suggestion" not in text(signed_in.get(f"/routines/{routine}"))


def test_a_corrected_morning_answer_counts_on_the_step_too(signed_in):
    routine = create(signed_in, "Mine", "glute-bridge")
    session = two_bridge_sessions(signed_in, routine)
    answers = [("worse", days_ago(0, hour=0)), ("better", days_ago(0, hour=1))]
    sync(signed_in, [event("morning.checked", session, {"feel": feel}, at=when.isoformat())
                     for feel, when in answers])  # fmt: skip
    step = text(signed_in.get(f"/session/{routine}/steps/0"))
    assert 'data-suggestion="progress"' in step  # the later answer, "better", counts


def test_a_suggestion_to_ease_off_can_be_taken_in_the_step(signed_in):
    """The player's step offers "Ease off now" with the dose it swaps to for the rest of
    the session; a suggestion to progress is only accepted on the routine's page."""
    routine = create(signed_in, "Mine", "glute-bridge")
    bridge_session(signed_in, routine, pain=6)
    first = text(signed_in.get(f"/session/{routine}/steps/0"))
    assert 'data-suggestion="regress"' in first
    assert re.search(
        r'data-ease-off-now\s+data-level="0" data-sets="3" data-amount="8" data-text="3 × 8">'
        r"Ease off now: 3 × 8</button>",
        first,
    ), first
    assert "For the rest of this session" in first


def test_progress_is_not_taken_in_the_step(signed_in):
    routine = create(signed_in, "Mine", "glute-bridge")
    two_bridge_sessions(signed_in, routine)
    first = text(signed_in.get(f"/session/{routine}/steps/0"))
    assert 'data-suggestion="progress"' in first and "data-ease-off-now" not in first
