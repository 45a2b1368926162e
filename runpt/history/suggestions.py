"""Progression suggestions for a runner's routine: the engine (runpt/progression) fed
with what they logged last time, and accepting one into their own copy of the routine."""

from sqlalchemy import select

from runpt.extensions import db
from runpt.progression.engine import ExerciseFacts, LoggedSet, Suggestion, Target, suggest
from runpt.routines import editing
from runpt.routines.models import Routine, RoutineStep
from runpt.sync.models import Event


def target_of(step: RoutineStep) -> Target:
    dose = step.dose
    return Target(dose.sets, None if dose.is_hold else dose.reps, dose.hold_s, step.level)


def last_session_sets(user, slug: str, since=None) -> tuple[object, list[LoggedSet]] | None:
    """(session id, its sets of this exercise) for the latest session that logged it,
    after `since` when given (the step's dose changed then: older sets were for another
    target)."""
    latest = select(Event.session_id).where(Event.user_id == user.id, Event.exercise == slug)
    if since is not None:
        latest = latest.where(Event.at > since)
    session_id = db.session.scalar(latest.order_by(Event.at.desc()).limit(1))
    if session_id is None:
        return None
    query = select(Event.data).where(
        Event.user_id == user.id, Event.session_id == session_id, Event.exercise == slug
    )
    sets = [
        LoggedSet(
            set_no=data.get("set") or 1,
            side=data.get("side"),
            reps=data.get("reps"),
            hold_s=data.get("hold_s"),
            load_kg=data.get("load_kg"),
            rpe=data.get("rpe"),
            pain=data.get("pain"),
        )
        for data in db.session.scalars(query)
    ]
    return session_id, sets


def morning_after(user, session_id) -> str | None:
    """The next-morning answer for a session (the latest, if corrected), or None."""
    query = (
        select(Event.data)
        .where(
            Event.user_id == user.id,
            Event.session_id == session_id,
            Event.type == "morning.checked",
        )
        .order_by(Event.at.desc())
        .limit(1)
    )
    answer = db.session.scalar(query)
    return answer["feel"] if answer else None


def suggestion_for(user, step: RoutineStep) -> Suggestion | None:
    exercise = step.exercise
    if exercise.phase != "strength":
        return None
    last = last_session_sets(user, exercise.slug, step.dose_changed_at)
    if last is None:
        return None
    session_id, sets = last
    target = target_of(step)
    # A level saved before the ladder changed can't be judged; the step shows no hint.
    facts = ExerciseFacts.of(exercise)
    if not -len(facts.easier) <= target.level <= len(facts.harder):
        return None
    return suggest(facts, target, sets, morning_after(user, session_id))


def suggestions_for(user, routine: Routine) -> dict[int, Suggestion]:
    """{routine step id: suggestion} for the steps that have one."""
    found = {}
    for step in routine.steps:
        suggestion = suggestion_for(user, step)
        if suggestion is not None:
            found[step.id] = suggestion
    return found


def shown_target(form) -> Target | None:
    """The target of the suggestion the runner saw, from the Accept form."""
    try:
        numbers = {
            name: int(form[name]) if form.get(name, "") != "" else None
            for name in ("sets", "reps", "hold_s", "level")
        }
    except ValueError:
        return None
    if numbers["sets"] is None or numbers["level"] is None:
        return None
    return Target(numbers["sets"], numbers["reps"], numbers["hold_s"], numbers["level"])


def accept(user, routine: Routine, step: RoutineStep, suggestion: Suggestion) -> Routine:
    """Apply the suggestion to the runner's own routine: a built-in one is copied first
    (built-ins are shared), and the copy's step changes. Returns the routine changed."""
    if routine.is_builtin:
        position = step.position
        routine = editing.copy_routine(user, routine)
        step = routine.steps[position]
    new = suggestion.target
    values = {"sets": new.sets, "level": new.level}
    values["hold_s" if new.hold_s is not None else "reps"] = new.hold_s or new.reps
    editing.set_step_dose(step, values)
    return routine
