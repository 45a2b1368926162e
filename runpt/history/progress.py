"""Progress per exercise: what the runner did each session, their bests, and left
against right for one-sided work. A difference over 10% is flagged: runpt's convention,
the limb symmetry index of at least 90% clinicians commonly use (CONTENT.md rule 14), not
a published threshold; for calf raises a gap of a few reps is within a heel-raise test's
own error (about ±6 reps, Hébert-Losier et al. 2017), so the flag says to watch it, not
that something is wrong."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from runpt.extensions import db
from runpt.history.weeks import local_day
from runpt.sync.models import Event
from runpt.sync.sessions import current_sets

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


def logged_exercises(user) -> list[tuple[str, int, datetime]]:
    """[(exercise slug, number of sessions, last logged)] for every exercise the runner
    has logged, most recent first."""
    query = (
        select(Event.exercise, func.count(Event.session_id.distinct()), func.max(Event.at))
        .where(Event.user_id == user.id, Event.exercise.is_not(None))
        .group_by(Event.exercise)
        .order_by(func.max(Event.at).desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def session_results(user, slug: str, *, is_hold: bool) -> list[SessionResult]:
    """Each session's sets of this exercise, oldest first."""
    query = (
        select(
            Event.session_id, Event.id, Event.at, Event.received_at, Event.at_offset_min,
            Event.data,
        )
        .where(Event.user_id == user.id, Event.exercise == slug)
        .order_by(Event.at)
    )  # fmt: skip
    # One pass over plain rows: three years of one exercise is a few thousand sets.
    rows_of: dict = {}
    for row in db.session.execute(query):
        rows_of.setdefault(row.session_id, []).append(row)
    measure = "hold_s" if is_hold else "reps"
    results = []
    for session_id, rows in rows_of.items():
        # A set logged twice (a double tap, a correction) is one set: the latest counts.
        sets = [row.data for row in current_sets(rows)]
        results.append(_result(session_id, rows[0].at, rows[0].at_offset_min, sets, measure))
    return sorted(results, key=lambda r: r.day)


def _result(session_id, at: datetime, offset_min: int, sets: list[dict], measure: str):
    """One session's sets (their data, in order) reduced to a SessionResult."""
    best = best_load = highest_pain = highest_rpe = None
    totals: dict = defaultdict(float)
    for data in sets:
        amount = data.get(measure)
        if amount is not None and (best is None or amount > best):
            best = amount
        load = data.get("load_kg")
        if load and (best_load is None or load > best_load):
            best_load = load
        totals[data.get("side")] += amount or 0
        pain = data.get("pain")
        if pain is not None and (highest_pain is None or pain > highest_pain):
            highest_pain = pain
        rpe = data.get("rpe")
        if rpe is not None and (highest_rpe is None or rpe > highest_rpe):
            highest_rpe = rpe
    return SessionResult(
        session_id=str(session_id),
        day=local_day(at, offset_min),
        best=best,
        best_load=best_load,
        total_by_side=dict(totals),
        level=sets[-1].get("level") or 0,
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
