"""What history reads: a summary per session (derived from events, rebuilt whenever the
session's events change) and the runner's training plan."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from runpt.extensions import db
from runpt.timestamps import UTCDateTime


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


class TrainingPlan(db.Model):
    """The days a runner means to train, and when; the home page and the .ics use it."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    # ISO weekdays, 1 = Monday ... 7 = Sunday, e.g. "1,3,5".
    weekdays: Mapped[str] = mapped_column(String(20), default="")
    # Local time of day, "HH:MM", for the calendar file.
    time_of_day: Mapped[str] = mapped_column(String(5), default="07:00")

    @property
    def days(self) -> list[int]:
        return [int(day) for day in self.weekdays.split(",") if day]
