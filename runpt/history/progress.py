"""Progress per exercise: what the runner did each session, their bests, and left
against right for one-sided work (a difference over 10% is worth flagging: CONTENT.md
rule 3, Hébert-Losier et al. 2017)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from runpt.extensions import db
from runpt.history.weeks import local_day
from runpt.sync.models import Event

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
        select(Event.session_id, Event.at, Event.at_offset_min, Event.data)
        .where(Event.user_id == user.id, Event.exercise == slug)
        .order_by(Event.at)
    )
    by_session = defaultdict(list)
    for row in db.session.execute(query):
        by_session[row.session_id].append(row)
    measure = "hold_s" if is_hold else "reps"
    results = [_result(sid, rows, measure) for sid, rows in by_session.items()]
    return sorted(results, key=lambda r: r.day)


def _result(session_id, rows, measure: str) -> SessionResult:
    amounts = [r.data.get(measure) for r in rows if r.data.get(measure) is not None]
    loads = [r.data.get("load_kg") for r in rows if r.data.get("load_kg")]
    totals: dict = defaultdict(float)
    for r in rows:
        totals[r.data.get("side")] += r.data.get(measure) or 0
    pains = [r.data["pain"] for r in rows if r.data.get("pain") is not None]
    rpes = [r.data["rpe"] for r in rows if r.data.get("rpe") is not None]
    return SessionResult(
        session_id=str(session_id),
        day=local_day(rows[0].at, rows[0].at_offset_min),
        best=max(amounts) if amounts else None,
        best_load=max(loads) if loads else None,
        total_by_side=dict(totals),
        level=rows[-1].data.get("level") or 0,
        highest_pain=max(pains) if pains else None,
        highest_rpe=max(rpes) if rpes else None,
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
