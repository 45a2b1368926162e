"""Which reminders are due for a runner now, read in their own time zone.

Each due reminder has a key day (the runner's local day it is for): the claim in
sending.py is one row per runner, kind and key day, so each is sent once.

- training: on a training day, from the runner's time for WINDOW (not hours later if
  the timer was down: a late "time to train" is noise), unless a session already
  finished that day (a runner who trained at 06:00 needs no 18:00 "time to train").
- morning: the morning after a session finished or a run logged (the runner's
  yesterday), if no morning answer came after it; from MORNING_FROM until MORNING_UNTIL.
- waiting: a phone said its oldest waiting log is more than WAITING_AFTER old; once per
  waiting log (key: the day that log was made).
- retest: a capacity retest is due or overdue; once per retest (key: its first day).

Nothing is sent inside the runner's quiet hours.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runpt.capacity.sittings import capacity_results, retest_of
from runpt.log import WAITING_TOO_LONG_DAYS
from runpt.log.reads import events_since
from runpt.reminders.models import PushSubscription, ReminderSettings
from runpt.runner.models import settings_of

WINDOW = timedelta(hours=2)
MORNING_FROM = time(8, 0)
MORNING_UNTIL = time(12, 0)
WAITING_AFTER = timedelta(days=WAITING_TOO_LONG_DAYS)
OFFSET = re.compile(r"^(?:UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$")


@dataclass(frozen=True)
class Due:
    kind: str
    day: str  # the key day, ISO


def zone_of(name: str | None) -> tzinfo | None:
    """An IANA zone ("Pacific/Tongatapu") or a fixed offset ("+13:00", "UTC-10"); None
    for anything else."""
    name = (name or "").strip()
    found = OFFSET.match(name)
    if found:
        sign, hours, minutes = found.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if offset > timedelta(hours=14):
            return None
        return timezone(-offset if sign == "-" else offset)
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(now: time, quiet_from: str, quiet_until: str) -> bool:
    """Quiet hours may run past midnight (21:00 to 07:00)."""
    start, end = clock(quiet_from), clock(quiet_until)
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def within(now: datetime, start: time, span: timedelta) -> bool:
    begins = datetime.combine(now.date(), start, now.tzinfo)
    return begins <= now < begins + span


def due_now(user, choices: ReminderSettings, phones: list[PushSubscription], now: datetime):
    """The reminders due for this runner at `now` (aware, any zone)."""
    local = now.astimezone(zone_of(choices.time_zone) or UTC)
    if in_quiet_hours(local.time(), choices.quiet_from, choices.quiet_until):
        return []
    kinds = set(choices.kinds or [])
    found = []
    if "training" in kinds:
        found += _training(user, local)
    if "morning" in kinds:
        found += _morning(user, local)
    if "waiting" in kinds:
        found += _waiting(phones, local)
    if "retest" in kinds:
        found += _retest(user, local.date())
    return found


def _training(user, local: datetime) -> list[Due]:
    settings = settings_of(user)
    if local.isoweekday() not in settings.days or not within(
        local, clock(settings.time_of_day), WINDOW
    ):
        return []
    if _trained_today(user, local):
        return []
    return [Due("training", local.date().isoformat())]


def _trained_today(user, local: datetime) -> bool:
    """A session finished on the runner's own day `local` is in, by now (a phone whose
    clock runs ahead can date one later today: that one is no session yet)."""
    midnight = datetime.combine(local.date(), time(0, 0), local.tzinfo)
    finished = events_since(user, midnight, ("session.finished",), 10)
    return any(event.at <= local for event in finished)


def _morning(user, local: datetime) -> list[Due]:
    if not MORNING_FROM <= local.time() < MORNING_UNTIL:
        return []
    yesterday = local.date() - timedelta(days=1)
    types = ("session.finished", "run.logged", "morning.checked")
    events = events_since(user, local - timedelta(days=3), types, 200)
    done = [e.at for e in events if e.type != "morning.checked"]
    done_yesterday = [at for at in done if at.astimezone(local.tzinfo).date() == yesterday]
    if not done_yesterday:
        return []
    answered = [e.at for e in events if e.type == "morning.checked"]
    if answered and max(answered) >= max(done_yesterday):
        return []
    return [Due("morning", local.date().isoformat())]


def _waiting(phones: list[PushSubscription], local: datetime) -> list[Due]:
    waiting = [p.waiting_since for p in phones if p.waiting_since is not None]
    if not waiting or local - min(waiting) <= WAITING_AFTER:
        return []
    return [Due("waiting", min(waiting).astimezone(local.tzinfo).date().isoformat())]


def _retest(user, today: date) -> list[Due]:
    results, _ = capacity_results(user)
    retest = retest_of(results, today)
    if retest is None or retest.state == "not yet":
        return []
    return [Due("retest", retest.due_from.isoformat())]
