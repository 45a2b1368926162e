"""Typed reads of the event log, for everyone above it: nothing outside runpt/log queries
`Event` or reads its `data`. Each read answers one question of a page, the player or the
progression engine, with plain frozen values; sets and pain stops come as they stand (a
step logged twice counts once: `current_sets`; a stop is never removed by a set logged
after it: `current_stops`)."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, func, select

from runpt.extensions import db
from runpt.log.models import Event
from runpt.log.sessions import current_runs, current_sets, current_stops, current_tests


@dataclass(frozen=True)
class LoggedSet:
    """One set as logged: what the progression engine judges (the first seven fields),
    and where and when it was done, for pages."""

    set_no: int
    side: str | None
    reps: int | None
    hold_s: int | None
    load_kg: float | None
    rpe: int | None
    pain: int | None
    exercise: str = ""
    level: int = 0
    note: str | None = None
    session_id: uuid.UUID | None = None
    at: datetime | None = None
    offset_min: int = 0


@dataclass(frozen=True)
class Logged:
    """One event of a runner's recent sessions, typed: the fields its type carries, the
    others None (a start's routine, a set's exercise and pain, a stop's reason, a morning's
    feel)."""

    session_id: uuid.UUID
    type: str
    at: datetime
    exercise: str | None = None
    set_no: int | None = None
    side: str | None = None
    pain: int | None = None
    level: int = 0
    reason: str | None = None
    choice: str | None = None
    feel: str | None = None
    routine: str | None = None


@dataclass(frozen=True)
class LastTime:
    """An earlier session's sets of one exercise (one side of it, where it has sides):
    what "last time" on a step shows, with the session it came from, so the player can
    leave out the session it is running."""

    session_id: uuid.UUID
    at: datetime  # its first set of the exercise
    offset_min: int
    sets: tuple[LoggedSet, ...]
    # Its pain stops of the exercise, as (reason, pain): a set logged again after one
    # never hides it.
    stops: tuple[tuple[str, int | None], ...] = ()

    @property
    def amounts(self) -> list[int]:
        """Seconds held or reps of each set, in order."""
        return [s.hold_s if s.hold_s is not None else s.reps for s in self.sets
                if (s.hold_s if s.hold_s is not None else s.reps) is not None]  # fmt: skip

    @property
    def held(self) -> bool:
        return any(s.hold_s is not None for s in self.sets)

    @property
    def heaviest_kg(self) -> float | None:
        return max((s.load_kg for s in self.sets if s.load_kg), default=None)

    @property
    def hardest_rpe(self) -> int | None:
        return max((s.rpe for s in self.sets if s.rpe is not None), default=None)

    @property
    def highest_pain(self) -> int | None:
        pains = [s.pain for s in self.sets] + [pain for _, pain in self.stops]
        return max((pain for pain in pains if pain is not None), default=None)

    @property
    def stopped_for(self) -> str | None:
        """Why the exercise was stopped that time, in the runner's words; None if not."""
        if not self.stops:
            return None
        return "sharp pain" if any(r == "sharp-pain" for r, _ in self.stops) else "pain"


def logged_set(row) -> LoggedSet:
    """A set.logged row (with session_id, at and data; at_offset_min if read) as typed."""
    data = row.data
    return LoggedSet(
        set_no=data.get("set") or 1,
        side=data.get("side"),
        reps=data.get("reps"),
        hold_s=data.get("hold_s"),
        load_kg=data.get("load_kg"),
        rpe=data.get("rpe"),
        pain=data.get("pain"),
        exercise=data.get("exercise", ""),
        level=data.get("level") or 0,
        note=data.get("note"),
        session_id=row.session_id,
        at=row.at,
        offset_min=getattr(row, "at_offset_min", 0),
    )


def logged(row) -> Logged:
    data = row.data
    routine = data.get("routine")
    return Logged(
        session_id=row.session_id,
        type=row.type,
        at=row.at,
        exercise=data.get("exercise"),
        set_no=data.get("set"),
        side=data.get("side"),
        pain=data.get("pain"),
        level=data.get("level") or 0,
        reason=data.get("reason"),
        choice=data.get("choice"),
        feel=data.get("feel"),
        routine=None if routine is None else str(routine),
    )


# --- the player: "last time" on a step --------------------------------------------------

# Built once, as a table (not ORM) query: it runs for every step fragment, and building
# an ORM statement and its objects costs more than the look-up (index user_id, exercise,
# at). Enough of the latest sets to hold the last two sessions of an exercise whole
# (a session logs at most ~20 sets of one exercise, corrections included).
_event = Event.__table__
_LAST_COLUMNS = ("session_id", "id", "at", "received_at", "at_offset_min", "data")
_LAST_SETS = (
    select(*(_event.c[name] for name in _LAST_COLUMNS))
    .where(
        _event.c.user_id == bindparam("user_id"),
        _event.c.exercise == bindparam("exercise"),
        _event.c.type == "set.logged",
    )
    .order_by(_event.c.at.desc())
    .limit(60)
)
LAST_SESSIONS = 2


def last_time(user, exercise_slug: str, side: str | None) -> list[LastTime]:
    """The last sessions in which the runner did this exercise (the latest two, newest
    first), each with its sets of this side as they stand.

    Two, because a step fragment is kept on the phone and reused until new logs change
    its routine's version: if it was made while a session was under way (its first
    sets synced), its latest session is that very session, which the player leaves
    out; the one before is then "last time"."""
    rows = db.session.execute(_LAST_SETS, {"user_id": user.id, "exercise": exercise_slug})
    by_session: dict = {}
    for row in rows:
        if row.session_id not in by_session and len(by_session) == LAST_SESSIONS:
            break
        by_session.setdefault(row.session_id, []).append(row)
    found = []
    for session_id, session_rows in by_session.items():
        sets = [
            logged_set(row)
            for row in current_sets(reversed(session_rows))
            if side is None or row.data.get("side") in (side, None)
        ]
        if sets:
            first = min(session_rows, key=lambda row: row.at)
            found.append(LastTime(session_id, first.at, first.at_offset_min, tuple(sets)))
    stops = _stops_in(user, [last.session_id for last in found], exercise_slug)
    return [replace(last, stops=stops.get(last.session_id, ())) for last in found]


def _stops_in(user, session_ids: list, slug: str) -> dict[uuid.UUID, tuple]:
    """{session id: (reason, pain) of each stop of this exercise}. A stop has no exercise
    column (that is set.logged's), so it is found by its session: (user, session) index."""
    if not session_ids:
        return {}
    query = select(*_SET_COLUMNS, Event.data).where(
        Event.user_id == user.id,
        Event.session_id.in_(session_ids),
        Event.type == "exercise.stopped",
    )
    found: dict = defaultdict(tuple)
    for row in current_stops(db.session.execute(query)):
        if row.data.get("exercise") == slug:
            found[row.session_id] += ((row.data["reason"], row.data.get("pain")),)
    return dict(found)


# When the server last received any of the runner's events: anything drawn from their
# logs before then may be out of date. One look-up on (user_id, received_at); the player
# reads it with the rest a step depends on (runpt/pages/player.py).
LATEST_RECEIVED = select(func.max(_event.c.received_at)).where(
    _event.c.user_id == bindparam("user_id")
)


# --- the progression engine: an exercise's recent sessions and what happened since -----

_SET_COLUMNS = (Event.session_id, Event.id, Event.at, Event.received_at, Event.at_offset_min)


def recent_sessions(user, slug: str, limit: int) -> list[list[LoggedSet]]:
    """The exercise's recent sessions (its last `limit` sets), newest session first, each
    its sets as they stand, oldest first."""
    query = (
        select(*_SET_COLUMNS, Event.data)
        .where(Event.user_id == user.id, Event.exercise == slug)
        .order_by(Event.at.desc())
        .limit(limit)
    )
    by_session: dict = {}
    for row in db.session.execute(query):
        by_session.setdefault(row.session_id, []).append(row)
    return [
        [logged_set(row) for row in current_sets(reversed(rows))] for rows in by_session.values()
    ]


def events_since(user, since: datetime, types: tuple[str, ...], limit: int) -> list[Logged]:
    """The runner's events of these types from `since` on (the latest `limit`), oldest
    first, sets and stops as they stand. One range scan of the (user, at) index."""
    query = (
        select(Event.session_id, Event.id, Event.type, Event.at, Event.received_at, Event.data)
        .where(Event.user_id == user.id, Event.at >= since, Event.type.in_(types))
        .order_by(Event.at.desc())
        .limit(limit)
    )
    rows = list(reversed(db.session.execute(query).all()))
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row.type].append(row)
    standing = {
        id(row)
        for row in (
            *current_sets(by_kind["set.logged"]),
            *current_stops(by_kind["exercise.stopped"]),
        )
    }
    return [
        logged(row)
        for row in rows
        if row.type not in ("set.logged", "exercise.stopped") or id(row) in standing
    ]


# --- history: past sessions, progress, the physio report, the offline set -------------


def notes_of(user, session_ids: list) -> dict[uuid.UUID, list[LoggedSet]]:
    """{session id: its sets that carry a note, as they stand}: the runner's own words,
    for the list of past sessions."""
    if not session_ids:
        return {}
    query = (
        select(*_SET_COLUMNS, Event.data)
        .where(
            Event.user_id == user.id,
            Event.session_id.in_(session_ids),
            Event.type == "set.logged",
        )
        .order_by(Event.at)
    )
    found: dict = defaultdict(list)
    for row in current_sets(db.session.execute(query)):
        if row.data.get("note"):
            found[row.session_id].append(logged_set(row))
    return dict(found)


@dataclass(frozen=True)
class LoggedExercise:
    """An exercise the runner has logged: in how many sessions, and when its first and
    latest sets were (UTC; the first tells whether its progress page has sessions older
    than the last 12 weeks, runpt/history/older.py)."""

    slug: str
    sessions: int
    first: datetime
    last: datetime


def logged_exercises(user) -> list[LoggedExercise]:
    """Every exercise the runner has logged, most recent first."""
    query = (
        select(
            Event.exercise,
            func.count(Event.session_id.distinct()),
            func.min(Event.at),
            func.max(Event.at),
        )
        .where(Event.user_id == user.id, Event.exercise.is_not(None))
        .group_by(Event.exercise)
        .order_by(func.max(Event.at).desc())
    )
    return [LoggedExercise(*row) for row in db.session.execute(query)]


def sets_by_session(user, slug: str) -> list[list[LoggedSet]]:
    """Every session's sets of this exercise as they stand, oldest session first. One pass
    over plain tuples: three years of one exercise is a few thousand sets."""
    query = (
        select(*_SET_COLUMNS, Event.data)
        .where(Event.user_id == user.id, Event.exercise == slug)
        .order_by(Event.at)
    )
    by_session: dict = {}
    for row in db.session.execute(query):
        by_session.setdefault(row.session_id, []).append(row)
    return [[logged_set(row) for row in current_sets(rows)] for rows in by_session.values()]


def sets_since(user, since: datetime) -> dict[str, list[LoggedSet]]:
    """{exercise slug: its sets as they stand since `since`, oldest first}."""
    query = (
        select(*_SET_COLUMNS, Event.data)
        .where(Event.user_id == user.id, Event.exercise.is_not(None), Event.at >= since)
        .order_by(Event.at)
    )
    found: dict[str, list[LoggedSet]] = defaultdict(list)
    for row in current_sets(db.session.execute(query)):
        found[row.data["exercise"]].append(logged_set(row))
    return dict(found)


@dataclass(frozen=True)
class Stopped:
    """A pain stop the player recorded (exercise.stopped)."""

    session_id: uuid.UUID
    at: datetime
    offset_min: int
    exercise: str
    set_no: int
    side: str | None
    reason: str
    pain: int | None
    # What the runner chose on the stop card, from older players ("easier" or "skip");
    # None since the stop is logged at the moment it happens.
    choice: str | None


def stops_since(user, since: datetime) -> list[Stopped]:
    """The runner's pain stops since `since`, as they stand, oldest first."""
    query = (
        select(*_SET_COLUMNS, Event.data)
        .where(Event.user_id == user.id, Event.type == "exercise.stopped", Event.at >= since)
        .order_by(Event.at)
    )
    return [
        Stopped(
            row.session_id,
            row.at,
            row.at_offset_min,
            row.data["exercise"],
            row.data["set"],
            row.data["side"],
            row.data["reason"],
            row.data["pain"],
            row.data.get("choice"),
        )  # fmt: skip
        for row in current_stops(db.session.execute(query))
    ]


def events_as_sent(user) -> list[dict]:
    """Every event as the device sent it (time in the runner's own offset), oldest
    first: the export's raw log, every fact kept."""
    query = (
        select(Event)
        .where(Event.user_id == user.id)
        .order_by(Event.at, Event.received_at, Event.id)
    )
    return [
        {
            "id": str(event.id),
            "type": event.type,
            "at": event.at,
            "offset_min": event.at_offset_min,
            "session": str(event.session_id),
            "data": dict(event.data),
            "received_at": event.received_at,
        }
        for event in db.session.scalars(query)
    ]


def latest_logs(user) -> tuple[dict[str, datetime], datetime | None, datetime | None]:
    """({exercise slug: time of the runner's latest log of it}, time of their latest
    next-morning answer, when the server last received any of their events): what the
    offline set's versions are made from."""
    per_exercise = dict(
        db.session.execute(
            select(Event.exercise, func.max(Event.at))
            .where(Event.user_id == user.id, Event.exercise.is_not(None))
            .group_by(Event.exercise)
        ).all()
    )
    mornings = db.session.scalar(
        select(func.max(Event.at)).where(Event.user_id == user.id, Event.type == "morning.checked")
    )
    received = db.session.scalar(
        select(func.max(Event.received_at)).where(Event.user_id == user.id)
    )
    return per_exercise, mornings, received


# --- capacity tests and runs -------------------------------------------------------------


@dataclass(frozen=True)
class SideTested:
    """One side of a capacity test, as it stands (capacity.tested)."""

    sitting_id: uuid.UUID
    at: datetime
    offset_min: int
    test: str
    side: str
    reps: int | None
    hold_s: int | None
    checklist: dict | None
    pain: int | None
    sex: str | None
    age_band: str | None
    incline: bool | None


def sides_tested(user) -> list[SideTested]:
    """Every capacity test side the runner logged, as they stand (a side tested again in
    the same sitting counts once), oldest first."""
    query = (
        select(*_SET_COLUMNS, Event.data)
        .where(Event.user_id == user.id, Event.type == "capacity.tested")
        .order_by(Event.at)
    )
    return [
        SideTested(
            sitting_id=row.session_id,
            at=row.at,
            offset_min=row.at_offset_min,
            test=row.data["test"],
            side=row.data["side"],
            reps=row.data.get("reps"),
            hold_s=row.data.get("hold_s"),
            checklist=row.data.get("checklist"),
            pain=row.data.get("pain"),
            sex=row.data.get("sex"),
            age_band=row.data.get("age_band"),
            incline=row.data.get("incline"),
        )
        for row in current_tests(db.session.execute(query))
    ]


@dataclass(frozen=True)
class LoggedRun:
    """A run as it stands (its latest run.logged), with its latest next-morning answer."""

    run_id: uuid.UUID
    logged_at: datetime
    start: datetime  # aware, in the runner's own offset then
    duration_s: int
    distance_m: int | None
    effort: int | None
    pain: int | None
    stage: int | None
    source: str
    note: str | None
    morning_feel: str | None = None
    morning_pain: int | None = None
    hop_pain: int | None = None  # the walk-run plan's hop check, logged with the run


def logged_runs(user) -> list[LoggedRun]:
    """Every run the runner logged, as it stands, in the order they were run, each with
    its next-morning answer (the latest, so a mis-tap can be corrected)."""
    query = (
        select(*_SET_COLUMNS, Event.type, Event.data)
        .where(Event.user_id == user.id, Event.type.in_(("run.logged", "morning.checked")))
        .order_by(Event.at, Event.received_at, Event.id)
    )
    rows = db.session.execute(query).all()
    mornings = {row.session_id: row.data for row in rows if row.type == "morning.checked"}
    runs = []
    for row in current_runs(row for row in rows if row.type == "run.logged"):
        data, morning = row.data, mornings.get(row.session_id, {})
        runs.append(
            LoggedRun(
                run_id=row.session_id,
                logged_at=row.at,
                start=datetime.fromisoformat(data["start"]),
                duration_s=data["duration_s"],
                distance_m=data.get("distance_m"),
                effort=data.get("effort"),
                pain=data.get("pain"),
                stage=data.get("stage"),
                source=data.get("source", "hand"),
                note=data.get("note"),
                morning_feel=morning.get("feel"),
                morning_pain=morning.get("pain"),
                hop_pain=data.get("hop_pain"),
            )
        )
    return sorted(runs, key=lambda run: run.start)


LATEST_OFFSET = (
    select(Event.at_offset_min)
    .where(Event.user_id == bindparam("user_id"))
    .order_by(Event.at.desc(), Event.id.desc())
    .limit(1)
)


def latest_offset(user) -> int:
    """The runner's UTC offset in minutes, as their latest log gave it: the server knows
    their clock only from their logs (0, UTC, before any)."""
    return db.session.execute(LATEST_OFFSET, {"user_id": user.id}).scalar() or 0
