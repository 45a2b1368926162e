"""Logs are events: immutable facts made on the runner's device, stored once each."""

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
