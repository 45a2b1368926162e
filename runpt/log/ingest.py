"""Storing a batch of events exactly once.

The database decides what is new: every valid event goes into one INSERT ... ON
CONFLICT DO NOTHING RETURNING id, and the ids it reports back are the accepted ones. No
read-then-write check, so two requests (or two server processes) carrying the same
event can't both store it, and a retry after a lost answer is harmless.
"""

from datetime import datetime
from functools import cache
from typing import NamedTuple

import orjson
import psycopg
from sqlalchemy import delete, select

from runpt.auth.accounts import HOLD_RUNNER, hold_runner
from runpt.auth.signins import HOLD_RUNNER_OF_SIGN_IN, hold_sign_in
from runpt.config import stored_json
from runpt.extensions import db
from runpt.library.models import Exercise
from runpt.log.models import Event, SessionSummary
from runpt.log.validation import ADDED_LATER, Invalid, ValidEvent, event_id_of, validate
from runpt.timestamps import utcnow

MAX_BATCH = 500
ID_TAKEN = "id: already used; make a new UUID for each event"
ID_REUSED = "id: already used for a different event; make a new UUID for each event"


class Result(NamedTuple):
    """One event's answer (a named tuple: a batch makes hundreds)."""

    id: str | None
    status: str  # accepted | duplicate | rejected
    error: str | None = None

    def as_json(self) -> dict:
        answer = {"id": self.id, "status": self.status}
        if self.error:
            answer["error"] = self.error
        return answer


# The library's exercise slugs, read once per process: events name them, and the library
# changes only when it is loaded at a start. A slug not in it is looked up again before
# an event is refused, so a library loaded since is never missed.
_exercise_slugs: frozenset[str] = frozenset()


def known_exercise_slugs() -> "KnownExercises":
    return KnownExercises()


class KnownExercises:
    """`slug in known`, from the process's copy of the library's slugs, looking again
    at the table before saying no."""

    def __contains__(self, slug) -> bool:
        global _exercise_slugs
        if slug in _exercise_slugs:
            return True
        _exercise_slugs = frozenset(db.session.scalars(select(Exercise.slug)))
        return slug in _exercise_slugs

    def read_for(self, raw_events: list) -> frozenset[str]:
        """The slugs, read again first if the batch names one this process hasn't seen
        (once, where `in` reads at each unknown slug it is asked about: the same
        answers), so checking the batch against them then reads no table."""
        global _exercise_slugs
        named = set()
        for raw in raw_events:
            data = raw.get("data") if isinstance(raw, dict) else None
            if isinstance(data, dict) and isinstance(data.get("exercise"), str):
                named.add(data["exercise"])
        if not named <= _exercise_slugs:
            _exercise_slugs = frozenset(db.session.scalars(select(Exercise.slug)))
        return _exercise_slugs


COLUMNS = (
    "id", "user_id", "type", "at", "at_offset_min", "session_id", "data", "exercise",
    "received_at",
)  # fmt: skip


def store_new(user_id: int, sign_in_id: int | None, events: list[ValidEvent], now: datetime) -> set:
    """Confirm the runner is still signed in (`confirm_runner`), then insert the events
    whose ids are new; return the set of ids that were inserted. SignedOut, and nothing
    stored, when the sign-in or the runner is gone.

    One statement for the batch: INSERT ... ON CONFLICT (id) DO NOTHING RETURNING id, so
    the database decides what is new. Rows go in id order: two requests carrying the
    same events in different orders would otherwise each wait for a row lock the other
    holds (a PostgreSQL deadlock). The statement is written for each database rather
    than built by SQLAlchemy per row, which was most of what ingest cost
    (docs/performance.md)."""
    # By the id's number: the same order as by id, compared in C rather than by
    # uuid.UUID's own Python methods (a visible part of a batch's cost).
    events = sorted(events, key=lambda e: e.id.int)
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return held_and_inserted(connection, user_id, sign_in_id, now, [events])
    confirm_runner(user_id, sign_in_id, now)
    return insert_with_values(connection, user_id, now, events) if events else set()


def held_and_inserted(
    connection, user_id: int, sign_in_id: int | None, now: datetime, parts
) -> set:
    """PostgreSQL: the runner held (`hold_sign_in`'s statement, or `hold_runner`'s
    without a sign-in) and the batch inserted in one round trip, a psycopg pipeline: the
    hold goes first on the same connection, so the inserts run only after it has the
    runner's row, and when it found no sign-in the transaction is rolled back and
    nothing of the batch stays. Two round trips were ~1.3 ms of a batch's ~24.

    `parts`: the batch's events to insert, one INSERT each, in id order within and
    between them (each part's ids above the last's). Each INSERT is on its way to
    PostgreSQL as soon as its part is made, so a lazy `parts` (`ingest`'s checking of
    the next events) runs in Python while PostgreSQL inserts the part before."""
    hold = HOLD_RUNNER_OF_SIGN_IN if sign_in_id is not None else HOLD_RUNNER
    statement, arguments = hold.sql_and_arguments(
        connection.engine, held_sign_in=sign_in_id, held_runner=user_id, held_until=now
    )
    driver = connection.connection.driver_connection
    inserting = []
    try:
        with driver.pipeline():
            holding = driver.cursor()
            holding.execute(statement.sql, arguments)
            for events in parts:
                if events:
                    inserting.append(driver.cursor())
                    inserting[-1].execute(_UNNEST_INSERT, array_arguments(user_id, now, events))
    except psycopg.errors.ForeignKeyViolation:
        # The runner's deletion committed before the hold: no runner row to insert under.
        held = False
    else:
        held = holding.fetchone() is not None
    if not held:
        db.session.rollback()
        raise SignedOut
    return {row[0] for cursor in inserting for row in cursor.fetchall()}


def array_arguments(user_id: int, now: datetime, events: list[ValidEvent]) -> tuple:
    """The batch as one array per column, each written as PostgreSQL's text form of an
    array by orjson in one call: a JSON array of UUIDs, times (RFC 3339, in UTC),
    numbers, plain strings and nulls is that text form once its brackets are braces,
    and a JSON string escapes `"` and `\\` as an array's element does. The driver's
    own binary arrays dumped each element in Python, ~1.9 ms a batch (before that, its
    text arrays escaped each event's JSON with a regular expression, ~17 µs an event).
    The runner and the time received are one value each, not an array of 500 copies."""
    ids, kinds, times, offsets, sessions, data = zip(*events, strict=True)
    # Each event's JSON as stored (`stored_json`); as strings of a JSON array, their
    # quotes and backslashes are escaped as an array literal's are. They hold no control
    # character unescaped (JSON's own rule), the one thing the two escape differently.
    texts = [stored_json(one) for one in data]
    return (
        user_id, now, array_literal(ids), plain_text_array([*kinds]), array_literal(times),
        array_literal(offsets), array_literal(sessions), array_literal(texts),
        plain_text_array([event.exercise for event in events]),
    )  # fmt: skip


def array_literal(values) -> str:
    """PostgreSQL's text form of an array of these values: orjson's JSON array, `[...]`
    as `{...}`. UUIDs and times are written quoted, None as NULL."""
    return "{" + orjson.dumps(values)[1:-1].decode() + "}"


def plain_text_array(values: list) -> str:
    """`array_literal` for short strings (event types, exercise slugs), which orjson
    writes as an array literal wants unless one holds a backslash escape of JSON's own
    (a control character: `\\n`, `\\u0001`): those are escaped here instead."""
    literal = array_literal(values)
    if "\\" not in literal:
        return literal
    return "{" + ",".join("NULL" if v is None else _quoted_element(v) for v in values) + "}"


def _quoted_element(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_UNNEST_INSERT = (
    f"INSERT INTO event ({', '.join(COLUMNS)}) "
    "SELECT e.id, %s, e.type, e.at, e.at_offset_min, e.session_id, e.data, e.exercise, "
    "%s::timestamptz FROM unnest(%s::uuid[], %s::varchar[], %s::timestamptz[], "
    "%s::int[], %s::uuid[], %s::json[], %s::varchar[]) "
    "AS e(id, type, at, at_offset_min, session_id, data, exercise) "
    "ON CONFLICT (id) DO NOTHING RETURNING id"
)


def insert_with_values(connection, user_id: int, now: datetime, events: list[ValidEvent]) -> set:
    """SQLite: one multi-row VALUES statement, each value converted by its column's own
    type (the same conversion SQLAlchemy does, looked up once); plain text and numbers
    as they are, and an event's time by `sqlite_time`. The runner and the time received
    are the same for every row: converted once per batch, not per row."""
    convert = _converters(connection.dialect)
    to_id, to_session, to_json = convert["id"], convert["session_id"], convert["data"]
    user, received = convert["user_id"](user_id), convert["received_at"](now)
    values = []
    for event in events:
        values += (
            to_id(event.id), user, event.type, sqlite_time(event.at), event.at_offset_min,
            to_session(event.session), to_json(event.data), event.exercise, received,
        )  # fmt: skip
    answer = connection.exec_driver_sql(_values_insert(len(events)), tuple(values))
    # The ids come back as stored; each row's stored id is its first value.
    ids = {values[n * len(COLUMNS)]: event.id for n, event in enumerate(events)}
    return {ids[stored_id] for (stored_id,) in answer}


def sqlite_time(moment: datetime) -> str:
    """An event's time (aware, in UTC: `validation.parse_time`) as SQLAlchemy writes a
    time on SQLite, "2026-11-27 06:30:00.000000", in one call rather than its converter's
    three steps (~0.7 µs instead of ~2.4 µs an event). tests/test_sync_ingest.py holds
    it to SQLAlchemy's own conversion."""
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


@cache
def _values_insert(count: int) -> str:
    one = "(" + ", ".join("?" * len(COLUMNS)) + ")"
    return (
        f"INSERT INTO event ({', '.join(COLUMNS)}) VALUES {', '.join([one] * count)} "
        "ON CONFLICT (id) DO NOTHING RETURNING id"
    )


@cache
def _converters(dialect) -> dict:
    # The dialect's own form of each type: a UTC time goes in as SQLAlchemy writes it
    # on SQLite ("2026-11-27 07:30:00.000000"), never by the driver's default adapter,
    # which drops zero microseconds, so the same instant always compares equal.
    table = Event.__table__
    processors = {
        name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in COLUMNS
    }
    return {name: processor or _as_is for name, processor in processors.items()}


def _as_is(value):
    return value


def stored_versions(ids: list) -> dict:
    """The stored events with these ids, whoever's: their owner and what they say. One
    read, for the ids a batch did not insert (retries, mostly)."""
    if not ids:
        return {}
    columns = (
        Event.id, Event.user_id, Event.type, Event.at, Event.at_offset_min, Event.session_id,
        Event.data,
    )  # fmt: skip
    return {row.id: row for row in db.session.execute(select(*columns).where(Event.id.in_(ids)))}


def is_same_event(stored, sent: ValidEvent) -> bool:
    """A re-sent event says exactly what the stored one says (type, time and its offset,
    session, data), read the same way: a retry, not new content under an old id."""
    data = {**ADDED_LATER.get(stored.type, {}), **stored.data}
    return (stored.type, stored.at, stored.at_offset_min, stored.session_id, data) == (
        sent.type, sent.at, sent.at_offset_min, sent.session, sent.data,
    )  # fmt: skip


class SignedOut(Exception):
    """The sync's sign-in (or its runner) ended before its events could be stored: the
    account was deleted or signed out meanwhile. Nothing of the batch is stored."""


def confirm_runner(user_id: int, sign_in_id: int | None, now: datetime) -> None:
    """In the transaction that stores the batch, before it stores anything: the runner
    is still signed in (or, with no sign-in, from a script, still exists), held so that
    a deletion can't commit between this answer and the insert (runpt/auth)."""
    if sign_in_id is None:
        still_there = hold_runner(user_id)
    else:
        still_there = hold_sign_in(sign_in_id, user_id, now)
    if not still_there:
        db.session.rollback()
        raise SignedOut


def ingest(
    user_id: int, raw_events: list, now: datetime | None = None, sign_in_id: int | None = None
) -> list[Result]:
    """One result per event, in request order. Commits what it stores.

    `sign_in_id` is the sign-in the batch came with: confirmed in the same transaction as
    the insert, so a batch racing its runner's deletion stores nothing and raises
    SignedOut (a 401), instead of leaving rows under a deleted id or failing on the key."""
    now = now or utcnow()
    exercises = known_exercise_slugs()
    checked: list[ValidEvent | Result] = []
    # The first copy of an id in the batch is the one stored; later copies are duplicates.
    # Ids are told apart by their number: hashing a uuid.UUID runs Python code, and a
    # batch hashes each id several times.
    first_copies: dict[int, ValidEvent] = {}

    def first_copies_checked(raw_part: list, library) -> list[ValidEvent]:
        """These events checked (into `checked`); the valid ones whose ids the batch
        has not had before."""
        new = []
        for raw in raw_part:
            try:
                item = validate(raw, library, now)
            except Invalid as problem:
                checked.append(Result(event_id_of(raw), "rejected", str(problem)))
                continue
            checked.append(item)
            if first_copies.setdefault(item.id.int, item) is item:
                new.append(item)
        return new

    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and ids_ascend(raw_events):
        # Sent as the phone makes them (time-ordered ids, oldest first): each part is
        # inserted while the next is checked (`held_and_inserted`). The library is read
        # before, if the batch names a slug this process hasn't seen: a read in the
        # middle would wait for the inserts sent before it.
        library = exercises.read_for(raw_events)
        parts = (
            first_copies_checked(raw_events[start:end], library)
            for start, end in part_edges(len(raw_events))
        )
        inserted = held_and_inserted(connection, user_id, sign_in_id, now, parts)
    else:
        new = first_copies_checked(raw_events, exercises)
        inserted = store_new(user_id, sign_in_id, new, now)
    inserted = {i.int for i in inserted}
    left = [item.id for key, item in first_copies.items() if key not in inserted]
    stored = {i.int: row for i, row in stored_versions(left).items()}
    db.session.commit()

    results, seen = [], set()
    for raw, item in zip(raw_events, checked, strict=True):
        if isinstance(item, Result):
            results.append(item)
            continue
        key = item.id.int
        if key in inserted and key not in seen:
            # The copy this batch stored, named by its id as sent (only the canonical
            # spelling is valid): writing it out from the UUID, in a call, was ~0.8 µs
            # an event.
            results.append(Result(raw["id"], "accepted"))
        else:
            results.append(result_for(item, user_id, stored.get(key), first_copies[key], False))
        seen.add(key)
    return results


# The first part of a batch whose parts overlap (`ingest`): ~0.7 ms of checking before
# PostgreSQL has anything to do.
PART = 100


def part_edges(count: int):
    """(start, end) of each part of a batch of `count`: PART, then each twice the last.
    PostgreSQL inserts an event in about twice the time Python checks one, so a part
    twice the last is checked while the last is inserted; fewer, larger parts then
    spare each INSERT's own cost (a batch of 500: 100, 200, 200)."""
    start, size = 0, PART
    while start < count:
        yield start, min(start + size, count)
        start, size = start + size, 2 * size


def ids_ascend(raw_events: list) -> bool:
    """Whether the batch's ids, as sent, never go down: then its parts, in the order
    sent, are in id order, within and between them (`store_new` on why that order). A
    valid id is written one way only (lower-case 8-4-4-4-12), in which text order is the
    order of the id's number; events without a text id are refused and insert nothing."""
    ids = [
        raw["id"] for raw in raw_events if isinstance(raw, dict) and isinstance(raw.get("id"), str)
    ]
    return ids == sorted(ids)


def result_for(item: ValidEvent, user_id: int, stored, first: ValidEvent, new: bool) -> Result:
    """The answer for one valid event. `stored` is the row that was there before this
    batch (None when the batch inserted the id), `first` the batch's first copy of the
    id, `new` whether this copy is the one the batch inserted."""
    text_id = str(item.id)  # the id as sent: only the canonical spelling is valid
    if stored is not None and stored.user_id != user_id:
        # Stored for another runner: refuse without saying anything about it.
        return Result(text_id, "rejected", ID_TAKEN)
    if new:
        return Result(text_id, "accepted")
    same = is_same_event(stored, item) if stored is not None else item == first
    if not same:
        # New content under an old id would be dropped without a word: say so instead.
        return Result(text_id, "rejected", ID_REUSED)
    return Result(text_id, "duplicate")


def forget_runner(user_id: int) -> None:
    """Everything the log holds of a runner, gone: their account is being deleted (the
    caller commits). Events are never removed one by one; only all of a runner's."""
    db.session.execute(delete(Event).where(Event.user_id == user_id))
    db.session.execute(delete(SessionSummary).where(SessionSummary.user_id == user_id))
