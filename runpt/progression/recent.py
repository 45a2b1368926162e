"""What the runner did recently with one exercise, as the progression engine reads it:
the sets of its latest session, that session's next-morning answer, and the `Situation`
around it (a pain stop, a flare in an area it loads since, last time's pain, and how long
the runner has been at this dose and level).

Two reads of the log, both on indexes: the exercise's recent sets (user, exercise, at),
and every session's sets, stops, starts and morning answers from the start of the
exercise's latest session on. Both come as they stand: a step logged twice counts once.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from runpt.library.ladder import ExerciseFacts
from runpt.library.queries import exercise_names
from runpt.log.reads import Logged, LoggedSet, events_since, recent_sessions
from runpt.log.sessions import makes_a_session
from runpt.pain import ACCEPTABLE_MAX
from runpt.progression.engine import (
    PROBLEM_AREAS,
    Dwell,
    Flare,
    Situation,
    Stop,
    Target,
    areas_hurt,
    flare_for,
)
from runpt.routines.editing import routine_problems
from runpt.timestamps import local_day, runner_today, utcnow

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


def judged(
    user, facts: ExerciseFacts, target: Target, since=None, problem: str = "", now=None
) -> Judged | None:
    """The engine's input for this exercise at this target, or None when it has never been
    logged (after `since`: the step's dose changed then, so older sets were for another
    target). `problem` is the running problem of the routine it is shown in."""
    sessions = recent_sessions(user, facts.slug, RECENT_SETS)
    latest = next((s for s in sessions if since is None or s[-1].at > since), None)
    window = window_events(user, latest[0].at) if latest else []
    stop = latest_stop(window, facts.slug)
    if latest is None and stop is None:
        return None
    sets = latest or []
    morning = morning_of(window, latest[0].session_id) if latest else None
    previous = sessions[sessions.index(latest) + 1] if latest and latest is not sessions[-1] else []
    situation = Situation(
        problem=problem,
        stop=stop,
        flare=flare_for(facts, flares(user, window, facts.slug, latest), problem),
        previous_pain=max((s.pain for s in previous if s.pain is not None), default=None),
        dwell=dwell(sessions, target.level, since, now or utcnow()),
    )
    return Judged(sets, morning, situation)


def window_events(user, first_set_at: datetime) -> list[Logged]:
    """Every session's starts, sets, stops and morning answers from a little before the
    exercise's latest session began (so its session.started is in, for its routine's
    problem) on, oldest first."""
    rows = events_since(user, first_set_at - SESSION_LEAD, WINDOW_TYPES, WINDOW_EVENTS)
    # Sessions that ended before the exercise's session began are not "since".
    later = {r.session_id for r in rows if r.at >= first_set_at}
    return [r for r in rows if r.session_id in later]


def morning_of(window: list, session_id) -> str | None:
    """The session's next-morning answer; a later answer corrects an earlier one."""
    answers = [e for e in window if e.type == "morning.checked" and e.session_id == session_id]
    return answers[-1].feel if answers else None


def latest_stop(window: list, slug: str) -> Stop | None:
    """The player's latest pain stop of this exercise since its latest session began (a
    stop at its first set, skipped, logs no set at all)."""
    mine = [e for e in window if e.type == "exercise.stopped" and e.exercise == slug]
    if not mine:
        return None
    stop = max(mine, key=lambda e: e.at)
    return Stop(stop.set_no, stop.side, stop.reason, stop.pain, stop.choice)


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
                logged = {e.exercise for e in sessions[sid] if e.type == "set.logged"}
                areas = {area for exercise in logged for area in areas_hurt(exercise, "")}
            found += [Flare("A worse next morning", area) for area in sorted(areas)]
    return found


def _signs(events: list, slug: str, ask_morning: bool) -> tuple[list, bool]:
    """([(exercise, what)] with pain above 5 or a pain stop, other than `slug`; and
    whether the session's next morning was worse)."""
    painful = []
    for event in events:
        if event.exercise == slug:
            continue
        if event.type == "set.logged" and event.pain is not None and event.pain > ACCEPTABLE_MAX:
            painful.append((event.exercise, f"Pain {event.pain} in {{}}"))
        elif event.type == "exercise.stopped":
            painful.append((event.exercise, "{} stopped for pain"))
    worse = ask_morning and morning_of(events, events[0].session_id) == "worse"
    return painful, worse


def _routine_of(events: list) -> str:
    started = next((e for e in events if e.type == "session.started"), None)
    return started.routine if started and started.routine else ""


def dwell(sessions: list[list[LoggedSet]], level: int, since, now: datetime) -> Dwell:
    """Sessions since the dose last changed, and the sessions in a row (newest back) at
    this level with the days from the first of them to today. Days as the runner counts
    them, on their own clock: Thursday's session is 4 days before Monday at any hour
    (counting whole 24 hours said 3 on Monday before the hour it was done)."""
    at_dose = sum(1 for s in sessions if since is None or s[-1].at > since)
    at_rung, first = 0, None
    for rows in sessions:
        if rows[0].level != level:
            break
        at_rung, first = at_rung + 1, rows[0]
    if first is None:
        return Dwell(at_dose, at_rung, 0)
    today = runner_today(sessions[0][0].offset_min, now)
    return Dwell(at_dose, at_rung, (today - local_day(first.at, first.offset_min)).days)
