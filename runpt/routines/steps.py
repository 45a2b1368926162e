"""A routine laid out as the player steps through it: one step per set and side, with the
countdown before each; laid out once per change of the routine (`steps_as_of`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

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


def steps_of(routine: Routine) -> list[Step]:
    return list(_lay_out(routine.steps, routine.problem))


MAX_LAID_OUT = 1024
_LAID_OUT: dict[tuple[int, datetime], tuple[Step, ...]] = {}


def steps_as_of(routine_id: int, updated_at: datetime) -> tuple[Step, ...]:
    """The steps of a routine as it was at its last change, laid out once per process.

    Safe with several worker processes because the key is read from the database on
    every request: every change to a routine's steps, doses or exercises moves its
    `updated_at` (`routines.editing.save`, `routines.builtin`), so an entry made before
    a change committed anywhere is never asked for again. Steps are kept under a key
    only when it was read as of that very change (`_read_steps`): a request that read
    the key just before an edit committed lays the newer steps out but doesn't keep them
    under the older key. Holds plain frozen values, never database objects.
    """
    key = (routine_id, updated_at)
    steps = _LAID_OUT.get(key)
    if steps is None:
        steps, read_as_of = _read_steps(routine_id)
        if read_as_of == updated_at:
            if len(_LAID_OUT) >= MAX_LAID_OUT:
                _LAID_OUT.clear()
            _LAID_OUT[key] = steps
    return steps


def _read_steps(routine_id: int) -> tuple[tuple[Step, ...], datetime | None]:
    """The routine's steps as the database holds it now, and the change it is as of.

    One statement, so the steps and the change they belong to are read together. The
    rows are read afresh even where this request's session already holds them (a page
    rendered earlier in the same request, `pwa.offline_set.render_page`): another
    request may have changed a dose since, and the session would otherwise hand back
    its own older copies under the newer key."""
    rows = db.session.execute(
        select(Routine.updated_at, Routine.problem, RoutineStep)
        .outerjoin(RoutineStep, RoutineStep.routine_id == Routine.id)
        .where(Routine.id == routine_id)
        .order_by(RoutineStep.position)
        .execution_options(populate_existing=True)
    ).all()
    if not rows:
        return (), None
    updated_at, problem = rows[0].updated_at, rows[0].problem
    steps = [row.RoutineStep for row in rows if row.RoutineStep is not None]
    return _lay_out(steps, problem or ""), updated_at
