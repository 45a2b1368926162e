"""A runner's settings: one row per runner, made when they first answer (or save any
setting); until then `settings_of` gives the defaults, unsaved."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, bindparam, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from runpt.extensions import db
from runpt.library.models import PROBLEMS
from runpt.timestamps import UTCDateTime

UNITS = {"kg": "Kilograms (kg)", "lb": "Pounds (lb)"}
DEFAULT_UNIT = "kg"
DEFAULT_TIME = "07:00"


class RunnerSettings(db.Model):
    """What the runner told runpt about themselves. It was the training plan (days and
    time) before the first-run questions, units and voice joined it: one table, so a
    setting never has two homes."""

    __tablename__ = "runner_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    # ISO weekdays, 1 = Monday ... 7 = Sunday, e.g. "1,3,5".
    weekdays: Mapped[str] = mapped_column(String(20), default="")
    # Local time of day, "HH:MM", for the calendar file.
    time_of_day: Mapped[str] = mapped_column(String(5), default=DEFAULT_TIME)
    # The running problems the runner has (library.PROBLEMS slugs), in PROBLEMS order;
    # and whether they (also) train to stay injury-free.
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    injury_free: Mapped[bool] = mapped_column(default=False)
    # Loads are stored in kg always; this is only how they are shown and typed.
    unit: Mapped[str] = mapped_column(String(2), default=DEFAULT_UNIT)
    voice: Mapped[bool] = mapped_column(default=True)
    # When the runner answered the first-run questions (None: not yet).
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def days(self) -> list[int]:
        return [int(day) for day in self.weekdays.split(",") if day]

    def fingerprint(self) -> str:
        """Everything pages show of these settings, as one text: the offline set's
        versions include it, so a changed unit or voice refetches the pages showing it."""
        problems = ",".join(self.problems or [])
        return (
            f"{self.weekdays}@{self.time_of_day}|{problems}|{self.injury_free}|{self.unit}|"
            f"{self.voice}|{self.answered_at is not None}"
        )

    @property
    def own_problems(self) -> list[str]:
        """The runner's problems that the library still knows, in its order."""
        return [problem for problem in PROBLEMS if problem in (self.problems or [])]


def settings_of(user) -> RunnerSettings:
    """The runner's settings; the defaults (not yet saved) when they have none."""
    found = db.session.get(RunnerSettings, user.id)
    if found is not None:
        return found
    return RunnerSettings(
        user_id=user.id, weekdays="", time_of_day=DEFAULT_TIME, problems=[],
        injury_free=False, unit=DEFAULT_UNIT, voice=True, answered_at=None,
    )  # fmt: skip


UNIT_OF = select(RunnerSettings.unit).where(RunnerSettings.user_id == bindparam("user_id"))


def unit_of(user) -> str:
    """The runner's unit for loads, in one small read (every step fragment asks)."""
    found = db.session.execute(UNIT_OF, {"user_id": user.id}).scalar()
    return found or DEFAULT_UNIT


def set_training_days(settings: RunnerSettings, days: list[int], time_of_day: str) -> None:
    """The days of the runner's strength sessions (ISO weekdays, any number of them) and
    their time: the one place they are written, by the first run, Settings and History's
    training days alike (the caller saves)."""
    settings.weekdays = ",".join(str(day) for day in sorted(set(days)))
    settings.time_of_day = time_of_day


def save_settings(settings: RunnerSettings) -> None:
    db.session.add(settings)
    db.session.commit()


def forget_runner(user_id: int) -> None:
    """A runner's settings, gone: their account is being deleted (the caller commits)."""
    db.session.execute(delete(RunnerSettings).where(RunnerSettings.user_id == user_id))
