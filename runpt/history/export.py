"""All of a runner's data, to take elsewhere: JSON (everything) and CSV (events, and
sessions as derived from them).

Loads are stored in kg and kept so in the raw events (`load_kg`, as the phone sent
them); beside them every set carries `load` and `load_unit` in the runner's own unit
(runpt/runner/units.py), so a runner who trains in pounds reads pounds."""

import csv
import io
import re

from sqlalchemy import select

from runpt.extensions import db
from runpt.history import capacity_and_running
from runpt.log.reads import events_as_sent
from runpt.log.sessions import sessions_of
from runpt.routines.models import Routine
from runpt.runner.models import settings_of
from runpt.runner.units import in_unit
from runpt.timestamps import zone_of

EVENT_COLUMNS = (
    "id", "type", "at", "session", "routine", "planned_sets", "exercise", "set", "side", "reps",
    "hold_s", "load_kg", "load", "load_unit", "rpe", "pain", "level", "note", "feel", "reason",
    "choice",
    # capacity.tested and run.logged
    "test", "checklist", "sex", "age_band", "incline", "start", "duration_s", "distance_m",
    "effort", "stage", "hop_pain", "source",
    "received_at",
)  # fmt: skip
SESSION_COLUMNS = (
    "session", "routine", "routine_name", "started_at", "finished_at", "planned_sets", "sets",
    "highest_pain", "morning", "stops",
)  # fmt: skip
# A cell starting with one of these is a formula to a spreadsheet: a note typed as
# "=HYPERLINK(...)" must open as text, not run (OWASP "CSV injection"). Spreadsheets
# also read the full-width and small forms as formulas, and skip what comes before them
# that shows as nothing: spaces, line breaks, a byte-order mark, zero-width characters.
FORMULA = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]*[=+\-@＝＋－＠﹦﹢﹣﹫]")
# A tab or carriage return first is refused whatever follows (OWASP's list).
CONTROL_STARTS = ("\t", "\r")


def local_iso(moment, offset_min: int) -> str:
    return moment.astimezone(zone_of(offset_min)).isoformat()


def events_of(user) -> list[dict]:
    """Every event as the device sent it (time in the runner's own offset), oldest first."""
    return [
        {
            "id": event["id"],
            "type": event["type"],
            "at": local_iso(event["at"], event["offset_min"]),
            "session": event["session"],
            "data": event["data"],
            "received_at": event["received_at"].isoformat(),
        }
        for event in events_as_sent(user)
    ]


def in_runners_unit(one_set: dict, unit: str) -> dict:
    """A set with its load in the runner's unit beside the stored kg."""
    if one_set.get("load_kg") is None:
        return {**one_set, "load": None, "load_unit": None}
    return {**one_set, "load": in_unit(one_set["load_kg"], unit), "load_unit": unit}


def derived_sessions(user) -> list[dict]:
    unit = settings_of(user).unit
    sessions = []
    for session in reversed(sessions_of(user)):
        morning = session.get("morning")
        sessions.append(
            {
                "session": session["id"],
                "routine": session["routine"],
                "routine_name": session["routine_name"],
                "started_at": local_iso(session["started_at"], session["offset_min"]),
                "finished_at": local_iso(session["finished_at"], session["offset_min"])
                if session["finished_at"]
                else None,
                "planned_sets": session["planned_sets"],
                "sets": [
                    in_runners_unit({**one, "at": one["at"].isoformat()}, unit)
                    for one in session["sets"]
                ],
                "stops": [{**one, "at": one["at"].isoformat()} for one in session["stops"]],
                "highest_pain": session["highest_pain"],
                "morning": morning,
            }
        )
    return sessions


def own_routines(user) -> list[dict]:
    routines = db.session.scalars(select(Routine).where(Routine.owner_id == user.id))
    return [
        {
            "id": routine.id,
            "name": routine.name,
            "summary": routine.summary,
            "steps": [
                {
                    "exercise": step.exercise.slug,
                    "sets": step.dose.sets,
                    "reps": step.dose.reps,
                    "hold_s": step.dose.hold_s,
                    "rest_s": step.dose.rest_s,
                    "level": step.level,
                }
                for step in routine.steps
            ],
        }
        for routine in routines
    ]


def training_days_of(settings) -> dict | None:
    if not settings.days:
        return None
    return {"weekdays": settings.days, "time": settings.time_of_day}


def everything(user, settings, exported_at) -> dict:
    return {
        "format": "runpt-export-1",
        "exported_at": exported_at.isoformat(),
        "runner": {
            "email": user.email,
            "since": user.created_at.isoformat(),
            "unit": settings.unit,
            "problems": settings.own_problems,
            "injury_free": settings.injury_free,
            "voice": settings.voice,
        },
        # Training days, under the name files already exported carry (a wire name).
        "plan": training_days_of(settings),
        "routines": own_routines(user),
        "events": events_of(user),
        "sessions": derived_sessions(user),
        # Capacity tests, runs and the walk-run stage, as runpt reads them.
        **capacity_and_running.for_export(user, exported_at.date()),
    }


def events_csv(user) -> str:
    """One row per event as sent; a set's load is in `load_kg` as stored and in `load`
    and `load_unit` in the runner's unit."""
    unit = settings_of(user).unit
    rows = []
    for event in events_of(user):
        data = event["data"]
        if event["type"] == "set.logged":
            data = in_runners_unit(data, unit)
        rows.append(
            {
                **{k: data.get(k) for k in EVENT_COLUMNS if k in data},
                "id": event["id"],
                "type": event["type"],
                "at": event["at"],
                "session": event["session"],
                "received_at": event["received_at"],
            }
        )
    return _csv(EVENT_COLUMNS, rows)


def sessions_csv(user) -> str:
    rows = [
        {**s, "sets": len(s["sets"]), "stops": "; ".join(stop_text(stop) for stop in s["stops"])}
        for s in derived_sessions(user)
    ]
    return _csv(SESSION_COLUMNS, rows)


def stop_text(stop: dict) -> str:
    """A pain stop in one cell, e.g. "step-down set 2 left: pain 6, easier"."""
    where = f"{stop['exercise']} set {stop['set']}" + (f" {stop['side']}" if stop["side"] else "")
    why = "sharp pain" if stop["reason"] == "sharp-pain" else f"pain {stop['pain']}"
    choice = stop.get("choice")  # only stops logged by older players carry one
    return f"{where}: {why}" + (f", {choice}" if choice else "")


def _csv(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dict):  # a squat checklist: "knee_over_toes yes; pelvis_level no; ..."
        return "; ".join(f"{key} {'yes' if held else 'no'}" for key, held in value.items())
    if isinstance(value, str) and opens_as_formula(value):
        return "'" + value  # text to the spreadsheet, and the runner still sees every character
    return value


def opens_as_formula(text: str) -> bool:
    return text.startswith(CONTROL_STARTS) or FORMULA.match(text) is not None
