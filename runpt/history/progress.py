"""Progress per exercise: what the runner did each session, their bests, and left
against right for one-sided work. A difference over 10% is flagged: runpt's convention,
the limb symmetry index of at least 90% clinicians commonly use (docs/content-rules.md rule 14), not
a published threshold; for calf raises a gap of a few reps is within a heel-raise test's
own error (about ±6 reps, Hébert-Losier et al. 2017), so the flag says to watch it, not
that something is wrong."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from runpt.log.reads import LoggedSet, sets_by_session
from runpt.timestamps import local_day

SIDE_DIFFERENCE_FLAG = 0.10


@dataclass(frozen=True)
class SessionResult:
    """One session's sets of one exercise, reduced to what a chart shows."""

    session_id: str
    day: date
    best: float | None  # best set: reps, or seconds held
    best_load: float | None
    total_by_side: dict  # {"left": n, "right": n} (or {None: n}) summed over sets
    level: int
    highest_pain: int | None
    highest_rpe: int | None


@dataclass(frozen=True)
class SideBalance:
    left: float
    right: float
    day: date

    @property
    def difference(self) -> float:
        """How much weaker the weaker side is, as a share of the stronger one."""
        stronger = max(self.left, self.right)
        return abs(self.left - self.right) / stronger if stronger else 0.0

    @property
    def flagged(self) -> bool:
        return self.difference > SIDE_DIFFERENCE_FLAG

    @property
    def weaker(self) -> str:
        return "left" if self.left < self.right else "right"


def session_results(user, slug: str, *, is_hold: bool) -> list[SessionResult]:
    """Each session's sets of this exercise (as they stand: a set logged twice is one
    set), oldest first."""
    measure = "hold_s" if is_hold else "reps"
    results = [_result(sets, measure) for sets in sets_by_session(user, slug) if sets]
    return sorted(results, key=lambda r: r.day)


def _result(sets: list[LoggedSet], measure: str) -> SessionResult:
    """One session's sets, in order, reduced to a SessionResult."""
    best = best_load = highest_pain = highest_rpe = None
    totals: dict = defaultdict(float)
    for logged in sets:
        amount = getattr(logged, measure)
        if amount is not None and (best is None or amount > best):
            best = amount
        if logged.load_kg and (best_load is None or logged.load_kg > best_load):
            best_load = logged.load_kg
        totals[logged.side] += amount or 0
        if logged.pain is not None and (highest_pain is None or logged.pain > highest_pain):
            highest_pain = logged.pain
        if logged.rpe is not None and (highest_rpe is None or logged.rpe > highest_rpe):
            highest_rpe = logged.rpe
    first = sets[0]
    return SessionResult(
        session_id=str(first.session_id),
        day=local_day(first.at, first.offset_min),
        best=best,
        best_load=best_load,
        total_by_side=dict(totals),
        level=sets[-1].level,
        highest_pain=highest_pain,
        highest_rpe=highest_rpe,
    )


def side_balance(results: list[SessionResult]) -> SideBalance | None:
    """Left against right in the latest session that logged both sides."""
    for result in reversed(results):
        sides = result.total_by_side
        if sides.get("left") and sides.get("right"):
            return SideBalance(sides["left"], sides["right"], result.day)
    return None


def bests(results: list[SessionResult]) -> dict:
    """The best set and the heaviest load ever logged, with the day of each."""
    best = max((r for r in results if r.best is not None), key=lambda r: r.best, default=None)
    heaviest = max(
        (r for r in results if r.best_load is not None), key=lambda r: r.best_load, default=None
    )
    return {
        "best": (best.best, best.day) if best else None,
        "load": (heaviest.best_load, heaviest.day) if heaviest else None,
    }
