"""Weeks as a runner counts them: this week's sessions against 2-3, the streak of weeks
that met it, the next training day, and the calendar file for the phone."""

from datetime import UTC, date, datetime

import pytest

from runpt.history.weeks import next_session_day, streak, training_calendar, weeks
from runpt.runner.answers import parse_time_of_day, parse_weekdays

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)

WED = date(2026, 11, 25)  # a Wednesday
MON = date(2026, 11, 23)


def days(*offsets: int) -> list[date]:
    """Days relative to Monday 23 Nov 2026 (negative: earlier weeks)."""
    return [date.fromordinal(MON.toordinal() + n) for n in offsets]


@pytest.mark.parametrize(
    ("sessions", "expected"),
    [
        ([], 0),
        (days(0), 0),  # this week under way with one: no streak yet, none broken
        (days(0, 2), 1),  # this week already met
        (days(-7, -5), 1),  # last week met, this week still open
        (days(-7, -5, -14, -12, -21), 2),  # three weeks back had only one
        (days(-7, -5, -14, -12, -21, -19, 0, 1), 4),
        (days(-14, -12), 0),  # last week missed: the streak is broken
        (days(-7, -7), 1),  # two sessions on one day count as two
    ],
    ids=["none", "one-this-week", "this-week-met", "last-week-met", "broken-3-weeks-back",
         "four-weeks", "missed-last-week", "two-in-one-day"],
)  # fmt: skip
def test_streak_counts_weeks_in_a_row_that_met_two(sessions, expected):
    assert streak(sessions, WED) == expected


def test_weeks_count_sessions_monday_to_sunday_newest_first():
    calendar = weeks(days(-1, 0, 6, 7), date(2026, 11, 29), 2)
    assert [w.monday for w in calendar] == [MON, date(2026, 11, 16)]
    assert [w.count for w in calendar] == [2, 1]  # Sunday 29th is this week; 30th isn't
    assert calendar[0].met and not calendar[1].met


@pytest.mark.parametrize(
    ("plan", "trained", "today", "expected"),
    [
        ([1, 3, 5], [], WED, WED),  # a planned day, not trained yet: today
        ([1, 3, 5], [WED], WED, date(2026, 11, 27)),  # trained today: Friday
        ([1], [], WED, date(2026, 11, 30)),  # next Monday
        ([3], [WED], WED, date(2026, 12, 2)),  # a week later
        ([], [], WED, None),
    ],
    ids=["today", "after-training-today", "next-week", "a-week-later", "no-plan"],
)
def test_next_session_is_the_next_planned_day(plan, trained, today, expected):
    assert next_session_day(plan, trained, today) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["1", "3"], [1, 3]), (["3", "1", "3"], [1, 3]), ([], []), (["0"], None), (["8"], None),
     (["mon"], None), ([" 1"], None)],
)  # fmt: skip
def test_weekdays_from_the_form(values, expected):
    assert parse_weekdays(values) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("07:30", "07:30"), ("7:05", "07:05"), ("24:00", None), ("12:60", None), ("", None),
     ("noon", None)],
)  # fmt: skip
def test_time_of_day_from_the_form(value, expected):
    assert parse_time_of_day(value) == expected


def test_the_calendar_file_repeats_weekly_on_the_planned_days_at_local_time():
    body = training_calendar([1, 3, 5], "06:45", "runpt-plan-1@example.com", WED,
                         now=datetime(2026, 11, 25, 8, 0, tzinfo=UTC))  # fmt: skip
    lines = body.split("\r\n")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
    # Floating local time (no Z, no TZID): the phone keeps it at 06:45 where it is.
    assert "DTSTART:20261125T064500" in lines
    assert "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR" in lines
    assert "UID:runpt-plan-1@example.com" in lines
    assert "DTSTAMP:20261125T080000Z" in lines
    assert "BEGIN:VALARM" in lines and "TRIGGER:PT0M" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
