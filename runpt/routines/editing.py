"""Reading and changing routines, with the runner's ownership checked in one place."""

import re
from datetime import timedelta

from flask import abort
from sqlalchemy import bindparam, delete, func, or_, select

from runpt.auth.accounts import hold_runner
from runpt.extensions import db
from runpt.library.models import Exercise
from runpt.routines.models import Routine, RoutineStep
from runpt.timestamps import utcnow

# What a runner may type into a step's dose; outside these, the form says why.
DOSE_LIMITS = {
    "sets": (1, 10, "Sets"),
    "reps": (1, 100, "Reps"),
    "hold_s": (5, 600, "Hold seconds"),
    "rest_s": (0, 600, "Rest seconds"),
}
MAX_NAME = 120
MAX_SUMMARY = 500
# A routine's red flags and its line on running load (built-ins' are under 250).
MAX_GUIDANCE = 500
MAX_STEPS = 30
# A runner's own routines (copies, imports, their own), built-ins not counted: far more
# than anyone trains with, and a bound on what one account can store.
MAX_OWN_ROUTINES = 50
TOO_MANY_ROUTINES = (
    f"You have {MAX_OWN_ROUTINES} routines of your own, the most runpt keeps: delete one "
    "you no longer use to make room."
)


def visible_routines(user) -> list[Routine]:
    """Built-in routines first, then the runner's own, newest first."""
    builtin = db.session.scalars(
        select(Routine).where(Routine.owner_id.is_(None)).order_by(Routine.id)
    ).all()
    own = db.session.scalars(
        select(Routine).where(Routine.owner_id == user.id).order_by(Routine.created_at.desc())
    ).all()
    return [*builtin, *own]


def builtin_routines_by_slug() -> dict[str, tuple[int, str]]:
    """{slug: (id, name)} of the built-in routines, for the triage links between them."""
    query = select(Routine.slug, Routine.id, Routine.name).where(Routine.owner_id.is_(None))
    return {slug: (routine_id, name) for slug, routine_id, name in db.session.execute(query)}


def routine_problems(user) -> dict[str, str]:
    """{routine reference as a summary keeps it: the running problem it trains} for the
    built-in routines and the runner's own ones that have a problem (copies keep it)."""
    query = select(Routine.id, Routine.slug, Routine.problem).where(
        _visible(user, editable=False), Routine.problem != ""
    )
    return {
        slug or str(routine_id): problem for routine_id, slug, problem in db.session.execute(query)
    }


def _visible(user, editable: bool):
    condition = Routine.owner_id == user.id
    if not editable:
        condition = or_(condition, Routine.owner_id.is_(None))
    return condition


def routine_for(user, routine_id: int, *, editable: bool = False) -> Routine:
    """A routine the runner may see (or edit); anything else is a 404, never a 403,
    so another runner's routine ids reveal nothing."""
    routine = db.session.scalar(
        select(Routine).where(Routine.id == routine_id, _visible(user, editable))
    )
    if routine is None:
        abort(404)
    return routine


# `(id, updated_at)` of a routine the runner may see, by the same rule as `routine_for`
# (built in, or their own) but reading two columns instead of the whole routine: what
# the player's step fragments need to find its laid-out steps. Built once, as a table
# (not ORM) query, and read with the rest a step depends on (runpt/pages/player.py).
_routine = Routine.__table__
VISIBLE_ROUTINE_VERSION = select(_routine.c.id, _routine.c.updated_at).where(
    _routine.c.id == bindparam("routine_id"),
    or_(_routine.c.owner_id == bindparam("user_id"), _routine.c.owner_id.is_(None)),
)


def step_of(routine: Routine, step_id: int) -> RoutineStep:
    for step in routine.steps:
        if step.id == step_id:
            return step
    abort(404)


# Control characters other than line breaks and tabs: invisible when shown, and
# PostgreSQL can't store NUL in text at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def details_errors(name: str, summary: str) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = "Give the routine a name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Keep the name under {MAX_NAME} characters."
    elif CONTROL_CHARACTERS.search(name):
        errors["name"] = "The name has an invisible control character; type it again."
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = f"Keep the description under {MAX_SUMMARY} characters."
    elif CONTROL_CHARACTERS.search(summary):
        errors["summary"] = "The description has an invisible control character; type it again."
    return errors


class TooManyRoutines(Exception):
    """The runner has MAX_OWN_ROUTINES already: nothing was added."""

    status = 409
    message = TOO_MANY_ROUTINES


def own_routines(user_id: int) -> int:
    query = select(func.count()).select_from(Routine).where(Routine.owner_id == user_id)
    return db.session.scalar(query)


def make_room(user_id: int) -> None:
    """Before a new routine of the runner is added in this transaction: hold the runner
    (runpt/auth/accounts.py, `hold_runner`) and count, so parallel requests are counted
    one after another and the cap holds; TooManyRoutines (rolled back) when it's full."""
    if not hold_runner(user_id) or own_routines(user_id) >= MAX_OWN_ROUTINES:
        db.session.rollback()
        raise TooManyRoutines(TOO_MANY_ROUTINES)


def create_routine(user, name: str, summary: str = "") -> Routine:
    make_room(user.id)
    routine = Routine(name=name.strip(), summary=summary.strip(), owner_id=user.id)
    db.session.add(routine)
    db.session.commit()
    return routine


def copy_routine(user, source: Routine) -> Routine:
    """The runner's own copy of a routine, to change as they like."""
    make_room(user.id)
    copy = Routine(
        name=f"{source.name} (my copy)"[:MAX_NAME],
        summary=source.summary,
        problem=source.problem,
        copied_from=source.slug or source.copied_from,
        red_flags=source.red_flags,
        running=source.running,
        triage=source.triage,
        add_on=source.add_on,
        owner_id=user.id,
        steps=[
            RoutineStep(
                position=s.position,
                exercise_id=s.exercise_id,
                sets=s.sets,
                reps=s.reps,
                hold_s=s.hold_s,
                rest_s=s.rest_s,
                level=s.level,
                dose_changed_at=s.dose_changed_at,
            )  # fmt: skip
            for s in source.steps
        ],
    )
    db.session.add(copy)
    db.session.commit()
    return copy


def add_step(routine: Routine, exercise_slug: str) -> str | None:
    """Append an exercise; returns an error message instead when it can't."""
    if len(routine.steps) >= MAX_STEPS:
        return f"A routine holds at most {MAX_STEPS} exercises."
    exercise = db.session.scalar(select(Exercise).where(Exercise.slug == exercise_slug))
    if exercise is None:
        return "Pick an exercise from the list."
    routine.steps.append(RoutineStep(position=len(routine.steps), exercise=exercise))
    save(routine)
    return None


def move_step(routine: Routine, step: RoutineStep, direction: str) -> None:
    index = routine.steps.index(step)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(routine.steps):
        routine.steps.insert(target, routine.steps.pop(index))
        routine.renumber()
        save(routine)


def remove_step(routine: Routine, step: RoutineStep) -> None:
    routine.steps.remove(step)
    routine.renumber()
    save(routine)


def parse_dose(form, is_hold: bool) -> tuple[dict[str, int], dict[str, str]]:
    """Whole numbers within DOSE_LIMITS from a step's dose form."""
    fields = ["sets", "hold_s" if is_hold else "reps", "rest_s"]
    values, errors = {}, {}
    for field in fields:
        low, high, label = DOSE_LIMITS[field]
        raw = (form.get(field) or "").strip()
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if not re.fullmatch(r"[0-9]{1,6}", raw) or not low <= int(raw) <= high:
            errors[field] = f"{label}: a whole number from {low} to {high}."
        else:
            values[field] = int(raw)
    return values, errors


def set_step_dose(step: RoutineStep, values: dict[str, int]) -> None:
    """The runner's own numbers (or an accepted suggestion's, with `level`)."""
    for field, value in values.items():
        setattr(step, field, value)
    step.dose_changed_at = utcnow()
    save(step.routine)


def set_details(routine: Routine, name: str, summary: str) -> None:
    routine.name, routine.summary = name.strip(), summary.strip()
    save(routine)


def save(routine: Routine) -> None:
    """Commit a change to a routine or its steps, marking the routine as changed so
    devices holding it offline know to fetch it again, and so the player's cache of laid-out steps
    (keyed on `updated_at`, `routines.steps.steps_as_of`) lays it out anew. Every change moves
    `updated_at` forward, even two within one tick of the clock."""
    now, before = utcnow(), routine.updated_at
    routine.updated_at = (
        now if before is None or now > before else before + timedelta(microseconds=1)
    )
    db.session.commit()


def forget_runner(user_id: int) -> None:
    """A runner's own routines and their steps, gone: their account is being deleted
    (the caller commits). Explicit rather than ON DELETE CASCADE, which SQLite honours
    only with foreign keys switched on for the connection."""
    own = select(Routine.id).where(Routine.owner_id == user_id)
    db.session.execute(delete(RoutineStep).where(RoutineStep.routine_id.in_(own)))
    db.session.execute(delete(Routine).where(Routine.owner_id == user_id))
