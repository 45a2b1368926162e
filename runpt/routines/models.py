"""Routines: ordered exercises with doses. Built-in ones have no owner."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from runpt.extensions import db
from runpt.library.dose import Dose
from runpt.library.ladder import ExerciseFacts, per_side_at, variant_name
from runpt.library.models import Exercise
from runpt.timestamps import UTCDateTime, utcnow


class Routine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Built-in routines are found by slug when the library is loaded again.
    slug: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(String(40), default="")
    # A runner's copy remembers the built-in it came from (a copy of a copy too), so home
    # recommends the copy, with the doses they accepted, instead of the built-in.
    copied_from: Mapped[str | None] = mapped_column(String(80))
    # Shown on the routine's page (routines.toml for built-ins; a copy keeps them): the
    # signs that need a clinician rather than a routine, a line on running load, and the
    # questions that tell two look-alike conditions apart ([{question, answers: [{text,
    # routine | stop}]}]).
    red_flags: Mapped[str] = mapped_column(Text, default="")
    running: Mapped[str] = mapped_column(Text, default="")
    triage: Mapped[list] = mapped_column(JSON, default=list)
    # A short daily home add-on (the Alfredson heel drops): not a 20-30 minute session,
    # and not counted toward the 2-3 sessions a week.
    add_on: Mapped[bool] = mapped_column(default=False)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    steps: Mapped[list["RoutineStep"]] = relationship(
        back_populates="routine",
        order_by="RoutineStep.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None

    @property
    def reference(self) -> str | int:
        """How a `session.started` event names this routine: slug if built in, else id."""
        return self.slug if self.slug else self.id

    def seconds(self) -> int:
        return sum(step.dose.seconds() for step in self.steps)

    def planned_strength_sets(self) -> int:
        """The strength steps the player lays out for this routine: one per set and side
        (what session.started's `planned_sets` carries, and what counting measures a
        session against)."""
        return sum(
            step.dose.sets * len(step.dose.sides)
            for step in self.steps
            if step.exercise.phase == "strength"
        )

    def renumber(self) -> None:
        """Positions 0..n-1 in list order, after an insert, a move or a removal."""
        for position, step in enumerate(self.steps):
            step.position = position

    def __repr__(self) -> str:
        return f"<Routine {self.slug or self.id}>"


class RoutineStep(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    routine_id: Mapped[int] = mapped_column(ForeignKey("routine.id", ondelete="CASCADE"))
    position: Mapped[int]
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"))
    # The routine's own numbers; None means the exercise's default dose.
    sets: Mapped[int | None]
    reps: Mapped[int | None]
    hold_s: Mapped[int | None]
    rest_s: Mapped[int | None]
    # The rung of the exercise's ladder: 0 is the exercise itself, +n its n-th harder
    # variant, -n its n-th easier one (see runpt/progression).
    level: Mapped[int] = mapped_column(default=0)
    # When the dose or level last changed: a progression suggestion only reads sessions
    # after it, so an accepted one isn't judged against the sets that earned it.
    dose_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    routine: Mapped[Routine] = relationship(back_populates="steps")
    exercise: Mapped[Exercise] = relationship(lazy="joined")

    @property
    def variant(self) -> str | None:
        """The ladder rung's name, when the step isn't at the exercise itself."""
        if not self.level:
            return None
        try:
            return variant_name(ExerciseFacts.of(self.exercise), self.level)
        except ValueError:  # the library's ladder got shorter since this was saved
            return None

    @property
    def dose(self) -> Dose:
        """The exercise's dose with the routine's own numbers, one side at a time where
        the step's rung is (a single-leg rung of a two-leg exercise is)."""
        return Dose.of(self.exercise).overridden(
            sets=self.sets, reps=self.reps, hold_s=self.hold_s, rest_s=self.rest_s,
            per_side=per_side_at(ExerciseFacts.of(self.exercise), self.level),
        )  # fmt: skip
