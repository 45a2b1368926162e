"""A runner's capacity tests, read from the log (runpt.log.reads.sides_tested) and put
together as sittings (both sides of one test, the same session), with everything a page
or the walk-run plan reads of them: the latest against its norm, left against right, the
change since the last one, the ladder rung to train at and when to test again."""

import uuid
from dataclasses import dataclass, field
from datetime import date

from runpt.capacity.judging import (
    Retest,
    Symmetry,
    against_norm,
    change,
    checklist_score,
    placement,
    retest,
    symmetry,
)
from runpt.capacity.norms import CapacityTest, Norm, Rung, capacity_tests, norm_for
from runpt.log.reads import SideTested, sides_tested
from runpt.timestamps import local_day


@dataclass
class Sitting:
    """One test, both sides as far as logged, on one day."""

    sitting_id: uuid.UUID
    test: str
    day: date
    values: dict = field(default_factory=dict)  # {"left": 23, "right": 19}
    checklists: dict = field(default_factory=dict)  # squat: {"left": {...}}
    pain: int | None = None
    sex: str | None = None
    age_band: str | None = None
    incline: bool | None = None

    @property
    def left(self):
        return self.values.get("left")

    @property
    def right(self):
        return self.values.get("right")

    def add(self, side: SideTested) -> None:
        self.values[side.side] = value_of(side)
        if side.checklist is not None:
            self.checklists[side.side] = side.checklist
        if side.pain is not None:
            self.pain = max(side.pain, self.pain or 0)
        # What the runner said last in this sitting stands for the sitting.
        self.sex = side.sex or self.sex
        self.age_band = side.age_band or self.age_band
        self.incline = side.incline if side.incline is not None else self.incline


def value_of(side: SideTested) -> float | None:
    if side.test in capacity_tests() and capacity_tests()[side.test].measure == "checklist":
        return checklist_score(side.checklist)
    return side.reps if side.reps is not None else side.hold_s


def sittings_of(user) -> dict[str, list[Sitting]]:
    """{test slug: its sittings, oldest first}, for every test in the data file."""
    found: dict[str, list[Sitting]] = {slug: [] for slug in capacity_tests()}
    by_id: dict[uuid.UUID, Sitting] = {}
    for side in sides_tested(user):
        if side.test not in found:
            continue
        sitting = by_id.get(side.sitting_id)
        if sitting is None:
            day = local_day(side.at, side.offset_min)
            sitting = by_id[side.sitting_id] = Sitting(side.sitting_id, side.test, day)
            found[side.test].append(sitting)
        sitting.add(side)
    return found


@dataclass(frozen=True)
class Answers:
    """What the runner last said about themselves on a test: offered again on the next."""

    sex: str | None = None
    age_band: str | None = None
    incline: bool | None = None


def last_answers(sittings: dict[str, list[Sitting]]) -> Answers:
    latest = max(
        (s for found in sittings.values() for s in found if s.sex or s.age_band),
        key=lambda s: s.day,
        default=None,
    )
    heel = sittings.get("heel-raise") or []
    incline = heel[-1].incline if heel else None
    return Answers(latest.sex, latest.age_band, incline) if latest else Answers(None, None, incline)


@dataclass(frozen=True)
class Result:
    """The latest sitting of one test, read every way a runner or physio asks."""

    test: CapacityTest
    latest: Sitting | None
    previous: Sitting | None
    norm: Norm | None
    against: dict  # {side: AgainstNorm}
    symmetry: Symmetry | None
    changes: list  # [Change], left then right
    rung: Rung | None
    history: list  # every sitting, oldest first
    off_norms_surface: bool = False  # flat floor where the norms need an incline

    @property
    def both_sides(self) -> bool:
        return self.latest is not None and None not in (self.latest.left, self.latest.right)


def on_norms_surface(test: CapacityTest, sitting: Sitting) -> bool:
    """Whether a sitting was done the way the norms were taken: for the heel raise, on an
    incline board (a flat-floor test, or one with no answer, is not)."""
    return not test.norm_needs_incline or sitting.incline is True


def result_of(test: CapacityTest, sittings: list[Sitting], answers: Answers) -> Result:
    latest = sittings[-1] if sittings else None
    if latest is None:
        return Result(test, None, None, None, {}, None, [], None, [])
    # The change since last time compares like with like: the last sitting on the same
    # surface (a flat-floor heel raise isn't an incline one).
    same_surface = on_norms_surface(test, latest)
    earlier = [s for s in sittings[:-1] if on_norms_surface(test, s) == same_surface]
    previous = earlier[-1] if earlier else None
    # The sitting's own answer names its norm; the runner's latest one fills a gap. A test
    # not done the norms' way is read against the runner's own tests only.
    norm = norm_for(test, latest.sex or answers.sex) if same_surface else None
    against = {side: against_norm(latest.values.get(side), norm) for side in ("left", "right")}
    changes = []
    if previous is not None:
        for side in ("left", "right"):
            found = change(test, side, previous.values.get(side), latest.values.get(side))
            if found is not None:
                changes.append(found)
    return Result(
        test=test,
        latest=latest,
        off_norms_surface=not same_surface,
        previous=previous,
        norm=norm,
        against={side: found for side, found in against.items() if found is not None},
        symmetry=symmetry(test, latest.left, latest.right),
        changes=changes,
        rung=placement(test, latest.left, latest.right),
        history=sittings,
    )


def capacity_results(user) -> tuple[list[Result], Answers]:
    """Every test's result (the data file's order) and what the runner said last."""
    sittings = sittings_of(user)
    answers = last_answers(sittings)
    tests = capacity_tests()
    return [result_of(tests[slug], sittings[slug], answers) for slug in tests], answers


def retest_of(results: list[Result], today: date) -> Retest | None:
    """When to test again, from the latest sitting of any test."""
    days = [r.latest.day for r in results if r.latest is not None]
    return retest(max(days), today) if days else None
