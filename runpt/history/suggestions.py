"""Progression suggestions for a runner's routine: the engine (runpt/progression) fed
with what they logged last time, and accepting one into their own copy of the routine."""

from sqlalchemy import or_, select

from runpt.extensions import db
from runpt.progression.engine import ExerciseFacts, LoggedSet, Suggestion, Target, suggest
from runpt.routines import editing
from runpt.routines.models import Routine, RoutineStep
from runpt.sync.models import Event
from runpt.sync.sessions import current_sets


def target_of(dose, level: int) -> Target:
    """What a routine step asks for, as the engine reads it."""
    return Target(dose.sets, None if dose.is_hold else dose.reps, dose.hold_s, level)


def last_session(user, slug: str, since=None) -> tuple[list[LoggedSet], str | None] | None:
    """The sets of this exercise in the latest session that logged it (after `since`
    when given: the step's dose changed then, so older sets were for another target),
    and that session's next-morning answer. One query: it runs for the first set of
    every strength exercise in the player."""
    latest = select(Event.session_id).where(Event.user_id == user.id, Event.exercise == slug)
    if since is not None:
        latest = latest.where(Event.at > since)
    latest = latest.order_by(Event.at.desc()).limit(1).scalar_subquery()
    query = (
        select(Event.session_id, Event.id, Event.type, Event.at, Event.received_at, Event.data)
        .where(
            Event.user_id == user.id,
            Event.session_id == latest,
            or_(Event.exercise == slug, Event.type == "morning.checked"),
        )
        .order_by(Event.at)
    )
    rows, morning = [], None
    for row in db.session.execute(query):
        if row.type == "morning.checked":
            morning = row.data["feel"]  # the latest answer counts
        else:
            rows.append(row)
    # A set logged twice (a double tap, a correction after Back) is judged once: the latest.
    sets = [logged_set(row.data) for row in current_sets(rows)]
    return (sets, morning) if sets else None


def logged_set(data: dict) -> LoggedSet:
    """A set.logged event's data as the engine reads it."""
    return LoggedSet(
        set_no=data.get("set") or 1,
        side=data.get("side"),
        reps=data.get("reps"),
        hold_s=data.get("hold_s"),
        load_kg=data.get("load_kg"),
        rpe=data.get("rpe"),
        pain=data.get("pain"),
    )


def suggestion_from(user, facts: ExerciseFacts, target: Target, since=None) -> Suggestion | None:
    """The engine's suggestion for the runner's next time at this target."""
    if facts.phase != "strength":
        return None
    # A level saved before the ladder got shorter can't be judged: no suggestion.
    if not -len(facts.easier) <= target.level <= len(facts.harder):
        return None
    last = last_session(user, facts.slug, since)
    if last is None:
        return None
    sets, morning = last
    return suggest(facts, target, sets, morning)


def suggestion_for(user, step: RoutineStep) -> Suggestion | None:
    return suggestion_from(
        user, ExerciseFacts.of(step.exercise), target_of(step.dose, step.level),
        step.dose_changed_at,
    )  # fmt: skip


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
