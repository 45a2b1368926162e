"""Reading the runner's answers from the first-run and settings forms: each parser
returns the value, or None when the form's value isn't one, and the errors say what to
fix in the runner's words."""

from datetime import datetime

from runpt.library.models import PROBLEMS
from runpt.runner.models import UNITS

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# 2-3 sessions a week with a rest day between (docs/content-rules.md, session shape): what the
# first-run question offers ticked, and what the settings page suggests.
SUGGESTED_DAYS = (1, 3, 5)
MOST_DAYS = 4
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
    """The days ticked (at most 4: 2-3 sessions with rest between is the aim)."""
    days = parse_weekdays(form.getlist("day"))
    if days is None:
        errors["day"] = "Pick days from Monday to Sunday."
    elif len(days) > MOST_DAYS:
        errors["day"] = (
            f"Pick at most {MOST_DAYS} days: 2–3 sessions a week is the aim, with rest between."
        )
    return days


def time_of_day(form, errors: dict) -> str | None:
    value = parse_time_of_day(form.get("time", ""))
    if value is None:
        errors["time"] = "Give a time like 07:30 (24-hour clock)."
    return value


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
