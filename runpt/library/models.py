"""The exercise library: loaded from `runpt/data/exercises.toml`, read-only in the app."""

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from runpt.extensions import db

GROUPS = {
    "mobility": "Warm-up mobility",
    "glutes": "Glutes",
    "hips": "Hip mobility and stability",
    "calves-ankles": "Calves and ankles",
    "hamstrings-quads": "Hamstrings and quadriceps",
    "core": "Core stability",
    "stretches": "Cool-down stretches",
}

PROBLEMS = {
    "knee-pain": "Knee pain",
    "shin-splints": "Shin splints",
    "achilles": "Achilles tendon pain",
    "plantar-fasciitis": "Plantar fasciitis",
    # The key stays (runners' settings and routines store it); the label says what the
    # routine is for: side-of-hip pain and weak hip stabilisers, not an acute strain.
    "hip-strain": "Side-of-hip pain / weak hips",
    "lower-back": "Lower back tightness",
}

PHASES = {"warm-up": "Warm-up", "strength": "Strength", "cool-down": "Cool-down"}


class Exercise(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column(String(40), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    equipment: Mapped[list[str]] = mapped_column(JSON)
    problems: Mapped[list[str]] = mapped_column(JSON)
    steps: Mapped[list[str]] = mapped_column(JSON)
    cues: Mapped[list[str]] = mapped_column(JSON)
    mistakes: Mapped[list[str]] = mapped_column(JSON)
    easier: Mapped[list[str]] = mapped_column(JSON)
    harder: Mapped[list[str]] = mapped_column(JSON)
    safety: Mapped[str] = mapped_column(Text)
    # Default dose: sets x reps, or sets x hold seconds.
    sets: Mapped[int]
    reps: Mapped[int | None]
    hold_s: Mapped[int | None]
    per_side: Mapped[bool]
    tempo: Mapped[str | None] = mapped_column(String(20))
    rest_s: Mapped[int]
    dose_source: Mapped[str] = mapped_column(Text)

    @property
    def group_name(self) -> str:
        return GROUPS.get(self.group, self.group)

    @property
    def problem_names(self) -> list[str]:
        return [PROBLEMS.get(p, p) for p in self.problems]

    @property
    def is_hold(self) -> bool:
        return self.hold_s is not None

    def __repr__(self) -> str:
        return f"<Exercise {self.slug}>"
