"""The "report for my physio": the last weeks of adherence, pain and the ladder level
of each exercise, on one printable page: the runner's own (/history/report) and the one
a share link opens (/shared/<token>) show the same facts."""

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from runpt.extensions import db
from runpt.history import capacity_and_running
from runpt.history.charts import Series, line_chart
from runpt.history.counting import Tally
from runpt.history.overview import as_of, overview
from runpt.history.pain import PAIN_BANDS, pain_per_problem, pain_per_session
from runpt.history.weeks import WEEKLY_TARGET, weeks
from runpt.library.ladder import ExerciseFacts, ladder, variant_name
from runpt.library.models import PROBLEMS, Exercise
from runpt.library.queries import exercise_names, exercise_problems
from runpt.log.reads import sets_since, stops_since
from runpt.log.summaries import current_summaries
from runpt.pain import ZONES_IN_WORDS
from runpt.routines.editing import routine_problems
from runpt.runner.models import settings_of
from runpt.timestamps import local_day, monday_of

REPORT_WEEKS = 8


def report_facts(user) -> dict:
    """What the report for a physio shows: the runner's own page and a shared one alike."""
    summaries = current_summaries(user)
    facts = overview(user, summaries)
    return {
        **facts,
        **physio_report(user, summaries, facts["today"], REPORT_WEEKS, facts["tally"]),
        **capacity_and_running.for_report(user, facts["today"], REPORT_WEEKS),
        "names": exercise_names(),
        "PROBLEMS": PROBLEMS,
        "as_of": as_of(),
    }


def physio_report(user, summaries, today, how_many_weeks: int, counting: Tally) -> dict:
    """Adherence counts the sessions that count (runpt.history.counting) in the weeks
    since the account was made; pain reads every session, partial ones too (a session
    cut short by pain is the one a physio needs to see)."""
    first_day = monday_of(today) - timedelta(weeks=how_many_weeks - 1)
    in_period = [s for s in summaries if local_day(s.started_at, s.offset_min) >= first_day]
    counted = [s for s in counting.counted if local_day(s.started_at, s.offset_min) >= first_day]
    days = [local_day(s.started_at, s.offset_min) for s in counted]
    # A week before the account existed can't have been missed.
    offset = summaries[0].offset_min if summaries else 0
    joined = monday_of(local_day(user.created_at, offset))
    report_weeks = [w for w in weeks(days, today, how_many_weeks) if w.monday >= joined]
    pains = pain_per_session(in_period)
    stops = stops_in_period(user, first_day)
    # The same attribution as the pain page: under the problem the routine trains, or,
    # for a routine with none, under the problems the runner said they have.
    by_problem = pain_per_problem(
        in_period, routine_problems(user), settings_of(user).own_problems, exercise_problems()
    )
    chart = None
    if pains:
        chart = line_chart(
            "report-pain",
            "Highest pain during each session",
            f"{len(pains)} sessions with pain logged; latest {pains[-1].pain}, highest "
            f"{max(p.pain for p in pains)} ({ZONES_IN_WORDS}).",
            [Series("Pain", [(p.day, p.pain) for p in pains])],
            y_max=10,
            bands=PAIN_BANDS,
        )
    return {
        "first_day": first_day,
        "report_weeks": report_weeks,
        "weeks_met": sum(1 for w in report_weeks if w.met),
        "session_count": len(counted),
        "partial_count": sum(1 for s in in_period if s.session_id in counting.partial),
        "target_sessions": (
            WEEKLY_TARGET[0] * len(report_weeks),
            WEEKLY_TARGET[1] * len(report_weeks),
        ),
        "pains": pains,
        "pain_by_problem": by_problem,
        "pain_chart": chart,
        "mornings": Counter(s.morning for s in in_period if s.morning),
        "exercises": exercise_levels(user, first_day, stops),
        "stops": stops,
    }


def stops_in_period(user, first_day) -> list[dict]:
    """Every exercise the player stopped for pain from `first_day` on, oldest first,
    with the day it happened: what a physio most needs to see."""
    found = []
    for stop in stops_since(user, period_start(first_day)):
        day = local_day(stop.at, stop.offset_min)
        if day >= first_day:
            found.append({
                "exercise": stop.exercise, "set": stop.set_no, "side": stop.side,
                "reason": stop.reason, "pain": stop.pain, "choice": stop.choice,
                "day": day, "session": str(stop.session_id),
            })  # fmt: skip
    return found


def period_start(first_day) -> datetime:
    """The earliest UTC time that can be on `first_day` in the runner's time: a day's start
    in their time can be up to 14 hours either side of UTC."""
    return datetime.combine(first_day, time(), tzinfo=UTC) - timedelta(hours=14)


def exercise_levels(user, first_day, stops=()) -> list[dict]:
    """Per exercise logged in the period: its ladder rung the last time, how many
    sessions, the best set and the highest pain (a pain stop's pain counts, even where
    its set was logged again lower: `stops`, from `stops_in_period`)."""
    stop_pains: dict[str, list[int]] = {}
    for stop in stops:
        if stop["pain"] is not None:
            stop_pains.setdefault(stop["exercise"], []).append(stop["pain"])
    logged = {}  # {slug: its sets in the period, as they stand, oldest first}
    for slug, sets in sets_since(user, period_start(first_day)).items():
        in_period = [s for s in sets if local_day(s.at, s.offset_min) >= first_day]
        if in_period:
            logged[slug] = in_period
    library = {
        e.slug: e for e in db.session.scalars(select(Exercise).where(Exercise.slug.in_(logged)))
    }
    levels = []
    for slug, sets in logged.items():
        exercise = library[slug]
        facts = ExerciseFacts.of(exercise)
        measure = "hold_s" if exercise.is_hold else "reps"
        best = None
        highest_pain = max(stop_pains.get(slug, ()), default=None)
        for logged_set in sets:
            amount = getattr(logged_set, measure)
            if amount is not None and (best is None or amount > best):
                best = amount
            pain = logged_set.pain
            if pain is not None and (highest_pain is None or pain > highest_pain):
                highest_pain = pain
        level = sets[-1].level
        rungs = ladder(facts)
        try:
            rung_name = variant_name(facts, level)
        except ValueError:
            rung_name = exercise.name
        levels.append(
            {
                "exercise": exercise,
                "rung": rung_name,
                "rung_number": [lvl for lvl, _ in rungs].index(level) + 1
                if any(lvl == level for lvl, _ in rungs)
                else None,
                "rungs": len(rungs),
                "sessions": len({logged_set.session_id for logged_set in sets}),
                "best": best,
                "unit": " s" if exercise.is_hold else " reps",
                "highest_pain": highest_pain,
            }
        )
    return sorted(levels, key=lambda item: (item["exercise"].group, item["exercise"].name))
