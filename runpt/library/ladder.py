"""An exercise's ladder: its easier and harder variants (rungs) around the exercise itself,
and which rungs are done one side at a time. What a routine step shows and lays out, what
the progression engine climbs, and what the report names.

Rungs' doses, caps and steps are in runpt/data/progression.toml, read here once per
process; the progression engine reads the rest of that file (runpt/progression/engine.py).
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROGRESSION_FILE = Path(__file__).resolve().parent.parent / "data" / "progression.toml"


@dataclass(frozen=True)
class ExerciseFacts:
    """What the engine needs to know about an exercise."""

    slug: str
    name: str
    phase: str
    per_side: bool
    is_hold: bool
    sets: int
    reps: int | None
    hold_s: int | None
    easier: tuple[str, ...]
    harder: tuple[str, ...]

    @classmethod
    def of(cls, exercise) -> "ExerciseFacts":
        """The facts of a library Exercise (or anything with the same attributes)."""
        return cls(
            slug=exercise.slug,
            name=exercise.name,
            phase=exercise.phase,
            per_side=bool(exercise.per_side),
            is_hold=exercise.hold_s is not None,
            sets=exercise.sets,
            reps=exercise.reps,
            hold_s=exercise.hold_s,
            easier=tuple(exercise.easier),
            harder=tuple(exercise.harder),
        )

    @property
    def sides(self) -> tuple[str | None, ...]:
        return ("left", "right") if self.per_side else (None,)


@cache
def progression_data() -> dict:
    """runpt/data/progression.toml, read once per process."""
    with PROGRESSION_FILE.open("rb") as file:
        return tomllib.load(file)


@cache
def _rungs_per_side() -> dict[str, dict[int, bool]]:
    """{exercise slug: {level: per side}} for the rungs progression.toml says so of."""
    return {
        entry["slug"]: {r["level"]: r["per_side"] for r in entry.get("rung", ()) if "per_side" in r}
        for entry in progression_data()["progression"]
    }


def per_side_at(exercise: ExerciseFacts, level: int) -> bool:
    """Whether a rung is done one side at a time: a single-leg rung of a two-leg exercise
    is (both legs get their sets, and left and right are compared), a two-leg rung of a
    one-leg exercise isn't. progression.toml says so per rung; otherwise the exercise's."""
    if exercise.phase != "strength":
        return exercise.per_side
    return _rungs_per_side().get(exercise.slug, {}).get(level, exercise.per_side)


def sides_at(exercise: ExerciseFacts, level: int) -> tuple[str | None, ...]:
    return ("left", "right") if per_side_at(exercise, level) else (None,)


def variant_name(exercise: ExerciseFacts, level: int) -> str:
    """The name of a rung: the exercise itself at 0, harder variants above, easier below."""
    if level == 0:
        return exercise.name
    rungs = exercise.harder if level > 0 else exercise.easier
    if abs(level) > len(rungs):
        raise ValueError(f"{exercise.slug} has no ladder rung {level}")
    return rungs[abs(level) - 1]


def ladder(exercise: ExerciseFacts) -> list[tuple[int, str]]:
    """Every rung, easiest first."""
    levels = range(-len(exercise.easier), len(exercise.harder) + 1)
    return [(level, variant_name(exercise, level)) for level in levels]
