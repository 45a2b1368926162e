"""Counting training weeks the way a runner does: in their own time zone, Monday to
Sunday, against the article's 2-3 sessions a week (docs/content-rules.md, rule 9: a visible weekly
target helps adherence)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from runpt.timestamps import monday_of, runner_today, utcnow

WEEKLY_TARGET = (2, 3)
ICS_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def today_from_sessions(summaries, now: datetime | None = None) -> date:
    """Today where the runner is: the server knows their clock only from their logs, so
    the latest session's UTC offset stands for it (UTC before any session)."""
    return runner_today(summaries[0].offset_min if summaries else 0, now)


@dataclass(frozen=True)
class Week:
    monday: date
    days: tuple[date, ...]  # Monday..Sunday
    session_days: frozenset[date]
    count: int

    @property
    def met(self) -> bool:
        return self.count >= WEEKLY_TARGET[0]


def weeks(session_days: list[date], today: date, how_many: int) -> list[Week]:
    """The last `how_many` weeks, this week first, with the sessions in each."""
    counts: dict[date, int] = {}
    for day in session_days:
        counts[day] = counts.get(day, 0) + 1
    this_monday = monday_of(today)
    result = []
    for back in range(how_many):
        monday = this_monday - timedelta(weeks=back)
        days = tuple(monday + timedelta(days=n) for n in range(7))
        result.append(
            Week(
                monday,
                days,
                frozenset(d for d in days if d in counts),
                sum(counts.get(d, 0) for d in days),
            )
        )
    return result


def streak(session_days: list[date], today: date) -> int:
    """Weeks in a row that met the target, up to last week, plus this week once it has
    met it too (a week still under way doesn't break a streak)."""
    per_week: dict[date, int] = {}
    for day in session_days:
        per_week[monday_of(day)] = per_week.get(monday_of(day), 0) + 1
    this_monday = monday_of(today)
    count = 1 if per_week.get(this_monday, 0) >= WEEKLY_TARGET[0] else 0
    monday = this_monday - timedelta(weeks=1)
    while per_week.get(monday, 0) >= WEEKLY_TARGET[0]:
        count += 1
        monday -= timedelta(weeks=1)
    return count


def next_session_day(
    training_days: list[int], session_days: list[date], today: date
) -> date | None:
    """The next planned training day from today on; today counts only while no session
    has been done today."""
    if not training_days:
        return None
    trained_today = today in set(session_days)
    for ahead in range(0 if not trained_today else 1, 8):
        day = today + timedelta(days=ahead)
        if day.isoweekday() in training_days:
            return day
    return None


def training_calendar(
    training_days: list[int], time_of_day: str, uid: str, today: date, now=None
) -> str:
    """An iCalendar file with one weekly repeating event on the planned days, at the
    runner's own local time (floating time: the phone's calendar keeps it at 07:00
    wherever they travel), with a reminder at the start. No push service needed."""
    now = now or utcnow()
    first = next_session_day(training_days, [], today) or today
    hour, minute = time_of_day.split(":")
    start = f"{first:%Y%m%d}T{hour}{minute}00"
    by_day = ",".join(ICS_DAYS[day - 1] for day in training_days)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//runpt//training plan//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART:{start}",
        "DURATION:PT30M",
        f"RRULE:FREQ=WEEKLY;BYDAY={by_day}",
        "SUMMARY:runpt: strength and mobility session",
        "DESCRIPTION:20-30 minutes of runpt. Open the app from your home screen.",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:Time for your runpt session",
        "TRIGGER:PT0M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    # RFC 5545: lines end in CRLF.
    return "\r\n".join(lines) + "\r\n"
