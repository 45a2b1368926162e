"""Which sessions count toward the 2-3 a week target, the streak and the physio report's
adherence: honest counting, so a week is "met" only by sessions that were really done.

A session counts when it was finished with at least half of its planned strength sets
logged. "Planned" is what the player laid out when the session started (session.started's
`planned_sets`); a session from an older client, which didn't send it, is measured
against its routine's plan as it is now, and a session of a routine that is gone counts
if it was finished. Anything else is shown as partial and counts for nothing.
"""

from dataclasses import dataclass

from sqlalchemy import or_, select

from runpt.extensions import db
from runpt.routines.models import Routine

# A session with fewer than this share of its planned strength sets logged is partial.
SHARE_TO_COUNT = 0.5


@dataclass(frozen=True)
class Tally:
    """The runner's sessions sorted into those that count and those that are partial."""

    counted: list  # summaries, newest first
    partial: frozenset  # session ids shown as partial
    planned: dict  # {session id: planned strength sets}, for "2 of 12 strength sets"


def counts(finished: bool, strength_sets: int, planned: int | None) -> bool:
    """Finished, with at least half the planned strength sets logged. With nothing to
    measure against (a routine that is gone, or one without strength work), finishing
    is enough."""
    if not finished:
        return False
    if not planned:
        return True
    return strength_sets >= planned * SHARE_TO_COUNT


def tally(user, summaries) -> Tally:
    """Sort the runner's session summaries (newest first) into counted and partial."""
    missing = {s.routine for s in summaries if s.planned_sets is None and s.routine}
    plans = current_plans(user, missing) if missing else {}
    counted, partial, planned = [], set(), {}
    for summary in summaries:
        expected = summary.planned_sets
        if expected is None:
            expected = plans.get(summary.routine)
        planned[summary.session_id] = expected
        if counts(summary.finished_at is not None, summary.strength_sets, expected):
            counted.append(summary)
        else:
            partial.add(summary.session_id)
    return Tally(counted, frozenset(partial), planned)


def current_plans(user, references: set[str]) -> dict[str, int]:
    """{routine reference: strength sets in its plan now}, for sessions started by older
    clients; references are built-in slugs or the runner's own routine ids, as text."""
    ids = [int(ref) for ref in references if ref.isdigit()]
    query = select(Routine).where(
        or_(
            Routine.owner_id.is_(None) & Routine.slug.in_(references),
            (Routine.owner_id == user.id) & Routine.id.in_(ids),
        )
    )
    return {str(r.reference): r.planned_strength_sets() for r in db.session.scalars(query)}


def one_session_counts(user, session: dict) -> tuple[bool, int | None]:
    """(whether it counts, the planned strength sets) for a session as
    runpt.sync.sessions derives it, for its own page."""
    planned = session["planned_sets"]
    routine = session["routine"]
    if planned is None and routine is not None:
        planned = current_plans(user, {str(routine)}).get(str(routine))
    finished = session["finished_at"] is not None
    return counts(finished, session["strength_sets"], planned), planned
