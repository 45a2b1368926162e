"""Reading a capacity test's result, as plain functions over numbers: against its norm,
left against right (limb symmetry), against the last test (a change within the test's
own error is no change), onto a ladder rung, and when to test again. Thresholds come
from the data file (norms.py); nothing here reads a database or a request."""

from dataclasses import dataclass
from datetime import date, timedelta

from runpt.capacity.norms import CapacityTest, Norm, Rung, lsi_min, retest_days


def checklist_score(checklist: dict | None) -> int | None:
    """How many points of the squat checklist held (0-3)."""
    return None if checklist is None else sum(1 for held in checklist.values() if held)


@dataclass(frozen=True)
class AgainstNorm:
    value: float
    norm: Norm
    percent: int  # the result as a percentage of the norm

    @property
    def at_or_above(self) -> bool:
        return self.value >= self.norm.value


def against_norm(value: float | None, norm: Norm | None) -> AgainstNorm | None:
    if value is None or norm is None or not norm.value:
        return None
    return AgainstNorm(value, norm, round(100 * value / norm.value))


@dataclass(frozen=True)
class Symmetry:
    """Left against right. `lsi` is the weaker side as a percentage of the stronger;
    `flagged` says the gap is worth acting on; `within_error` that it is over the limit
    (10%, or the side bridge's 0.05 ratio) but smaller than the test's own error (retest
    before reading much into it)."""

    left: float
    right: float
    lsi: int
    ratio: float | None  # right / left, for the side bridge (McGill's flag)
    weaker: str | None
    flagged: bool
    within_error: bool


def symmetry(test: CapacityTest, left: float | None, right: float | None) -> Symmetry | None:
    """None until both sides are tested."""
    if left is None or right is None:
        return None
    stronger = max(left, right)
    lsi = 100 if stronger == 0 else round(100 * min(left, right) / stronger)
    weaker = None if left == right else ("left" if left < right else "right")
    ratio = right / left if test.symmetry == "ratio" and left else None
    error = test.measurement_error or 0
    if test.symmetry == "ratio":
        # McGill's 0.05 is 3-5 s at typical holds, less than the test's own 10 s error, so
        # the flag also needs the gap in seconds past that error (as the LSI tests do).
        past_ratio = weaker is not None and (ratio is None or abs(ratio - 1) > test.ratio_flag)
        noisy = past_ratio and abs(left - right) <= error
        return Symmetry(left, right, lsi, ratio, weaker, past_ratio and not noisy, noisy)
    if test.symmetry == "checklist":
        return Symmetry(left, right, lsi, None, weaker, left != right, False)
    over_limit = lsi < lsi_min()
    noisy = over_limit and abs(left - right) <= error
    return Symmetry(left, right, lsi, None, weaker, over_limit and not noisy, noisy)


@dataclass(frozen=True)
class Change:
    side: str
    before: float
    now: float

    @property
    def amount(self) -> float:
        return self.now - self.before


def change(test: CapacityTest, side: str, before: float | None, now: float | None):
    """The change on one side since the last test, or None when either is missing."""
    if before is None or now is None:
        return None
    return Change(side, before, now)


def is_real_change(test: CapacityTest, found: Change) -> bool:
    """A change smaller than the test's measurement error is no change: e.g. heel raises
    within about ±6 reps of last time (Hebert-Losier et al. 2017)."""
    if test.measurement_error is None:
        return found.amount != 0
    return abs(found.amount) > test.measurement_error


def placement(test: CapacityTest, left: float | None, right: float | None) -> Rung | None:
    """The ladder rung to train at, from the weaker side (both sides train at one rung,
    and the weaker one decides what is safe). None until a side is tested."""
    values = [v for v in (left, right) if v is not None]
    if not values:
        return None
    weaker = min(values)
    fitting = [rung for rung in test.rungs if weaker >= rung.at_least]
    return max(fitting, key=lambda rung: rung.at_least) if fitting else test.rungs[0]


@dataclass(frozen=True)
class Retest:
    due_from: date
    due_by: date
    state: str  # "not yet" | "due" | "overdue"


def retest(last_day: date | None, today: date) -> Retest | None:
    """When to test again: from 4 weeks after the last test, overdue after 6 (runpt
    convention, data file)."""
    if last_day is None:
        return None
    after, by = retest_days()
    due_from, due_by = last_day + timedelta(days=after), last_day + timedelta(days=by)
    state = "overdue" if today > due_by else "due" if today >= due_from else "not yet"
    return Retest(due_from, due_by, state)
