"""A routine laid out as the player steps through it: one step per set and side."""

from dataclasses import dataclass

from sqlalchemy import select

from runpt.extensions import db
from runpt.library.dose import GET_READY_S, SIDE_SWITCH_S, Dose
from runpt.routines.models import Routine, RoutineStep
from runpt.sync.models import Event


@dataclass(frozen=True)
class Step:
    index: int
    routine_step: RoutineStep
    dose: Dose
    set_no: int
    side: str | None
    exercise_no: int
    # The countdown before this step: get-ready before an exercise's first set, the
    # routine's rest between sets, a short switch between left and right.
    wait_kind: str
    wait_s: int

    @property
    def exercise(self):
        return self.routine_step.exercise


def plan(routine: Routine) -> list[Step]:
    steps: list[Step] = []
    for exercise_no, routine_step in enumerate(routine.steps, start=1):
        dose = routine_step.dose
        for set_no in range(1, dose.sets + 1):
            for side in dose.sides:
                if set_no == 1 and side in (None, "left"):
                    wait = ("get-ready", GET_READY_S)
                elif side == "right":
                    wait = ("switch", SIDE_SWITCH_S)
                else:
                    wait = ("rest", dose.rest_s)
                steps.append(Step(len(steps), routine_step, dose, set_no, side, exercise_no, *wait))
    return steps


@dataclass(frozen=True)
class LastTime:
    reps: int | None
    hold_s: int | None
    load_kg: float | None
    rpe: int | None
    pain: int | None
    at: object


def last_time(user, exercise_slug: str, side: str | None) -> LastTime | None:
    """The runner's most recent logged set of this exercise (same side where it has one)."""
    query = (
        select(Event)
        .where(Event.user_id == user.id, Event.exercise == exercise_slug)
        .order_by(Event.at.desc())
        .limit(10)
    )
    for event in db.session.scalars(query):
        if side is None or event.data.get("side") in (side, None):
            data = event.data
            return LastTime(
                data.get("reps"), data.get("hold_s"), data.get("load_kg"),
                data.get("rpe"), data.get("pain"), event.at,
            )  # fmt: skip
    return None
