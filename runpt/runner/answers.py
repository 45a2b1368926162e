"""Reading the runner's answers from the first-run and settings forms: each parser
returns the value, or None when the form's value isn't one, and the errors say what to
fix in the runner's words."""

from datetime import datetime

from runpt.library.models import PROBLEMS
from runpt.runner.models import UNITS

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# 2-3 sessions a week with a rest day between (docs/content-rules.md, session shape): what the
# first-run question offers ticked, and what the form suggests. Any number may be ticked:
# the days are the runner's to choose.
SUGGESTED_DAYS = (1, 3, 5)
INJURY_FREE = "injury-free"


def parse_weekdays(values: list[str]) -> list[int] | None:
    """ISO weekday numbers from the days checkboxes; None if any value isn't one."""
    days = set()
    for value in values:
        if value not in {"1", "2", "3", "4", "5", "6", "7"}:
            return None
        days.add(int(value))
    return sorted(days)


def parse_time_of_day(value: str) -> str | None:
    """'HH:MM' on a 24-hour clock, or None."""
    try:
        parsed = datetime.strptime(value.strip(), "%H:%M")
    except ValueError:
        return None
    return parsed.strftime("%H:%M")


def training_days(form, errors: dict) -> list[int] | None:
    """The strength-session days ticked, as many as the runner likes."""
    days = parse_weekdays(form.getlist("day"))
    if days is None:
        errors["day"] = "Pick days from Monday to Sunday."
    return days


def time_of_day(form, errors: dict, default: str | None = None) -> str | None:
    """The time of day typed; `default` when the form has no time field (the first run)."""
    if "time" not in form and default is not None:
        return default
    value = parse_time_of_day(form.get("time", ""))
    if value is None:
        errors["time"] = "Give a time like 07:30 (24-hour clock)."
    return value


def days_shown(settings, form=None) -> dict:
    """What the training-days form shows: what was just sent when it was refused (so
    nothing ticked is lost), else the runner's days, or for a first answer the suggested
    ones."""
    if form is not None:
        days = {int(day) for day in form.getlist("day") if day.isdigit()}
        return {"days": days, "time": form.get("time", settings.time_of_day)}
    days = set(settings.days)
    if settings.answered_at is None and not days:
        days = set(SUGGESTED_DAYS)
    return {"days": days, "time": settings.time_of_day}


def aims(form, errors: dict, required: bool = True) -> tuple[bool, list[str]] | None:
    """(stay injury-free?, running problems) from the "what do you want" checkboxes:
    more than one problem may be ticked. The first-run question needs an answer; the
    settings page takes none (home then suggests Runner's essentials)."""
    ticked = form.getlist("aim")
    known = {INJURY_FREE, *PROBLEMS}
    if any(value not in known for value in ticked):
        errors["aim"] = "Pick from the list: staying injury-free, or the problems you have."
        return None
    if not ticked and required:
        errors["aim"] = "Pick at least one: staying injury-free, or a problem you have."
        return None
    return INJURY_FREE in ticked, [problem for problem in PROBLEMS if problem in ticked]


def unit(form, errors: dict) -> str | None:
    value = form.get("unit", "")
    if value not in UNITS:
        errors["unit"] = "Pick kilograms or pounds."
        return None
    return value


def voice(form) -> bool:
    """A checkbox: ticked is on, absent is off."""
    return form.get("voice") == "on"
