"""The runner's training plan: the days they mean to train, and when."""

from sqlalchemy import ForeignKey, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from runpt.extensions import db


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


def forget_runner(user_id: int) -> None:
    """A runner's training plan, gone: their account is being deleted (the caller
    commits)."""
    db.session.execute(delete(TrainingPlan).where(TrainingPlan.user_id == user_id))
