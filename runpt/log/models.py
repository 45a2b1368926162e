"""Logs are events: immutable facts made on the runner's device, stored once each; and
a summary per session, a cache of its events (runpt/log/summaries.py)."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from runpt.extensions import db
from runpt.timestamps import UTCDateTime, utcnow


class Event(db.Model):
    # The primary key is the id the device made: the database itself refuses a second
    # copy, so two processes racing on one event can't both store it.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    # When it happened on the device (UTC) and the device's UTC offset then, so days
    # and weeks can be counted in the runner's own time.
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    at_offset_min: Mapped[int]
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    data: Mapped[dict] = mapped_column(JSON)
    # Copied out of `data` for set.logged so "last time" and progress are index look-ups.
    exercise: Mapped[str | None] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_event_user_session", "user_id", "session_id"),
        Index("ix_event_user_received", "user_id", "received_at"),
        Index("ix_event_user_exercise_at", "user_id", "exercise", "at"),
        # Every event since a time: what the progression engine reads around a session.
        Index("ix_event_user_at", "user_id", "at"),
    )

    def __repr__(self) -> str:
        return f"<Event {self.type} {self.id}>"


class SessionSummary(db.Model):
    """One session as history shows it. Events stay the truth: a summary is only a
    cache of them, checked against the session's event count on every read (events are
    never changed or removed one by one, so a changed count is the only way to go
    stale), so three years of sessions read as a few hundred rows, not 15,000 events."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    event_count: Mapped[int]
    # A built-in routine's slug or an own routine's id, as session.started named it.
    routine: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    offset_min: Mapped[int]
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    set_count: Mapped[int]
    # The strength steps the routine had when started (session.started's planned_sets;
    # None from older clients) and the strength sets logged: whether the session counts
    # toward the weekly target (runpt.history.counting).
    planned_sets: Mapped[int | None]
    strength_sets: Mapped[int] = mapped_column(default=0)
    highest_pain: Mapped[int | None]
    # {exercise slug: highest pain during it}, for pain per running problem.
    pain_by_exercise: Mapped[dict] = mapped_column(JSON)
    # The next-morning answer: better, same or worse (None: not answered).
    morning: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (Index("ix_session_summary_user_started", "user_id", "started_at"),)
