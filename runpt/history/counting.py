"""Which sessions count toward the 2-3 a week target, the streak and the physio report's
adherence: honest counting, so a week is "met" only by sessions that were really done.

A session counts when it was finished with at least half of its planned strength sets
logged. "Planned" is what the player laid out when the session started (session.started's
`planned_sets`); a session from an older client, which didn't send it, is measured
against its routine's plan as it is now, and a session of a routine that is gone counts
if it was finished. Anything else is shown as partial and counts for nothing. A daily
home add-on (the Alfredson heel drops, twice a day) is no 2-3-a-week session: it is
shown as an add-on and not counted either.
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
    add_on: frozenset = frozenset()  # session ids of daily add-ons: not counted, not partial


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
    add_ons = add_on_routines(user) if summaries else set()
    counted, partial, planned, add_on = [], set(), {}, set()
    for summary in summaries:
        if summary.routine in add_ons:
            add_on.add(summary.session_id)
            continue
        expected = summary.planned_sets
        if expected is None:
            expected = plans.get(summary.routine)
        planned[summary.session_id] = expected
        if counts(summary.finished_at is not None, summary.strength_sets, expected):
            counted.append(summary)
        else:
            partial.add(summary.session_id)
    return Tally(counted, frozenset(partial), planned, frozenset(add_on))


def add_on_routines(user) -> set[str]:
    """References (built-in slug, own id as text) of the daily add-on routines."""
    query = select(Routine.id, Routine.slug).where(
        Routine.add_on, or_(Routine.owner_id.is_(None), Routine.owner_id == user.id)
    )
    return {slug or str(routine_id) for routine_id, slug in db.session.execute(query)}


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
    runpt.log.sessions derives it, for its own page. A daily add-on never counts."""
    planned = session["planned_sets"]
    routine = session["routine"]
    if routine is not None and str(routine) in add_on_routines(user):
        return False, planned
    if planned is None and routine is not None:
        planned = current_plans(user, {str(routine)}).get(str(routine))
    finished = session["finished_at"] is not None
    return counts(finished, session["strength_sets"], planned), planned
