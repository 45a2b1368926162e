"""The next session's routine, from the runner's answers (runpt/runner): a routine for
each running problem they have, Runner's essentials to stay injury-free (or when they
haven't said), taking turns session by session. The runner's own copy of a routine
stands in for the built-in it came from, so the doses they accepted are the ones done."""

from sqlalchemy import select

from runpt.extensions import db
from runpt.routines.models import Routine

ESSENTIALS = "runners-essentials"


def recommended_routines(user, settings) -> list[Routine]:
    """The routines the answers point to, problems first (in the library's order), then
    Runner's essentials for staying injury-free. A problem's routine is its first
    built-in full session: where one label hides two conditions (kneecap or tendon,
    mid-tendon or heel), that routine's page asks the question that tells them apart."""
    builtins = db.session.scalars(
        select(Routine).where(Routine.owner_id.is_(None)).order_by(Routine.id)
    ).all()
    by_slug = {routine.slug: routine for routine in builtins}
    chosen = []
    for problem in settings.own_problems:
        first = next((r for r in builtins if r.problem == problem and not r.add_on), None)
        if first is not None:
            chosen.append(first)
    if (settings.injury_free or not chosen) and ESSENTIALS in by_slug:
        chosen.append(by_slug[ESSENTIALS])
    copies = own_copies(user)
    return [copies.get(routine.slug, routine) for routine in chosen]


def own_copies(user) -> dict[str, Routine]:
    """{built-in slug: the runner's newest copy of it that still has exercises}."""
    copies = db.session.scalars(
        select(Routine)
        .where(Routine.owner_id == user.id, Routine.copied_from.is_not(None))
        .order_by(Routine.created_at)
    ).all()
    return {copy.copied_from: copy for copy in copies if copy.steps}


def next_routine(recommended: list[Routine], last_done: str | None) -> Routine | None:
    """Take turns: the routine after the one the last session that counted was of
    (`last_done`, as a session names its routine), else the first."""
    if not recommended:
        return None
    references = [str(routine.reference) for routine in recommended]
    if last_done in references:
        return recommended[(references.index(last_done) + 1) % len(recommended)]
    return recommended[0]
