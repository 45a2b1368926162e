"""Load the exercise library from the package's data files (runpt/data/exercises.toml);
runpt/routines/builtin.py loads the built-in routines on top of it.

Idempotent: rows are matched by slug and written only where a value differs, so
loading twice changes nothing and editing a dose in the file then loading again
updates just that exercise.
"""

import tomllib
from pathlib import Path

from sqlalchemy import select

from runpt.extensions import db
from runpt.library.models import Exercise
from runpt.library.wording import for_runners

DATA = Path(__file__).resolve().parent.parent / "data"

EXERCISE_FIELDS = (
    "name", "group", "phase", "summary", "equipment", "problems", "steps",
    "cues", "mistakes", "easier", "harder", "safety",
)  # fmt: skip
DOSE_FIELDS = ("sets", "reps", "hold_s", "per_side", "tempo", "rest_s")
RUNNER_TEXT = ("summary", "steps", "cues", "mistakes", "safety", "dose_source")


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
    # The words a runner reads carry no content-rule numbers (the data keep them).
    for field in RUNNER_TEXT:
        value = values[field]
        values[field] = (
            [for_runners(v) for v in value] if isinstance(value, list) else for_runners(value)
        )
    return values


def update_row(row, values: dict) -> bool:
    """Set the values that differ; whether any did."""
    changed = False
    for field, value in values.items():
        if getattr(row, field) != value:
            setattr(row, field, value)
            changed = True
    return changed


def load_exercises(entries: list[dict]) -> tuple[dict[str, Exercise], list[int]]:
    """Upsert the exercises (not committed): ({slug: exercise}, ids of those changed)."""
    existing = {e.slug: e for e in db.session.scalars(select(Exercise))}
    changed = []
    for entry in entries:
        values = exercise_values(entry)
        exercise = existing.get(entry["slug"])
        if exercise is None:
            exercise = Exercise(slug=entry["slug"], **values)
            db.session.add(exercise)
            existing[exercise.slug] = exercise
        elif update_row(exercise, values):
            changed.append(exercise.id)
    db.session.flush()
    return existing, changed
