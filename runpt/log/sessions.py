"""Sessions and sets derived from a runner's events (the events are the truth)."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select

from runpt.extensions import db
from runpt.library.models import Exercise
from runpt.log.models import Event
from runpt.routines.models import Routine

Logged = TypeVar("Logged")


def step_of(event) -> tuple:
    """Which step of which session a set.logged event is about: its session, exercise,
    set and side. Two events with the same step are the same set logged twice."""
    data = event.data
    return (event.session_id, data.get("exercise"), data.get("set"), data.get("side"))


def _logged_order(event) -> tuple:
    """Later wins: the time on the device, then the order the server received them in,
    then the id (so two devices' events with the same time still have one winner)."""
    return (event.at, event.received_at, event.id)


def tested_side_of(event) -> tuple:
    """Which side of which capacity test in which sitting a capacity.tested event is
    about: a side tested again in the same sitting (a correction) replaces the first."""
    return (event.session_id, event.data.get("test"), event.data.get("side"))


def run_of(event) -> uuid.UUID:
    """The run a run.logged event is about: its session, made on the phone for a run
    logged by hand, or from the file for an imported one."""
    return event.session_id


def latest_of(events: Iterable[Logged], key) -> list[Logged]:
    """Of several events with the same `key`, only the latest counts (see current_sets),
    in the order each key was first logged."""
    latest: dict = {}
    for event in events:
        found = key(event)
        kept = latest.get(found)
        if kept is None or _logged_order(event) > _logged_order(kept):
            # Assigning to an existing key keeps its place: first-logged order.
            latest[found] = event
    return list(latest.values())


def current_tests(test_events: Iterable[Logged]) -> list[Logged]:
    """Capacity test results as they stand: one per sitting, test and side."""
    return latest_of(test_events, tested_side_of)


def current_runs(run_events: Iterable[Logged]) -> list[Logged]:
    """Runs as they stand: a run logged twice (corrected, or its watch file imported
    again) is one run, with the latest values. Nothing is counted twice."""
    return latest_of(run_events, run_of)


def current_sets(set_events: Iterable[Logged]) -> list[Logged]:
    """The sets as they stand: of several set.logged events for the same step (a double
    tap, or a correction after Back), only the latest counts. Every event stays stored
    as a fact; counts, pain, progress, progression and exports read this instead of the
    raw list, so a set logged twice is one set. The rule lives here alone, so every
    derivation agrees (docs/sync-protocol.md, "How the server reads events back").

    Each event needs `session_id`, `at`, `received_at`, `id` and `data`. The sets come
    back in the order each step was first logged, with the latest values."""
    return latest_of(set_events, step_of)


def _stop_weight(event) -> tuple:
    """How much a stop says: sharp pain over pain above 5, then the higher pain, then the
    later one (for what the runner chose, on stops logged by older players)."""
    data = event.data
    pain = data.get("pain")
    return (data.get("reason") == "sharp-pain", -1 if pain is None else pain, *_logged_order(event))


def current_stops(stop_events: Iterable[Logged]) -> list[Logged]:
    """The pain stops as they stand: every exercise.stopped counts, and nothing else
    removes one. "Latest wins" is the rule for set.logged alone: a set logged again for
    the step where the exercise stopped (after Back, or after a resume) replaces that set,
    never the stop (docs/sync-protocol.md). The same step stopped twice (an older
    player's double tap on the stop card) is one stop, the one that says most: sharp
    pain, else the highest pain. In the order each step was first stopped."""
    kept: dict = {}
    for event in stop_events:
        found = step_of(event)
        if found not in kept or _stop_weight(event) > _stop_weight(kept[found]):
            kept[found] = event
    return list(kept.values())


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
    names, strength = routine_names(user), strength_exercises()
    sessions = [
        _session(sid, events, names, strength)
        for sid, events in by_session.items()
        if makes_a_session(events)
    ]
    return sorted(sessions, key=lambda s: s["started_at"], reverse=True)


# Only these make a session: a next-morning answer, a finish or a stop on its own (a
# device that lost the rest, or a stray tap) is kept as a fact but is no session; nor is
# a capacity test or a run, which have sessions (a sitting, a run) of their own kind.
SESSION_MAKERS = frozenset({"session.started", "set.logged"})


def makes_a_session(events) -> bool:
    """Whether these events (all of one session id) are a session: a session.started or
    at least one set.logged. A lone morning.checked never counts toward a week."""
    return any(event.type in SESSION_MAKERS for event in events)


def strength_exercises() -> frozenset[str]:
    """Slugs of the library's strength exercises: counting a session asks how many of
    its strength sets were logged."""
    return frozenset(db.session.scalars(select(Exercise.slug).where(Exercise.phase == "strength")))


def summarise(events: list, strength: frozenset[str] = frozenset()) -> dict:
    """The summary of one session from its events (rows with session_id, id, type, at,
    at_offset_min, received_at and data), in the order they happened. `strength` holds
    the strength exercises' slugs, to count the strength sets logged.

    A group of events that `makes_a_session` refuses still gets a summary (routine None
    and no sets), so its event count is kept and it is never rebuilt for nothing;
    `is_a_session_summary` tells them apart when reading."""
    by_type = defaultdict(list)
    for event in events:
        by_type[event.type].append(event)
    started = by_type["session.started"][:1]
    finished = by_type["session.finished"][:1]
    mornings = by_type["morning.checked"]
    sets = current_sets(by_type["set.logged"])
    stops = current_stops(by_type["exercise.stopped"])
    # Until session.started arrives, the first logged event's time stands in for the
    # start (a morning answer comes a day later, so it is the last resort).
    first = (started or by_type["set.logged"] or finished or events)[0]
    pains: dict[str, int] = {}
    # A stop's pain counts even where its set was logged again lower: a stop is a fact.
    for event in (*sets, *stops):
        pain = event.data.get("pain")
        if pain is not None:
            slug = event.data["exercise"]
            pains[slug] = max(pain, pains.get(slug, 0))
    routine = started[0].data["routine"] if started else None
    return {
        "event_count": len(events),
        "routine": None if routine is None else str(routine),
        "started_at": first.at,
        "offset_min": first.at_offset_min,
        "finished_at": finished[0].at if finished else None,
        "set_count": len(sets),
        # What the player laid out when the session started (null from older clients),
        # against the strength sets logged: a session counts toward the week with at
        # least half of them (runpt.history.counting).
        "planned_sets": started[0].data.get("planned_sets") if started else None,
        "strength_sets": sum(1 for event in sets if event.data["exercise"] in strength),
        "highest_pain": max(pains.values()) if pains else None,
        "pain_by_exercise": pains,
        # The latest answer counts: a runner may correct a mis-tap.
        "morning": mornings[-1].data["feel"] if mornings else None,
    }


def one_session(user, session_id) -> dict | None:
    """One of the runner's sessions with its sets; None if they have no such session."""
    query = (
        select(Event)
        .where(Event.user_id == user.id, Event.session_id == session_id)
        .order_by(Event.at, Event.received_at)
    )
    events = list(db.session.scalars(query))
    if not makes_a_session(events):
        return None
    return _session(session_id, events, routine_names(user), strength_exercises())


def _session(session_id, events: list[Event], names: dict, strength: frozenset[str]) -> dict:
    started = next((e for e in events if e.type == "session.started"), None)
    routine = started.data["routine"] if started else None
    summary = summarise(events, strength)
    return {
        "id": str(session_id),
        "routine": routine,
        "routine_name": names.get(routine, "A routine no longer in your list")
        if routine is not None
        else None,
        "started_at": summary["started_at"],
        "offset_min": summary["offset_min"],
        "finished_at": summary["finished_at"],
        "planned_sets": summary["planned_sets"],
        "strength_sets": summary["strength_sets"],
        "sets": [_set(e) for e in current_sets(e for e in events if e.type == "set.logged")],
        # Where the player stopped an exercise for pain (and, from older players, what
        # the runner chose then). No set logged later removes one.
        "stops": [
            _set(e) for e in current_stops(e for e in events if e.type == "exercise.stopped")
        ],
        "highest_pain": summary["highest_pain"],
        "morning": summary["morning"],
        "updated_at": max(e.received_at for e in events),
    }


def _set(event: Event) -> dict:
    return {"event": str(event.id), "at": event.at, **event.data}
