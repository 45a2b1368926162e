"""The one next-morning question (docs/content-rules.md, rule 1: pain must settle by the
next morning). Strength sessions and runs share it: the latest finished session and the
latest run, not answered yet, are asked about on the runner's morning after, by their
own clock (the UTC offset they logged it in), and on that day only, so it never comes
days late. Home shows it (`#morning`, where the next-morning reminder opens); the phone
(js/morning.js) asks the same way about what it logged but the server hasn't seen yet.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from runpt import timestamps
from runpt.timestamps import local_day, zone_of

# The runner's morning begins here: a session at 23:00 isn't asked about at 00:30.
MORNING_FROM_HOUR = 4


@dataclass(frozen=True)
class Asked:
    """A session or a run to ask about: its id, kind ("session" or "run") and the day
    it was done on the runner's clock, with that clock's offset."""

    session: str
    kind: str
    day: date
    offset_min: int

    def worth_knowing(self, now: datetime) -> bool:
        """Done today or yesterday on the runner's clock: home carries it, so a copy of
        home kept on the phone asks at the right hour (through the night too: 01:00 is
        not yet the morning, but the question is still to come)."""
        local = now.astimezone(zone_of(self.offset_min))
        return local.date() in (self.day, self.day + timedelta(days=1))

    def due(self, now: datetime) -> bool:
        """The runner's morning after it: the next day on their clock, from 04:00."""
        local = now.astimezone(zone_of(self.offset_min))
        return local.date() == self.day + timedelta(days=1) and local.hour >= MORNING_FROM_HOUR


def unanswered(summaries, runs) -> list[Asked]:
    """The latest finished session and the latest run, each when not answered yet."""
    found = []
    if summaries and summaries[0].finished_at is not None and summaries[0].morning is None:
        latest = summaries[0]
        found.append(
            Asked(
                str(latest.session_id), "session",
                local_day(latest.started_at, latest.offset_min), latest.offset_min,
            )
        )  # fmt: skip
    if runs and runs[-1].morning_feel is None:
        run = runs[-1]
        offset = int(run.start.utcoffset().total_seconds() // 60)
        found.append(Asked(str(run.run_id), "run", run.start.date(), offset))
    return found


def morning_question(summaries, runs, now: datetime | None = None) -> dict:
    """What home needs: the items still worth knowing (done today or yesterday, so a
    copy of home kept on the phone asks tomorrow morning too) and those due now."""
    now = now or timestamps.utcnow()
    items = [a for a in unanswered(summaries, runs) if a.worth_knowing(now)]
    due = [a for a in items if a.due(now)]
    return {"items": items, "due": due, "from_hour": MORNING_FROM_HOUR, "what": what_of(due)}


def what_of(due) -> str:
    """The words for what is asked about: "yesterday's session", "… run", or both."""
    kinds = [kind for kind in ("session", "run") if any(a.kind == kind for a in due)]
    return "yesterday's " + " and ".join(kinds) if kinds else "yesterday's session"
