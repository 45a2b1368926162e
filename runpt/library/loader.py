"""Load the exercise library and built-in routines from the package's data files.

Idempotent: rows are matched by slug and written only where a value differs, so
loading twice changes nothing and editing a dose in the file then loading again
updates just that exercise.
"""

import tomllib
from pathlib import Path

from sqlalchemy import select, update

from runpt.extensions import db
from runpt.library.models import Exercise
from runpt.routines.models import Routine, RoutineStep
from runpt.timestamps import utcnow

DATA = Path(__file__).resolve().parent.parent / "data"

EXERCISE_FIELDS = (
    "name", "group", "phase", "summary", "equipment", "problems", "steps",
    "cues", "mistakes", "easier", "harder", "safety",
)  # fmt: skip
DOSE_FIELDS = ("sets", "reps", "hold_s", "per_side", "tempo", "rest_s")
STEP_OVERRIDES = ("sets", "reps", "hold_s", "rest_s")
# A built-in routine's own fields, from routines.toml, with their value when left out.
ROUTINE_FIELDS = {
    "name": None, "summary": "", "problem": "", "red_flags": "", "running": "", "triage": [],
    "add_on": False,
}  # fmt: skip


def read_data(name: str, folder: Path = DATA) -> dict:
    with (folder / name).open("rb") as file:
        return tomllib.load(file)


def exercise_values(entry: dict) -> dict:
    """Column values for one `[[exercise]]` entry of exercises.toml."""
    values = {field: entry.get(field, []) for field in EXERCISE_FIELDS}
    dose = entry["dose"]
    values.update({field: dose.get(field) for field in DOSE_FIELDS})
    values["per_side"] = bool(dose.get("per_side", False))
    values["dose_source"] = dose["source"]
    return values


def _update(row, values: dict) -> bool:
    changed = False
    for field, value in values.items():
        if getattr(row, field) != value:
            setattr(row, field, value)
            changed = True
    return changed


def load_exercises(entries: list[dict]) -> dict[str, Exercise]:
    existing = {e.slug: e for e in db.session.scalars(select(Exercise))}
    changed = []
    for entry in entries:
        values = exercise_values(entry)
        exercise = existing.get(entry["slug"])
        if exercise is None:
            exercise = Exercise(slug=entry["slug"], **values)
            db.session.add(exercise)
            existing[exercise.slug] = exercise
        elif _update(exercise, values):
            changed.append(exercise.id)
    db.session.flush()
    if changed:
        # Every routine using a changed exercise (built-in or a runner's own) shows it
        # differently now: mark it changed, so devices fetch it again and the player's
        # plan cache (keyed on updated_at) lays it out anew.
        using = select(RoutineStep.routine_id).where(RoutineStep.exercise_id.in_(changed))
        db.session.execute(
            update(Routine).where(Routine.id.in_(using)).values(updated_at=utcnow()),
            execution_options={"synchronize_session": "fetch"},
        )
    return existing


def _step_values(step: dict, exercises: dict[str, Exercise]) -> tuple:
    if step["exercise"] not in exercises:
        raise ValueError(f"routine step names unknown exercise {step['exercise']!r}")
    # The rung the step starts at: 0 (the exercise itself) unless the file says otherwise.
    return (
        exercises[step["exercise"]].id,
        *(step.get(f) for f in STEP_OVERRIDES),
        step.get("level", 0),
    )


def load_routines(entries: list[dict], exercises: dict[str, Exercise]) -> None:
    existing = {
        r.slug: r for r in db.session.scalars(select(Routine).where(Routine.slug.is_not(None)))
    }
    for entry in entries:
        routine = existing.get(entry["slug"])
        if routine is None:
            routine = Routine(slug=entry["slug"], owner_id=None)
            db.session.add(routine)
        _update(
            routine,
            {field: entry[field] if default is None else entry.get(field, default)
             for field, default in ROUTINE_FIELDS.items()},
        )  # fmt: skip
        wanted = [_step_values(step, exercises) for step in entry["step"]]
        current = [
            (s.exercise_id, *(getattr(s, f) for f in STEP_OVERRIDES), s.level)
            for s in routine.steps
        ]
        if wanted != current:
            routine.steps = [_routine_step(i, values) for i, values in enumerate(wanted)]
            # New steps alone leave the routine's own row as it was: say it changed.
            routine.updated_at = utcnow()


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
    exercises = load_exercises(entries)
    routines = read_data("routines.toml", folder)["routine"]
    load_routines(routines, exercises)
    db.session.commit()
    # What the files hold, not what the table holds: rows dropped from the file stay
    # (past sessions and runners' routines may point at them).
    return {"exercises": len(entries), "routines": len(routines)}
