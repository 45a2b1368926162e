"""The one next-morning question (runpt/history/morning.py): strength sessions and runs
asked about together, on home at #morning, on the runner's morning after by their own
clock, and that day only, never days late. The server's clock is pinned
(runpt.timestamps.utcnow), so these pass at any hour they run."""

import html
from datetime import datetime, timedelta, timezone

import pytest

from tests.events import event, new_session, ran
from tests.test_history import a_session, sync, text

# The runners train on Monday 9 November 2026, 18:00 on their own clock.


def monday_evening(hours_east: int) -> datetime:
    zone = timezone(timedelta(hours=hours_east))
    return datetime(2026, 11, 9, 18, 0, tzinfo=zone)


def pin(clock, local_moment: datetime):
    clock.set(local_moment)


def asked(client) -> str | None:
    """What home's morning question asks about when shown, or None when hidden."""
    page = text(client.get("/"))
    start = page.index('id="morning"')
    card = page[page.rindex("<section", 0, start) : page.index("</section>", start)]
    if " hidden " in card.split(">")[0] + " ":
        return None
    return html.unescape(card.split("data-morning-when>")[1].split("<")[0])


@pytest.mark.parametrize("hours_east", [13, -10], ids=["utc+13", "utc-10"])
def test_a_session_is_asked_about_on_the_runners_morning_after_and_that_day_only(
    signed_in, clock, hours_east
):
    evening = monday_evening(hours_east)
    pin(clock, evening + timedelta(hours=1))
    sync(signed_in, a_session(evening, {"reps": 10}))
    assert asked(signed_in) is None  # the same evening: nothing to ask yet
    pin(clock, evening + timedelta(hours=14))  # 08:00 the next day, their clock
    assert asked(signed_in) == "yesterday's session"
    pin(clock, evening + timedelta(days=2, hours=14))  # two days on: too late to ask
    assert asked(signed_in) is None


def carried(client) -> list[str]:
    """The sessions and runs home carries for the phone to ask about, shown or not."""
    page = text(client.get("/"))
    return [part.split('"')[0] for part in page.split('data-morning-item data-session="')[1:]]


@pytest.mark.parametrize("hours_east", [13, -10], ids=["utc+13", "utc-10"])
def test_through_the_night_home_keeps_the_question_for_the_morning(signed_in, clock, hours_east):
    """01:30 on the morning after is not yet the morning: nothing is asked, but home
    carries the session, so the phone's copy asks at 04:00 (a CI run at Monday 00:30
    found home dropping it until then)."""
    evening = monday_evening(hours_east)
    pin(clock, evening + timedelta(hours=1))
    events = a_session(evening, {"reps": 10})
    sync(signed_in, events)
    pin(clock, evening + timedelta(hours=7, minutes=30))  # 01:30 the next day
    assert asked(signed_in) is None
    assert carried(signed_in) == [events[0]["session"]]
    pin(clock, evening + timedelta(hours=10))  # 04:00: the morning
    assert asked(signed_in) == "yesterday's session"


@pytest.mark.parametrize("hours_east", [13, -10], ids=["utc+13", "utc-10"])
def test_a_run_is_asked_about_on_home_the_morning_after_never_days_late(
    signed_in, clock, hours_east
):
    evening = monday_evening(hours_east)
    run = new_session()
    pin(clock, evening + timedelta(hours=1))
    logged_at = (evening + timedelta(hours=1)).isoformat()
    sync(signed_in, [ran(run, start=evening.isoformat(), at=logged_at)])
    pin(clock, evening + timedelta(hours=13))  # 07:00 on Tuesday, their clock
    assert asked(signed_in) == "yesterday's run"
    assert f'data-session="{run}" data-kind="run"' in text(signed_in.get("/"))
    assert "data-run-morning" not in text(signed_in.get("/running/"))  # one place only
    pin(clock, evening + timedelta(days=3, hours=13))
    assert asked(signed_in) is None
    assert f'data-session="{run}"' not in text(signed_in.get("/"))


def test_a_session_and_a_run_on_the_same_day_share_one_question(signed_in, clock):
    evening = monday_evening(1)
    pin(clock, evening + timedelta(hours=2))
    sync(signed_in, a_session(evening - timedelta(hours=8), {"reps": 10}))
    sync(signed_in, [ran(new_session(), start=evening.isoformat())])
    pin(clock, evening + timedelta(hours=14))
    assert asked(signed_in) == "yesterday's session and run"
    assert text(signed_in.get("/")).count('id="morning-title"') == 1


def test_an_answered_morning_is_not_asked_again(signed_in, clock):
    evening = monday_evening(1)
    pin(clock, evening + timedelta(hours=1))
    events = a_session(evening, {"reps": 10})
    sync(signed_in, events)
    pin(clock, evening + timedelta(hours=14))
    answer = {"feel": "same", "pain": 1}
    sync(signed_in, [event("morning.checked", events[0]["session"], answer)])
    assert asked(signed_in) is None
