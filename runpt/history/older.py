"""The last 12 weeks first: the progress and pain pages' tables list the sessions of the
last 12 weeks on the runner's clock, and a link opens the older ones (`?before=` the first
day shown), all of them on one page. The charts above still draw every session: the
whole picture is their point. Three years of sessions in the table made those pages
100 KB or more; a phone at a mid-range speed spent a visible part of a second on them
(issue 27 item 2), and a runner looks at recent sessions far more often than old ones.

Both pages, and the older sessions they link to, are kept on the phone for no signal
(runpt/pwa/offline_set.py asks `older_sessions_url` for the very link the page shows)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for

from runpt.history.weeks import today_from_sessions

RECENT_WEEKS = 12
BEFORE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Older:
    """The sessions before the last 12 weeks, in a few words and a link."""

    count: int
    first: date
    last: date
    url: str


def recent_since(summaries) -> date:
    """The first day of the last 12 weeks, today being the runner's (their latest
    session's clock, as the rest of history counts it); `summaries` newest first."""
    return today_from_sessions(summaries[:1]) - timedelta(weeks=RECENT_WEEKS)


def split_recent(rows: list, since: date, url: str) -> tuple[list, Older | None]:
    """(rows of the last 12 weeks, the older ones in a few words or None); `rows` are
    oldest first and have a `day`."""
    recent = [row for row in rows if row.day >= since]
    older = [row for row in rows if row.day < since]
    if not older:
        return recent, None
    return recent, Older(len(older), older[0].day, older[-1].day, url)


def before_these(rows: list, before: date) -> list:
    """The rows of the days before `before`: an older sessions page."""
    return [row for row in rows if row.day < before]


def older_sessions_url(endpoint: str, since: date, **values) -> str:
    """The link to the sessions before `since`; the same string the page shows and the
    phone keeps."""
    return url_for(endpoint, before=since.isoformat(), **values)


def before_day(args) -> date | str | None:
    """The day `?before=` asks for; None without one; what is wrong with it, in words."""
    raw = args.get("before")
    if raw is None:
        return None
    if BEFORE_FORMAT.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    return f"before: “{shown}” is not a day. Give one as YYYY-MM-DD, e.g. ?before=2026-09-10."


def may_have_sessions_before(first_logged: datetime | None, since: date) -> bool:
    """Whether something first logged at `first_logged` (UTC) may fall before `since` on
    the runner's clock: a day's margin either way, as a clock is at most 14 hours from
    UTC. At worst the phone keeps a page that says there is nothing older."""
    return first_logged is not None and first_logged.date() - timedelta(days=1) < since
