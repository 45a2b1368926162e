"""Load the built-in routines (runpt/data/routines.toml) on top of the exercise library,
and the whole library at once: `load_library`, which every start runs (AUTO_MIGRATE) and
`flask load-library` runs by hand.

Idempotent: routines are matched by slug and their steps replaced only when they
differ, so loading twice changes nothing.
"""

from pathlib import Path

from sqlalchemy import select, update

from runpt.extensions import db
from runpt.library.loader import DATA, load_exercises, read_data, update_row
from runpt.library.models import Exercise
from runpt.library.wording import for_runners
from runpt.routines.models import Routine, RoutineStep
from runpt.timestamps import utcnow

STEP_OVERRIDES = ("sets", "reps", "hold_s", "rest_s")
# A built-in routine's own fields, from routines.toml, with their value when left out.
ROUTINE_FIELDS = {
    "name": None, "summary": "", "problem": "", "red_flags": "", "running": "", "triage": [],
    "add_on": False,
}  # fmt: skip
RUNNER_TEXT = ("summary", "red_flags", "running")
# What a runner's copy takes from its built-in at every load, not once at copying: the
# safety words (red flags, the triage questions, the running line). A copy is the
# runner's for its doses and name; a reviewed red flag must reach it too.
SAFETY_TEXT = ("red_flags", "running", "triage")


def mark_routines_using(exercise_ids: list[int]) -> None:
    """Every routine using a changed exercise (built-in or a runner's own) shows it
    differently now: mark it changed, so devices fetch it again and the player's cache of
    laid-out steps (keyed on updated_at) lays it out anew."""
    if not exercise_ids:
        return
    using = select(RoutineStep.routine_id).where(RoutineStep.exercise_id.in_(exercise_ids))
    db.session.execute(
        update(Routine).where(Routine.id.in_(using)).values(updated_at=utcnow()),
        execution_options={"synchronize_session": "fetch"},
    )


def _step_values(step: dict, exercises: dict[str, Exercise]) -> tuple:
    if step["exercise"] not in exercises:
        raise ValueError(f"routine step names unknown exercise {step['exercise']!r}")
    # The rung the step starts at: 0 (the exercise itself) unless the file says otherwise.
    return (
        exercises[step["exercise"]].id,
        *(step.get(f) for f in STEP_OVERRIDES),
        step.get("level", 0),
    )


def routine_values(entry: dict) -> dict:
    """A built-in routine's own fields, its words as a runner reads them (no rule numbers:
    runpt.library.wording)."""
    values = {
        field: entry[field] if default is None else entry.get(field, default)
        for field, default in ROUTINE_FIELDS.items()
    }
    for field in RUNNER_TEXT:
        values[field] = for_runners(values[field])
    return values


def load_routines(entries: list[dict], exercises: dict[str, Exercise]) -> None:
    existing = {
        r.slug: r for r in db.session.scalars(select(Routine).where(Routine.slug.is_not(None)))
    }
    for entry in entries:
        routine = existing.get(entry["slug"])
        if routine is None:
            routine = Routine(slug=entry["slug"], owner_id=None)
            db.session.add(routine)
        update_row(routine, routine_values(entry))
        wanted = [_step_values(step, exercises) for step in entry["step"]]
        current = [
            (s.exercise_id, *(getattr(s, f) for f in STEP_OVERRIDES), s.level)
            for s in routine.steps
        ]
        if wanted != current:
            routine.steps = [_routine_step(i, values) for i, values in enumerate(wanted)]
            # New steps alone leave the routine's own row as it was: say it changed.
            routine.updated_at = utcnow()
        refresh_copies_of(routine)


def refresh_copies_of(builtin: Routine) -> None:
    """Runners' copies of `builtin` (and copies of copies) get its current safety words;
    their steps, doses and names stay theirs. A copy whose words change says it changed
    (updated_at), so the phone's offline copy of its page is renewed."""
    copies = db.session.scalars(
        select(Routine).where(Routine.copied_from == builtin.slug, Routine.owner_id.is_not(None))
    )
    for copy in copies:
        update_row(copy, {field: getattr(builtin, field) for field in SAFETY_TEXT})


def _routine_step(position: int, values: tuple) -> RoutineStep:
    exercise_id, *overrides, level = values
    return RoutineStep(
        position=position,
        exercise_id=exercise_id,
        level=level,
        **dict(zip(STEP_OVERRIDES, overrides, strict=True)),
    )


def load_library(folder: Path = DATA) -> dict[str, int]:
    """Upsert every exercise and built-in routine; commit; return the counts."""
    entries = read_data("exercises.toml", folder)["exercise"]
    exercises, changed = load_exercises(entries)
    mark_routines_using(changed)
    routines = read_data("routines.toml", folder)["routine"]
    load_routines(routines, exercises)
    db.session.commit()
    # What the files hold, not what the table holds: rows dropped from the file stay
    # (past sessions and runners' routines may point at them).
    return {"exercises": len(entries), "routines": len(routines)}
