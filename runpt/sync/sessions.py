"""Sessions and sets derived from a runner's events (the events are the truth)."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from runpt.extensions import db
from runpt.routines.models import Routine
from runpt.sync.models import Event


def routine_names(user) -> dict:
    """Names for the routine references events carry: built-in slugs and own ids."""
    names = {}
    query = select(Routine.id, Routine.slug, Routine.name).where(
        (Routine.owner_id == user.id) | Routine.owner_id.is_(None)
    )
    for routine_id, slug, name in db.session.execute(query):
        names[slug or routine_id] = name
    return names


def sessions_of(user, since: datetime | None = None) -> list[dict]:
    """The runner's sessions, newest first. With `since`, only sessions that received
    an event after that server time (for another device to pull what changed)."""
    query = select(Event).where(Event.user_id == user.id)
    if since is not None:
        changed = select(Event.session_id).where(
            Event.user_id == user.id, Event.received_at > since
        )
        query = query.where(Event.session_id.in_(changed))
    by_session = defaultdict(list)
    for event in db.session.scalars(query.order_by(Event.at, Event.received_at)):
        by_session[event.session_id].append(event)
    names = routine_names(user)
    sessions = [_session(sid, events, names) for sid, events in by_session.items()]
    return sorted(sessions, key=lambda s: s["started_at"], reverse=True)


def one_session(user, session_id) -> dict | None:
    """One of the runner's sessions with its sets; None if they have no such session."""
    query = (
        select(Event)
        .where(Event.user_id == user.id, Event.session_id == session_id)
        .order_by(Event.at, Event.received_at)
    )
    events = list(db.session.scalars(query))
    return _session(session_id, events, routine_names(user)) if events else None


def _session(session_id, events: list[Event], names: dict) -> dict:
    started = next((e for e in events if e.type == "session.started"), None)
    finished = next((e for e in events if e.type == "session.finished"), None)
    mornings = [e for e in events if e.type == "morning.checked"]
    routine = started.data["routine"] if started else None
    sets = [_set(e) for e in events if e.type == "set.logged"]
    # A morning answer comes the day after: never the stand-in for the start.
    first = started or next((e for e in events if e.type != "morning.checked"), events[0])
    pains = [s["pain"] for s in sets if s["pain"] is not None]
    return {
        "id": str(session_id),
        "routine": routine,
        "routine_name": names.get(routine, "A routine no longer in your list")
        if routine is not None
        else None,
        # Events can arrive in any order: until session.started is here, the first
        # event's time stands in for the start.
        "started_at": first.at,
        "offset_min": first.at_offset_min,
        "finished_at": finished.at if finished else None,
        "sets": sets,
        "highest_pain": max(pains) if pains else None,
        "morning": mornings[-1].data["feel"] if mornings else None,
        "updated_at": max(e.received_at for e in events),
    }


def _set(event: Event) -> dict:
    return {"event": str(event.id), "at": event.at, **event.data}
