"""What the runner did recently with one exercise, as the progression engine reads it:
the sets of its latest session, that session's next-morning answer, and the `Situation`
around it (a pain stop, a flare in an area it loads since, last time's pain, and how long
the runner has been at this dose and level).

Two queries, both on indexes: the exercise's recent sets (user, exercise, at), and every
session's sets, stops, starts and morning answers from the start of the exercise's latest
session on. Sets and stops go through `current_sets`: a step logged twice counts once.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from runpt.extensions import db
from runpt.history.pain import routine_problems
from runpt.library.ladder import ExerciseFacts
from runpt.library.queries import exercise_names
from runpt.progression.engine import (
    ACCEPTABLE_PAIN,
    PROBLEM_AREAS,
    Dwell,
    Flare,
    LoggedSet,
    Situation,
    Stop,
    Target,
    areas_hurt,
    flare_for,
)
from runpt.sync.models import Event
from runpt.sync.sessions import current_sets, makes_a_session

# Enough of an exercise's sets to see its last few sessions and how long it has been at
# a level: a 5-set, two-sided exercise logs 10 a session, so at least 12 sessions, weeks
# more than the 7 days a level waits. It runs for the first set of every strength step.
RECENT_SETS = 120
# Enough of every exercise's events since the exercise was last done.
WINDOW_EVENTS = 3000
WINDOW_TYPES = ("session.started", "set.logged", "exercise.stopped", "morning.checked")
# How long before its first set a session's start may be (get ready, warm-up drills).
SESSION_LEAD = timedelta(hours=2)


@dataclass(frozen=True)
class Judged:
    """What the engine judges: the latest session's sets of the exercise, its next-morning
    answer, and the situation around it."""

    sets: list[LoggedSet]
    morning: str | None
    situation: Situation


def logged_set(data: dict) -> LoggedSet:
    """A set.logged event's data as the engine reads it."""
    return LoggedSet(
        set_no=data.get("set") or 1,
        side=data.get("side"),
        reps=data.get("reps"),
        hold_s=data.get("hold_s"),
        load_kg=data.get("load_kg"),
        rpe=data.get("rpe"),
        pain=data.get("pain"),
    )


def judged(
    user, facts: ExerciseFacts, target: Target, since=None, problem: str = "", now=None
) -> Judged | None:
    """The engine's input for this exercise at this target, or None when it has never been
    logged (after `since`: the step's dose changed then, so older sets were for another
    target). `problem` is the running problem of the routine it is shown in."""
    sessions = recent_sessions(user, facts.slug)
    latest = next((s for s in sessions if since is None or s[-1].at > since), None)
    window = window_events(user, latest[0].at) if latest else []
    stop = latest_stop(window, facts.slug)
    if latest is None and stop is None:
        return None
    sets = [logged_set(row.data) for row in latest] if latest else []
    morning = morning_of(window, latest[0].session_id) if latest else None
    previous = sessions[sessions.index(latest) + 1] if latest and latest is not sessions[-1] else []
    situation = Situation(
        problem=problem,
        stop=stop,
        flare=flare_for(facts, flares(user, window, facts.slug, latest), problem),
        previous_pain=max(
            (r.data["pain"] for r in previous if r.data.get("pain") is not None), default=None
        ),  # fmt: skip
        dwell=dwell(sessions, target.level, since, now or datetime.now(UTC)),
    )
    return Judged(sets, morning, situation)


def recent_sessions(user, slug: str) -> list[list]:
    """The exercise's recent sessions, newest first, each its sets as they stand (oldest
    first within the session)."""
    query = (
        select(Event.session_id, Event.id, Event.at, Event.received_at, Event.data)
        .where(Event.user_id == user.id, Event.exercise == slug)
        .order_by(Event.at.desc())
        .limit(RECENT_SETS)
    )
    by_session: dict = {}
    for row in db.session.execute(query):
        by_session.setdefault(row.session_id, []).append(row)
    return [current_sets(reversed(rows)) for rows in by_session.values()]


def window_events(user, first_set_at: datetime) -> list:
    """Every session's starts, sets, stops and morning answers from a little before the
    exercise's latest session began (so its session.started is in, for its routine's
    problem) on, oldest first. One range scan of the (user, at) index."""
    since = first_set_at - SESSION_LEAD
    query = (
        select(Event.session_id, Event.id, Event.type, Event.at, Event.received_at, Event.data)
        .where(Event.user_id == user.id, Event.at >= since, Event.type.in_(WINDOW_TYPES))
        .order_by(Event.at.desc())
        .limit(WINDOW_EVENTS)
    )
    rows = list(reversed(db.session.execute(query).all()))
    # Sessions that ended before the exercise's session began are not "since".
    later = {r.session_id for r in rows if r.at >= first_set_at}
    return [r for r in rows if r.session_id in later]


def morning_of(window: list, session_id) -> str | None:
    """The session's next-morning answer; a later answer corrects an earlier one."""
    answers = [e for e in window if e.type == "morning.checked" and e.session_id == session_id]
    return answers[-1].data["feel"] if answers else None


def latest_stop(window: list, slug: str) -> Stop | None:
    """The player's latest pain stop of this exercise since its latest session began (a
    stop at its first set, skipped, logs no set at all)."""
    stops = current_sets(e for e in window if e.type == "exercise.stopped")
    mine = [e for e in stops if e.data["exercise"] == slug]
    if not mine:
        return None
    data = max(mine, key=lambda e: e.at).data
    return Stop(data["set"], data["side"], data["reason"], data["pain"], data["choice"])


def flares(user, window: list, slug: str, latest) -> list[Flare]:
    """Pain above 5, pain stops and worse next mornings in the window's sessions, each in
    the area it was felt (`areas_hurt`). This exercise's own pain and stop, and its own
    session's morning, are judged directly, so they are left out here."""
    judged_session = latest[0].session_id if latest else None
    sessions = defaultdict(list)
    for event in window:
        sessions[event.session_id].append(event)
    sessions = {sid: events for sid, events in sessions.items() if makes_a_session(events)}
    signs = {sid: _signs(events, slug, sid != judged_session) for sid, events in sessions.items()}
    if not any(painful or worse for painful, worse in signs.values()):
        return []  # the usual case: no look-ups
    problems, names = routine_problems(user), exercise_names()
    found = []
    for sid, (painful, worse) in signs.items():
        problem = problems.get(_routine_of(sessions[sid]), "")
        for exercise, what in painful:
            name = names.get(exercise, exercise)
            found += [Flare(what.format(name), area) for area in areas_hurt(exercise, problem)]
        if worse:
            if problem in PROBLEM_AREAS:
                areas = {PROBLEM_AREAS[problem]}
            else:  # no problem named: every area the session's exercises load
                logged = {e.data["exercise"] for e in sessions[sid] if e.type == "set.logged"}
                areas = {area for exercise in logged for area in areas_hurt(exercise, "")}
            found += [Flare("A worse next morning", area) for area in sorted(areas)]
    return found


def _signs(events: list, slug: str, ask_morning: bool) -> tuple[list, bool]:
    """([(exercise, what)] with pain above 5 or a pain stop, other than `slug`; and
    whether the session's next morning was worse)."""
    painful = []
    for event in current_sets(e for e in events if e.type == "set.logged"):
        pain = event.data.get("pain")
        if event.data["exercise"] != slug and pain is not None and pain > ACCEPTABLE_PAIN:
            painful.append((event.data["exercise"], f"Pain {pain} in {{}}"))
    for event in current_sets(e for e in events if e.type == "exercise.stopped"):
        if event.data["exercise"] != slug:
            painful.append((event.data["exercise"], "{} stopped for pain"))
    worse = ask_morning and morning_of(events, events[0].session_id) == "worse"
    return painful, worse


def _routine_of(events: list) -> str:
    started = next((e for e in events if e.type == "session.started"), None)
    return str(started.data["routine"]) if started else ""


def dwell(sessions: list[list], level: int, since, now: datetime) -> Dwell:
    """Sessions since the dose last changed, and the sessions in a row (newest back) at
    this level with the days from the first of them to now."""
    at_dose = sum(1 for s in sessions if since is None or s[-1].at > since)
    at_rung, first = 0, None
    for rows in sessions:
        if (rows[0].data.get("level") or 0) != level:
            break
        at_rung, first = at_rung + 1, rows[0].at
    days = (now - first).days if first else 0
    return Dwell(at_dose, at_rung, days)
