"""What makes an event valid. Each rule's message names the field, so a developer
reading a `rejected` result (or a runner's "needs attention" list) knows what to fix."""

import math
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from runpt.pain import ACCEPTABLE_MAX, HIGHEST
from runpt.timestamps import utcnow, zone_of

EVENT_TYPES = (
    "session.started", "set.logged", "session.finished", "morning.checked", "exercise.stopped",
    "capacity.tested", "run.logged",
)  # fmt: skip
MORNING_FEELINGS = ("better", "same", "worse")
# Why the player stopped an exercise (docs/content-rules.md rule 1): pain over 5 in a set, or a note
# saying sharp pain; and what the runner chose then.
STOP_REASONS = ("pain", "sharp-pain")
STOP_CHOICES = ("easier", "skip")
MAX_LEVEL = 10  # ladder rungs either side of the exercise itself
MAX_PLANNED_SETS = 1000
ENVELOPE_FIELDS = frozenset(("id", "type", "at", "session", "data"))
MAX_FUTURE = timedelta(hours=24)
ONE_MINUTE = timedelta(minutes=1)
TOO_LATE = "at: is more than 24 hours in the future; check the device clock"
TOO_EARLY = "at: is before the year 2000; check the device clock"
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
MAX_NOTE = 1000
# A logged set's limits: (lowest, highest) for each number. The log form carries them as
# its inputs' min and max (templates: `log_limits`), and the player reads them from there.
SET_LIMITS = {
    "set": (1, 100),
    "reps": (0, 500),
    "hold_s": (0, 3600),
    "load_kg": (0, 500),
    "rpe": (1, 10),
    "pain": (0, HIGHEST),
}
MAX_ROUTINE_REF = 100
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds
# The form the phone writes ids in (RunptOutbox.newId(); older clients used
# crypto.randomUUID()). Results name each event by the id exactly as it was
# sent, and a device clears its outbox by matching that string: so only this one
# spelling of a UUID is taken, never an upper-case, braced or dashless one.
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Fields an event type gained after runners had stored events without them, with what
# an older event means by leaving one out. Comparing a re-sent event with the stored one
# reads them this way.
ADDED_LATER = {
    "set.logged": {"level": 0, "sharp": False},
    "morning.checked": {"pain": None},
}

# Capacity tests (docs/content-rules.md, rules 3 and 10): which tests there are, what each measures.
# Their norms and thresholds are the capacity package's (runpt/data/capacity.toml); these
# are the event's shape, which the data file's tests must match (tests/test_capacity.py).
CAPACITY_TESTS = {
    "heel-raise": "reps",
    "side-bridge": "hold_s",
    "single-leg-bridge": "reps",
    "single-leg-squat": "checklist",
}
SQUAT_CHECKLIST = ("knee_over_toes", "pelvis_level", "trunk_upright")
SEXES = ("female", "male")
# The age bands a heel-raise norm can be read for; "under-20" is younger than anyone in
# the study (Hebert-Losier et al. 2017: 20-81), so it gets the overall figures.
AGE_BANDS = ("under-20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")
# A run (run.logged): its limits, and where it came from.
RUN_LIMITS = {
    "duration_s": (1, 24 * 3600),
    "distance_m": (0, 500_000),
    "effort": (1, 10),
    "pain": (0, HIGHEST),
    "stage": (1, 20),
    "hop_pain": (0, HIGHEST),
}
RUN_SOURCES = ("hand", "gpx", "tcx", "fit")
RUN_FIELDS = {"start", *RUN_LIMITS, "source", "note"}


class Invalid(ValueError):
    """An event that breaks a rule; the message is the reason sent back."""


class ValidEvent(NamedTuple):
    """A checked event. A named tuple rather than a frozen dataclass: a sync batch makes
    hundreds, and a tuple is made in C (issue 19 item 4)."""

    id: uuid.UUID
    type: str
    at: datetime
    at_offset_min: int
    session: uuid.UUID
    data: dict

    @property
    def exercise(self) -> str | None:
        """The exercise column: set.logged only, so "last time", progress and the report
        find sets by an index and never mistake an exercise.stopped for a set."""
        return self.data.get("exercise") if self.type == "set.logged" else None


_new_object, _set_slot, _SAFETY_UNKNOWN = object.__new__, object.__setattr__, uuid.SafeUUID.unknown


def uuid_of_number(number: int) -> uuid.UUID:
    """`uuid.UUID(int=number)` for a number already known to fit in 128 bits, set as
    UUID's own constructor sets it (its two slots) without re-checking its arguments:
    a batch makes a thousand, and the checks were two thirds of each (issue 27 item 3).
    tests/test_ingest_speed_paths.py holds it equal to uuid.UUID in every respect."""
    made = _new_object(uuid.UUID)
    _set_slot(made, "int", number)
    _set_slot(made, "is_safe", _SAFETY_UNKNOWN)
    return made


def parse_uuid(value, field: str) -> uuid.UUID:
    if not isinstance(value, str):
        raise Invalid(f"{field}: must be a UUID string")
    if CANONICAL_UUID.fullmatch(value):
        # The one spelling taken is a UUID by its shape: made from its number, which
        # skips the string clean-up uuid.UUID(text) does for every other spelling.
        return uuid_of_number(int(value.replace("-", ""), 16))
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise Invalid(f"{field}: {value[:60]!r} is not a UUID") from None
    raise Invalid(f"{field}: use the lower-case form 8-4-4-4-12, e.g. {parsed}")


def parse_time(value, now: datetime) -> tuple[datetime, int]:
    """An ISO 8601 time with offset -> (UTC time, offset in minutes)."""
    if not isinstance(value, str) or len(value) > 40:
        raise Invalid("at: must be an ISO 8601 time string, e.g. 2026-11-27T07:30:00+01:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"at: {value!r} is not an ISO 8601 time") from None
    offset = moment.utcoffset()
    if offset is None:
        raise Invalid("at: needs a UTC offset, e.g. 2026-11-27T07:30:00+01:00 or ...Z")
    # Compared in UTC: two times in one zone compare as they are, where times in two
    # zones each ask for their offset first (most of what checking a time cost).
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        # Within a day of year 1 or of 9999: no UTC time exists, and either is far off.
        raise Invalid(TOO_EARLY if moment.year < EARLIEST.year else TOO_LATE) from None
    if in_utc > now + MAX_FUTURE:
        raise Invalid(TOO_LATE)
    if in_utc < EARLIEST:
        raise Invalid(TOO_EARLY)
    return in_utc, offset // ONE_MINUTE


def whole_number(data: dict, field: str, low: int, high: int, *, required: bool = False):
    value = data.get(field)
    if value is None:
        if required:
            raise Invalid(f"data.{field}: is required")
        return None
    # JSON numbers come as exactly int or float; true and false as bool, which Python
    # counts as an int but a runner never means as one.
    if type(value) is not int:
        raise Invalid(f"data.{field}: must be a whole number from {low} to {high}")
    if not low <= value <= high:
        raise Invalid(f"data.{field}: {value} is out of range {low}-{high}")
    return value


def number(data: dict, field: str, low: float, high: float):
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid(f"data.{field}: must be a number from {low} to {high}")
    if not low <= value <= high:
        raise Invalid(f"data.{field}: {value} is out of range {low}-{high}")
    return value


def only_fields(data: dict, allowed: set[str] | frozenset[str]) -> None:
    if unknown := data.keys() - allowed:
        raise Invalid(f"data.{min(unknown)[:40]}: is not a field of this event type")


def storable(text: str) -> bool:
    """Text that can be stored and shown: JSON lets a client send half a surrogate
    pair, which is no character at all and breaks UTF-8 (and PostgreSQL)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def session_started_data(data: dict, known_exercises) -> dict:
    """The routine started, and how many strength steps it had then (`planned_sets`, one
    per set and side as the player lays them out): a session counts toward the weekly
    target only with at least half of them logged. Older clients leave it out (null)."""
    only_fields(data, {"routine", "planned_sets"})
    return {
        "routine": routine_reference(data.get("routine")),
        "planned_sets": whole_number(data, "planned_sets", 0, MAX_PLANNED_SETS),
    }


def routine_reference(routine) -> str | int:
    if isinstance(routine, str) and 0 < len(routine) <= MAX_ROUTINE_REF and storable(routine):
        return routine
    if isinstance(routine, int) and not isinstance(routine, bool) and 1 <= routine <= MAX_ID:
        return routine
    raise Invalid("data.routine: must be a routine slug or a positive routine id")


def library_exercise(data: dict, known_exercises) -> str:
    exercise = data.get("exercise")
    if not isinstance(exercise, str) or not exercise:
        raise Invalid("data.exercise: must be an exercise slug, e.g. glute-bridge")
    if exercise not in known_exercises:
        raise Invalid(f"data.exercise: {exercise[:80]!r} is not an exercise in the library")
    return exercise


def side_of(data: dict) -> str | None:
    side = data.get("side")
    if side not in ("left", "right", None):
        raise Invalid("data.side: must be 'left', 'right' or null")
    return side


SET_FIELDS = frozenset((
    "exercise", "set", "side", "reps", "hold_s", "load_kg", "rpe", "pain", "note", "level",
    "sharp",
))  # fmt: skip


def set_logged_data(data: dict, known_exercises) -> dict:
    only_fields(data, SET_FIELDS)
    exercise = library_exercise(data, known_exercises)
    side = side_of(data)
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        raise Invalid("data.note: must be text or null")
    if note is not None and len(note) > MAX_NOTE:
        raise Invalid(f"data.note: is {len(note)} characters; at most {MAX_NOTE}")
    if note is not None and not storable(note):
        raise Invalid("data.note: contains a broken character (half of a UTF-16 pair, or NUL)")
    return {
        "exercise": exercise,
        "set": whole_number(data, "set", *SET_LIMITS["set"], required=True),
        "side": side,
        "reps": whole_number(data, "reps", *SET_LIMITS["reps"]),
        "hold_s": whole_number(data, "hold_s", *SET_LIMITS["hold_s"]),
        "load_kg": number(data, "load_kg", *SET_LIMITS["load_kg"]),
        "rpe": whole_number(data, "rpe", *SET_LIMITS["rpe"]),
        "pain": whole_number(data, "pain", *SET_LIMITS["pain"]),
        "note": note,
        # The ladder rung the runner did (0: the exercise itself, +n harder, -n easier);
        # older clients don't send it, and then it was the exercise itself.
        "level": whole_number(data, "level", -MAX_LEVEL, MAX_LEVEL) or 0,
        # The runner tapped "Sharp pain" for this set (the player stops the exercise);
        # older clients don't send it, and then it wasn't tapped.
        "sharp": flag(data, "sharp"),
    }


def flag(data: dict, field: str) -> bool:
    """A yes-or-no field: true or false, left out (or null) meaning false."""
    value = data.get(field)
    if value is None:
        return False
    if type(value) is not bool:
        raise Invalid(f"data.{field}: must be true or false")
    return value


def session_finished_data(data: dict, known_exercises) -> dict:
    only_fields(data, set())
    return {}


def morning_checked_data(data: dict, known_exercises) -> dict:
    """The next-morning answer for the session (or run) in the envelope's `session`: how
    the body feels compared with before it (pain-monitoring model, docs/content-rules.md, rule 1),
    and optionally the pain this morning, 0-10: the walk-run plan moves on only when it
    is in the safe zone (rule 14). Older clients send no pain: null."""
    only_fields(data, {"feel", "pain"})
    if data.get("feel") not in MORNING_FEELINGS:
        raise Invalid("data.feel: must be 'better', 'same' or 'worse'")
    return {"feel": data["feel"], "pain": whole_number(data, "pain", 0, HIGHEST)}


def exercise_stopped_data(data: dict, known_exercises) -> dict:
    """The player stopped an exercise (docs/content-rules.md, rule 1): a set's pain was
    above 5, or the runner said it was sharp. `set` is the set where it stopped. The
    player logs it at that moment, with the set (docs/sync-protocol.md, "A stop is a
    fact"), so it carries no `choice`; older players logged it from the stop card with
    what the runner chose then ("easier": the remaining sets logged with `level` one
    below; "skip"), which stays valid. Never a session on its own."""
    only_fields(data, {"exercise", "set", "side", "reason", "pain", "choice"})
    exercise = library_exercise(data, known_exercises)
    set_no = whole_number(data, "set", *SET_LIMITS["set"], required=True)
    side = side_of(data)
    reason = data.get("reason")
    if reason not in STOP_REASONS:
        raise Invalid("data.reason: must be 'pain' or 'sharp-pain'")
    pain = whole_number(data, "pain", 0, 10)
    if reason == "pain" and (pain is None or pain <= ACCEPTABLE_MAX):
        raise Invalid(f"data.pain: must be above {ACCEPTABLE_MAX} when the reason is 'pain'")
    choice = data.get("choice")
    if choice is not None and choice not in STOP_CHOICES:
        raise Invalid("data.choice: must be 'easier' or 'skip', or left out")
    return {
        "exercise": exercise, "set": set_no, "side": side, "reason": reason, "pain": pain,
        "choice": choice,
    }  # fmt: skip


def capacity_tested_data(data: dict, known_exercises) -> dict:
    """One side of a capacity test (docs/content-rules.md, rules 3 and 10): reps to fatigue (heel
    raises, single-leg bridges), seconds held (side bridge) or a squat checklist. The
    envelope's `session` is the sitting: both sides of one test share it. The sex and age
    band the runner gave ride along, so the result says which norm it was read against."""
    only_fields(
        data, {"test", "side", "reps", "hold_s", "checklist", "pain", "sex", "age_band", "incline"}
    )
    test = data.get("test")
    if test not in CAPACITY_TESTS:
        raise Invalid(f"data.test: must be one of {', '.join(CAPACITY_TESTS)}")
    if data.get("side") not in ("left", "right"):
        raise Invalid("data.side: must be 'left' or 'right' (each side is tested on its own)")
    measure = CAPACITY_TESTS[test]
    for field in ("reps", "hold_s", "checklist"):
        if field != measure and data.get(field) is not None:
            raise Invalid(f"data.{field}: is not part of a {test} test")
    if data.get("sex") not in (None, *SEXES):
        raise Invalid("data.sex: must be 'female', 'male' or null")
    if data.get("age_band") not in (None, *AGE_BANDS):
        raise Invalid(f"data.age_band: must be one of {', '.join(AGE_BANDS)}, or null")
    if data.get("incline") not in (None, True, False):
        raise Invalid("data.incline: must be true, false or null")
    return {
        "test": test,
        "side": data["side"],
        "reps": whole_number(data, "reps", *SET_LIMITS["reps"], required=measure == "reps"),
        "hold_s": whole_number(data, "hold_s", *SET_LIMITS["hold_s"], required=measure == "hold_s"),
        "checklist": squat_checklist(data) if measure == "checklist" else None,
        "pain": whole_number(data, "pain", 0, HIGHEST),
        "sex": data.get("sex"),
        "age_band": data.get("age_band"),
        "incline": data.get("incline"),
    }


def squat_checklist(data: dict) -> dict:
    checklist = data.get("checklist")
    wanted = ", ".join(SQUAT_CHECKLIST)
    if (
        not isinstance(checklist, dict)
        or set(checklist) != set(SQUAT_CHECKLIST)
        or not all(isinstance(value, bool) for value in checklist.values())
    ):
        raise Invalid(f"data.checklist: must be {{{wanted}}}, each true or false")
    return {item: checklist[item] for item in SQUAT_CHECKLIST}


def run_logged_data(data: dict, known_exercises) -> dict:
    """A run, logged by hand or read from a watch file: when it began, how long and far,
    effort and pain during, the walk-run plan's stage it was and the pain of its hop check,
    if any. The envelope's `session` is the run: a run logged again (a correction, or the
    same watch file imported twice) replaces the earlier one, the latest counting."""
    only_fields(data, RUN_FIELDS)
    if data.get("start") is None:
        raise Invalid("data.start: is required: when the run began, e.g. 2026-11-27T07:30:00Z")
    start = run_start(data["start"])
    source = data.get("source", "hand")
    if source not in RUN_SOURCES:
        raise Invalid(f"data.source: must be one of {', '.join(RUN_SOURCES)}")
    note = data.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise Invalid(f"data.note: must be text of at most {MAX_NOTE} characters, or null")
    if note is not None and not storable(note):
        raise Invalid("data.note: contains a broken character (half of a UTF-16 pair, or NUL)")
    limits = RUN_LIMITS
    hop = whole_number(data, "hop_pain", *limits["hop_pain"])
    return {
        "start": start,
        "duration_s": whole_number(data, "duration_s", *limits["duration_s"], required=True),
        "distance_m": whole_number(data, "distance_m", *limits["distance_m"]),
        "effort": whole_number(data, "effort", *limits["effort"]),
        "pain": whole_number(data, "pain", *limits["pain"]),
        "stage": whole_number(data, "stage", *limits["stage"]),
        "source": source,
        "note": note,
        # Only a run logged with a hop check carries it: runs stored before it stay as they were.
        **({"hop_pain": hop} if hop is not None else {}),
    }


def run_start(value) -> str:
    """When a run began, as the runner's clock said (ISO 8601 with its offset), checked
    like an event's `at` and kept in one spelling so a re-sent run compares equal."""
    try:
        moment, offset = parse_time(value, utcnow())
    except Invalid as problem:
        raise Invalid("data.start" + str(problem)[2:]) from None
    return moment.astimezone(zone_of(offset)).isoformat(timespec="seconds")


DATA_RULES = {
    "session.started": session_started_data,
    "set.logged": set_logged_data,
    "session.finished": session_finished_data,
    "morning.checked": morning_checked_data,
    "exercise.stopped": exercise_stopped_data,
    "capacity.tested": capacity_tested_data,
    "run.logged": run_logged_data,
}


def event_id_of(raw) -> str | None:
    """The id to echo back in a result, even for an event that is otherwise invalid."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and len(raw["id"]) <= 64:
        return raw["id"] if storable(raw["id"]) else None
    return None


def validate(raw, known_exercises, now: datetime) -> ValidEvent:
    """A checked, normalised event, or `Invalid` naming the first field that is wrong."""
    if not isinstance(raw, dict):
        raise Invalid("event: must be a JSON object")
    if raw.keys() != ENVELOPE_FIELDS:  # one comparison for the usual event
        for field in ("id", "type", "at", "session", "data"):
            if field not in raw:
                raise Invalid(f"{field}: is required")
        extra = min(raw.keys() - ENVELOPE_FIELDS)
        raise Invalid(f"{extra[:40]}: is not a field of an event")
    event_id = parse_uuid(raw["id"], "id")
    if raw["type"] not in EVENT_TYPES:
        raise Invalid(f"type: must be one of {', '.join(EVENT_TYPES)}")
    at, offset = parse_time(raw["at"], now)
    session = parse_uuid(raw["session"], "session")
    if not isinstance(raw["data"], dict):
        raise Invalid("data: must be a JSON object")
    data = DATA_RULES[raw["type"]](raw["data"], known_exercises)
    return ValidEvent(event_id, raw["type"], at, offset, session, data)
