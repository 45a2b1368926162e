"""Progress per exercise: what the runner did each session, their bests, and left
against right for one-sided work. A difference over 10% is flagged: runpt's convention,
the limb symmetry index of at least 90% clinicians commonly use (docs/content-rules.md rule 14), not
a published threshold; for calf raises a gap of a few reps is within a heel-raise test's
own error (about ±6 reps, Hébert-Losier et al. 2017), so the flag says to watch it, not
that something is wrong.

What a progress page shows (`progress_facts`, `logged_list`) is the same for the runner's
own page (/history/progress) and the one a share link opens (/shared/<token>/progress)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from runpt.history.charts import Series, line_chart
from runpt.history.overview import as_of
from runpt.library.models import Exercise
from runpt.library.queries import exercise_names
from runpt.log.reads import LoggedSet, logged_exercises, sets_by_session
from runpt.runner.models import settings_of
from runpt.runner.units import in_unit
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


def logged_list(user) -> list[tuple]:
    """(slug, name, sessions, last day) of every exercise the runner has logged: the
    progress list, on the runner's own page and the one a share link opens."""
    names = exercise_names()
    return [(e.slug, names.get(e.slug, e.slug), e.sessions, e.last) for e in logged_exercises(user)]


def progress_facts(user, exercise: Exercise) -> dict:
    """What an exercise's progress shows: the runner's own page and a shared one alike."""
    slug = exercise.slug
    results = session_results(user, slug, is_hold=exercise.is_hold)
    unit = " s" if exercise.is_hold else ""
    measure = "seconds held" if exercise.is_hold else "reps"
    chart = progress_chart(exercise, results, unit, measure)
    load_chart = None
    load_unit = settings_of(user).unit  # loads shown in the unit of the runner whose they are
    if any(r.best_load for r in results):
        points = [(r.day, in_unit(r.best_load, load_unit)) for r in results if r.best_load]
        load_chart = line_chart(
            "load-chart", f"{exercise.name}: heaviest load per session",
            f"Load in {load_unit}, {len(points)} sessions, from {points[0][1]:g} {load_unit} to "
            f"{points[-1][1]:g} {load_unit}.",
            [Series("Load", points)], unit=f" {load_unit}",
        )  # fmt: skip
    return {
        "exercise": exercise,
        "results": results,
        "chart": chart,
        "load_chart": load_chart,
        "bests": bests(results),
        "balance": side_balance(results) if exercise.per_side else None,
        "unit": unit,
        "measure": measure,
        "load_unit": load_unit,
        "as_of": as_of(),
    }


def progress_chart(exercise: Exercise, results, unit: str, measure: str):
    if not results:
        return None
    if exercise.per_side:
        series = [
            Series(
                f"{side.capitalize()} side",
                [(r.day, r.total_by_side[side]) for r in results if side in r.total_by_side],
                css=f"series-{side}",
            )
            for side in ("left", "right")
        ]
        what = f"total {measure} per side"
    else:
        series = [Series("Best set", [(r.day, r.best) for r in results if r.best is not None])]
        what = f"best set ({measure})"
    # A side never logged (only the right side of a one-sided exercise) draws no line.
    series = [s for s in series if s.points]
    if not series:
        return None
    first, last = series[0].points[0], series[0].points[-1]
    description = (
        f"{what.capitalize()} in {len(results)} sessions, from {first[1]:g}{unit} on "
        f"{first[0]:%-d %b %Y} to {last[1]:g}{unit} on {last[0]:%-d %b %Y}."
    )
    return line_chart("progress-chart", f"{exercise.name}: {what}", description, series, unit=unit)
