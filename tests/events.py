"""Building sync events in tests, the way the browser does."""

import uuid
from datetime import timedelta, timezone

from runpt.timestamps import utcnow


def at(minutes: float = 0, offset_hours: int = 1) -> str:
    """An ISO time `minutes` from now in a zone `offset_hours` east of UTC."""
    zone = timezone(timedelta(hours=offset_hours))
    return (utcnow() + timedelta(minutes=minutes)).astimezone(zone).isoformat()


def started(session: str, routine="runners-essentials", planned_sets=None, **extra) -> dict:
    """A session.started event; `planned_sets` only when given (older clients leave it out)."""
    data = {"routine": routine}
    if planned_sets is not None:
        data["planned_sets"] = planned_sets
    return event("session.started", session, data, **extra)


def logged(session: str, exercise="glute-bridge", set_no=1, at: str | None = None, **data) -> dict:
    """A set.logged event; keyword arguments other than `at` are its data fields."""
    body = {"exercise": exercise, "set": set_no, "side": None, "reps": 12, "hold_s": None,
            "load_kg": None, "rpe": 6, "pain": 1, "note": None}  # fmt: skip
    body.update(data)
    envelope = {"at": at} if at else {}
    return event("set.logged", session, body, **envelope)


def finished(session: str, **extra) -> dict:
    return event("session.finished", session, {}, **extra)


def event(type_: str, session: str, data: dict, **extra) -> dict:
    body = {"id": str(uuid.uuid4()), "type": type_, "at": at(), "session": session, "data": data}
    body.update(extra)
    return body


def new_session() -> str:
    return str(uuid.uuid4())


def capacity_side(sitting: str, test="heel-raise", side="left", **data) -> dict:
    """A capacity.tested event: one side of a capacity test in a sitting. Keyword
    arguments other than `at` are its data fields (reps 22 for a test counted in reps)."""
    envelope = {"at": data.pop("at")} if "at" in data else {}
    all_kept = {"knee_over_toes": True, "pelvis_level": True, "trunk_upright": True}
    measure = {
        "heel-raise": {"reps": 22}, "single-leg-bridge": {"reps": 18},
        "side-bridge": {"hold_s": 60}, "single-leg-squat": {"checklist": all_kept},
    }.get(test, {})  # fmt: skip
    body = {"test": test, "side": side, **measure, **data}
    return event("capacity.tested", sitting, body, **envelope)


def ran(run: str, start: str | None = None, **data) -> dict:
    """A run.logged event for the run `run`: 30 minutes, 5 km by hand unless told."""
    envelope = {"at": data.pop("at")} if "at" in data else {}
    body = {"start": start or at(-40), "duration_s": 1800, "distance_m": 5000, "effort": 4,
            "pain": 1, "stage": None, "source": "hand", "note": None, **data}  # fmt: skip
    return event("run.logged", run, body, **envelope)
