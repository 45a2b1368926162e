"""The reminders' tables: a runner's choices, their phones' push subscriptions, and the
claims of reminders sent (one row per runner, kind and local day)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, delete
from sqlalchemy.orm import Mapped, mapped_column

from runpt.extensions import db
from runpt.timestamps import UTCDateTime

# The reminders a runner can choose, in the order Settings shows them.
KINDS = {
    "training": "On your training days, at your time",
    "morning": "The morning after a session or a run: how does it feel?",
    "waiting": "Logs waiting on this phone to be sent for more than 3 days",
    "retest": "When a capacity retest is due",
}
DEFAULT_KINDS = ["training", "morning", "waiting", "retest"]
DEFAULT_QUIET = ("21:00", "07:00")


class ReminderSettings(db.Model):
    """What the runner chose: the kinds, their quiet hours, and the time zone the
    hours are read in (the phone's own IANA zone, sent when they turn reminders on or
    save, so a runner who flies keeps reminders at their own hour)."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    quiet_from: Mapped[str] = mapped_column(String(5), default=DEFAULT_QUIET[0])
    quiet_until: Mapped[str] = mapped_column(String(5), default=DEFAULT_QUIET[1])


class PushSubscription(db.Model):
    """One phone (browser) that said yes: where its push service takes messages for it
    and the keys its messages are encrypted to. Removed when the push service answers
    404 or 410 (the phone unsubscribed or the subscription expired)."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    # The address runpt was opened at when the phone subscribed: a reminder's link
    # (`navigate`) must be a whole URL, and the sending command has no request to ask.
    origin: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The oldest log waiting in this phone's outbox when it last said (None: none
    # waiting). The server can't see the outbox; the page reports it (docs/reminders.md).
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def as_webpush(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class SentReminder(db.Model):
    """A reminder claimed for sending: the unique key (runner, kind, local day) is the
    claim. Whoever inserts the row sends it; a second sender's insert fails and it
    moves on. So a reminder goes out once even with two machines sending at once."""

    __tablename__ = "sent_reminder"
    __table_args__ = (UniqueConstraint("user_id", "kind", "day", name="uq_sent_reminder_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # The runner's local day it is for, ISO ("2026-12-07").
    day: Mapped[str] = mapped_column(String(10))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)


def forget_runner(user_id: int) -> None:
    """A runner's reminders, phones and claims, gone (the caller commits)."""
    for table in (SentReminder, PushSubscription, ReminderSettings):
        db.session.execute(delete(table).where(table.user_id == user_id))
