"""Session summaries kept in step with the events they come from.

Events are only ever added (or all of a runner's removed with the account), so a
session's number of events says whether its summary is current. Each read counts them
per session from an index and compares the counts in the database, which answers with
just the summaries that differ: no work when nothing changed, one session's worth after
a sync. Two readers rebuilding the
same summary write the same row; an older view written last is corrected on the next
read, because its count is wrong.
"""

import uuid
from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from runpt.extensions import db
from runpt.log.models import Event, SessionSummary
from runpt.log.sessions import strength_exercises, summarise

SUMMARY_FIELDS = (
    "event_count", "routine", "started_at", "offset_min", "finished_at",
    "set_count", "planned_sets", "strength_sets", "highest_pain", "pain_by_exercise", "morning",
)  # fmt: skip


def stale_sessions(user_id: int) -> tuple[list, list]:
    """(sessions whose summary is missing or out of date, summaries with no events).

    The database compares the counts: a read where nothing changed gets two empty
    answers back, instead of every session's count to compare here."""
    counts = (
        select(Event.session_id, func.count().label("events"))
        .where(Event.user_id == user_id)
        .group_by(Event.session_id)
        .subquery()
    )
    summary = (SessionSummary.user_id == user_id) & (
        SessionSummary.session_id == counts.c.session_id
    )
    stale = db.session.scalars(
        select(counts.c.session_id)
        .outerjoin(SessionSummary, summary)
        .where(
            SessionSummary.event_count.is_(None) | (SessionSummary.event_count != counts.c.events)
        )
    ).all()
    has_events = (
        select(Event.id)
        .where(Event.user_id == user_id, Event.session_id == SessionSummary.session_id)
        .exists()
    )
    orphans = db.session.scalars(
        select(SessionSummary.session_id).where(SessionSummary.user_id == user_id, ~has_events)
    ).all()
    return list(stale), list(orphans)


def rebuild(user_id: int, session_ids: list) -> None:
    """Summaries of these sessions made again from their events."""
    columns = (
        Event.session_id, Event.id, Event.type, Event.at, Event.at_offset_min,
        Event.received_at, Event.data,
    )  # fmt: skip
    events = defaultdict(list)
    for chunk in _chunks(sorted(session_ids), 500):
        query = (
            select(*columns)
            .where(Event.user_id == user_id, Event.session_id.in_(chunk))
            .order_by(Event.at, Event.received_at, Event.id)
        )
        for row in db.session.execute(query):
            events[row.session_id].append(row)
    existing = {}
    for chunk in _chunks(sorted(events), 500):
        query = select(SessionSummary).where(
            SessionSummary.user_id == user_id, SessionSummary.session_id.in_(chunk)
        )
        existing.update((summary.session_id, summary) for summary in db.session.scalars(query))
    strength = strength_exercises() if events else frozenset()
    for session_id, rows in events.items():
        fields = summarise(rows, strength)
        summary = existing.get(session_id)
        if summary is None:
            db.session.add(SessionSummary(user_id=user_id, session_id=session_id, **fields))
        else:
            for name in SUMMARY_FIELDS:
                setattr(summary, name, fields[name])


class Summary(NamedTuple):
    """A session summary as pages read it: plain values, no ORM object to track."""

    session_id: uuid.UUID
    event_count: int
    routine: str | None
    started_at: datetime
    offset_min: int
    finished_at: datetime | None
    set_count: int
    planned_sets: int | None
    strength_sets: int
    highest_pain: int | None
    pain_by_exercise: dict
    morning: str | None


def is_a_session_summary():
    """A summary of a session, not of events that make none (a lone morning answer, a
    finish or a stop whose session never arrived): it has a routine (session.started)
    or a set logged (runpt.log.sessions.makes_a_session)."""
    return SessionSummary.routine.is_not(None) | (SessionSummary.set_count > 0)


def current_summaries(user, limit: int | None = None) -> list[Summary]:
    """The runner's sessions, newest first (the latest `limit` of them), each summary
    current: the one read model of sessions that pages use."""
    # Another request may insert the same new summary first; then ours is dropped and
    # the next attempt finds theirs (the same events make the same summary).
    for _attempt in range(3):
        if bring_up_to_date(user.id):
            break
    query = (
        select(SessionSummary.session_id, *(getattr(SessionSummary, f) for f in SUMMARY_FIELDS))
        .where(SessionSummary.user_id == user.id, is_a_session_summary())
        .order_by(SessionSummary.started_at.desc())
        .limit(limit)
    )
    return [Summary._make(row) for row in db.session.execute(query)]


def bring_up_to_date(user_id: int) -> bool:
    """Rebuild what is stale; False if another request's write got in the way."""
    stale, orphans = stale_sessions(user_id)
    if not stale and not orphans:
        return True
    rebuild(user_id, stale)
    if orphans:
        db.session.execute(
            delete(SessionSummary).where(
                SessionSummary.user_id == user_id, SessionSummary.session_id.in_(orphans)
            )
        )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
