"""What the home page and the history page both show about the runner's weeks."""

from runpt.history.counting import tally
from runpt.history.weeks import WEEKLY_TARGET, next_session_day, streak, today_from_sessions, weeks
from runpt.runner.models import settings_of
from runpt.timestamps import local_day, utcnow


def overview(user, summaries) -> dict:
    """This week against the target, the streak and the next session due: what the
    home page and the history page both show. Only sessions that count (finished, with
    at least half their strength sets: runpt.history.counting) make the week."""
    today = today_from_sessions(summaries)
    counting = tally(user, summaries)
    days = [local_day(s.started_at, s.offset_min) for s in counting.counted]
    partial_days = {
        local_day(s.started_at, s.offset_min) for s in summaries if s.session_id in counting.partial
    }
    settings = settings_of(user)
    this_week = weeks(days, today, 1)[0]
    return {
        "today": today,
        "this_week": this_week,
        "target": WEEKLY_TARGET,
        "streak": streak(days, today),
        "settings": settings,
        "next_day": next_session_day(settings.days, days, today),
        "session_days": days,
        "partial_days": partial_days,
        "tally": counting,
    }


def as_of() -> str:
    """When the page was made: an offline copy shows how old its data is."""
    return utcnow().isoformat(timespec="seconds")
