"""A routine laid out as the player steps through it: one step per set and side, with the
countdown before each; laid out once per change of the routine (`plan_as_of`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select

from runpt.extensions import db
from runpt.library.dose import GET_READY_S, SIDE_SWITCH_S, Dose
from runpt.library.ladder import ExerciseFacts, variant_name
from runpt.routines.models import Routine, RoutineStep


@dataclass(frozen=True)
class StepExercise:
    """What a step shows of its exercise: plain values copied from the row, so a laid-out
    routine can be kept between requests without holding database objects."""

    slug: str
    name: str
    cues: tuple[str, ...]
    facts: ExerciseFacts  # what the progression engine needs to know about it


@dataclass(frozen=True)
class Step:
    index: int
    exercise: StepExercise
    dose: Dose
    set_no: int
    side: str | None
    exercise_no: int
    # The countdown before this step: get-ready before an exercise's first set, the
    # routine's rest between sets, a short switch between left and right.
    wait_kind: str
    wait_s: int
    # The routine step it comes from, and the rung of the exercise's ladder it is at.
    routine_step_id: int
    level: int
    variant: str | None
    dose_changed_at: datetime | None
    # The running problem the routine trains ("" for none): the progression engine is
    # stricter in a problem routine (pain and a settled next morning before progress).
    problem: str = ""

    @property
    def easier_variant(self) -> str | None:
        """The rung one below this step's, which the player offers when pain stops the
        exercise (its remaining sets are then logged at `level - 1`); None at the bottom."""
        try:
            return variant_name(self.exercise.facts, self.level - 1)
        except ValueError:
            return None


def _lay_out(routine_steps: Iterable[RoutineStep], problem: str = "") -> tuple[Step, ...]:
    steps: list[Step] = []
    for exercise_no, routine_step in enumerate(routine_steps, start=1):
        dose = routine_step.dose
        row = routine_step.exercise
        exercise = StepExercise(row.slug, row.name, tuple(row.cues), ExerciseFacts.of(row))
        origin = (
            routine_step.id, routine_step.level, routine_step.variant,
            routine_step.dose_changed_at,
        )  # fmt: skip
        for set_no in range(1, dose.sets + 1):
            for side in dose.sides:
                if set_no == 1 and side in (None, "left"):
                    wait = ("get-ready", GET_READY_S)
                elif side == "right":
                    wait = ("switch", SIDE_SWITCH_S)
                else:
                    wait = ("rest", dose.rest_s)
                steps.append(
                    Step(
                        len(steps),
                        exercise,
                        dose,
                        set_no,
                        side,
                        exercise_no,
                        *wait,
                        *origin,
                        problem,
                    )  # fmt: skip
                )
    return tuple(steps)


def plan(routine: Routine) -> list[Step]:
    return list(_lay_out(routine.steps, routine.problem))


@lru_cache(maxsize=1024)
def plan_as_of(routine_id: int, updated_at: datetime) -> tuple[Step, ...]:
    """The plan of a routine as it was at its last change, laid out once per process.

    Safe with several worker processes because the key is read from the database on
    every request: every change to a routine's steps, doses or exercises moves its
    `updated_at` (`routines.editing.save`, `routines.builtin`), so an entry made before
    a change committed anywhere is never asked for again. Holds plain frozen values,
    never database objects.
    """
    rows = db.session.scalars(
        select(RoutineStep)
        .where(RoutineStep.routine_id == routine_id)
        .order_by(RoutineStep.position)
    )
    problem = db.session.scalar(select(Routine.problem).where(Routine.id == routine_id))
    return _lay_out(rows, problem or "")
