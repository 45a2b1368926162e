"""A catalogue of bad input: every one gets an answer a person can act on, never a 5xx,
and nothing wrong is stored.

Sync has two kinds of answer (docs/sync-protocol.md): a bad envelope is a 4xx for the
whole request; a bad event inside a good envelope is `rejected` in the 200 answer, with
the reason, so the rest of its batch still syncs. Forms answer 400 or 422 with the
error next to the field.
"""

import contextlib
import json
import socket
import threading
import uuid

import pytest

from runpt.extensions import db
from tests.events import at, capacity_side, event, logged, new_session, ran, started
from tests.test_login_limit import threaded_server
from tests.test_ownership import everything
from tests.test_routines import HTMX, create, step_ids

# --- sync: the envelope ---------------------------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000
ENVELOPES = [
    # (name, body, content type, status, words in the error)
    ("not json", b"not json at all", "application/json", 400, "The body is not valid JSON."),
    ("empty body", b"", "application/json", 400, "The body is not valid JSON."),
    ("bad utf-8", b'{"events": ["\xff\xfe"]}', "application/json", 400, "not valid JSON"),
    ("deep nesting", DEEP, "application/json", 400, "The body is not valid JSON."),
    (
        "a 5000-digit number",
        b'{"events": [' + b"9" * 5000 + b"]}",
        "application/json",
        400,
        "not valid JSON",
    ),  # fmt: skip
    ("a list, not an object", b"[]", "application/json", 400, 'an "events" list'),
    ("events missing", b"{}", "application/json", 400, 'an "events" list'),
    ("events is text", b'{"events": "nope"}', "application/json", 400, 'an "events" list'),
    ("events is an object", b'{"events": {}}', "application/json", 400, 'an "events" list'),
    ("events is null", b'{"events": null}', "application/json", 400, 'an "events" list'),
    ("text/plain", b'{"events": []}', "text/plain", 415, "Content-Type: application/json"),
    (
        "a form post",
        b"events=1",
        "application/x-www-form-urlencoded",
        415,
        "Content-Type: application/json",
    ),  # fmt: skip
    ("no content type", b'{"events": []}', None, 415, "Content-Type: application/json"),
    (
        "over 2 MB",
        b'{"events": ["' + b"x" * (3 * 1024 * 1024) + b'"]}',
        "application/json",
        413,
        "That request is too large.",
    ),  # fmt: skip
    (
        "501 events",
        json.dumps({"events": [{}] * 501}).encode(),
        "application/json",
        413,
        "At most 500 events per request; this one has 501.",
    ),  # fmt: skip
]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [case[1:] for case in ENVELOPES],
    ids=[case[0] for case in ENVELOPES],
)
def test_a_bad_sync_envelope_is_a_4xx_with_what_to_fix(
    signed_in, app, body, content_type, status, words
):
    with app.app_context():
        before = everything()
    headers = {"Content-Type": content_type} if content_type else {}
    response = signed_in.post("/api/sync", data=body, headers=headers)
    assert response.status_code == status
    assert words in response.get_json()["error"]
    with app.app_context():
        assert everything() == before


# --- sync: one bad event in a good batch ----------------------------------------------


def with_data(**changes) -> dict:
    base = logged(new_session())
    base["data"] = {**base["data"], **changes}
    return base


def with_envelope(**changes) -> dict:
    base = logged(new_session())
    base.update(changes)
    return base


def without(field: str, inside_data: bool = False) -> dict:
    base = logged(new_session())
    del (base["data"] if inside_data else base)[field]
    return base


def stop(**changes) -> dict:
    """An exercise.stopped event; a change to None leaves that field out."""
    data = {"exercise": "step-down", "set": 2, "side": None, "reason": "pain", "pain": 6,
            "choice": "skip", **changes}  # fmt: skip
    return event(
        "exercise.stopped", new_session(), {k: v for k, v in data.items() if v is not None}
    )


def nested(depth: int):
    value = "deep"
    for _ in range(depth):
        value = [value]
    return value


EVENTS = [
    # (name, event, exact error)
    ("set is text", with_data(set="1"), "data.set: must be a whole number from 1 to 100"),
    ("reps is true", with_data(reps=True), "data.reps: must be a whole number from 0 to 500"),
    ("pain is a fraction", with_data(pain=5.5), "data.pain: must be a whole number from 0 to 10"),
    ("load is text", with_data(load_kg="heavy"), "data.load_kg: must be a number from 0 to 500"),
    ("note is a list", with_data(note=["a"]), "data.note: must be text or null"),
    ("side is a number", with_data(side=1), "data.side: must be 'left', 'right' or null"),
    ("no id", without("id"), "id: is required"),
    ("no data", without("data"), "data: is required"),
    ("no set number", without("set", inside_data=True), "data.set: is required"),
    (
        "no exercise",
        without("exercise", inside_data=True),
        "data.exercise: must be an exercise slug, e.g. glute-bridge",
    ),  # fmt: skip
    ("pain 11", with_data(pain=11), "data.pain: 11 is out of range 0-10"),
    ("reps 501", with_data(reps=501), "data.reps: 501 is out of range 0-500"),
    ("hold -1", with_data(reps=None, hold_s=-1), "data.hold_s: -1 is out of range 0-3600"),
    ("rpe 0", with_data(rpe=0), "data.rpe: 0 is out of range 1-10"),
    ("load 501 kg", with_data(load_kg=501.5), "data.load_kg: 501.5 is out of range 0-500"),
    (
        "a 1001-character note",
        with_data(note="n" * 1001),
        "data.note: is 1001 characters; at most 1000",
    ),  # fmt: skip
    (
        "a 100,000-character id",
        with_envelope(id="u" * 100_000),
        "id: '" + "u" * 60 + "' is not a UUID",
    ),  # fmt: skip
    (
        "a 100,000-character exercise",
        with_data(exercise="e" * 100_000),
        "data.exercise: '" + "e" * 80 + "' is not an exercise in the library",
    ),  # fmt: skip
    (
        "a 101-character routine",
        started(new_session(), routine="r" * 101),
        "data.routine: must be a routine slug or a positive routine id",
    ),  # fmt: skip
    ("id not a uuid", with_envelope(id="not-a-uuid"), "id: 'not-a-uuid' is not a UUID"),
    (
        "id in upper case",
        with_envelope(id="0B6F3B5E-7C1E-4F43-9A0E-3F4A1C2D5E6F"),
        "id: use the lower-case form 8-4-4-4-12, e.g. 0b6f3b5e-7c1e-4f43-9a0e-3f4a1c2d5e6f",
    ),  # fmt: skip
    (
        "id in braces",
        with_envelope(id="{0b6f3b5e-7c1e-4f43-9a0e-3f4a1c2d5e6f}"),
        "id: use the lower-case form 8-4-4-4-12, e.g. 0b6f3b5e-7c1e-4f43-9a0e-3f4a1c2d5e6f",
    ),  # fmt: skip
    (
        "id as a urn",
        with_envelope(id="urn:uuid:0b6f3b5e-7c1e-4f43-9a0e-3f4a1c2d5e6f"),
        "id: use the lower-case form 8-4-4-4-12, e.g. 0b6f3b5e-7c1e-4f43-9a0e-3f4a1c2d5e6f",
    ),  # fmt: skip
    (
        "id without dashes",
        with_envelope(id="0b6f3b5e7c1e4f439a0e3f4a1c2d5e6f"),
        "id: use the lower-case form 8-4-4-4-12, e.g. 0b6f3b5e-7c1e-4f43-9a0e-3f4a1c2d5e6f",
    ),  # fmt: skip
    (
        "session in upper case",
        with_envelope(session="5D1C9A57-0A2E-4A36-B1A8-2F0C6F7D9E10"),
        "session: use the lower-case form 8-4-4-4-12, e.g. 5d1c9a57-0a2e-4a36-b1a8-2f0c6f7d9e10",
    ),  # fmt: skip
    ("id a number", with_envelope(id=12345), "id: must be a UUID string"),
    ("session not a uuid", with_envelope(session="12345"), "session: '12345' is not a UUID"),
    (
        "unknown exercise",
        with_data(exercise="moon-walk"),
        "data.exercise: 'moon-walk' is not an exercise in the library",
    ),  # fmt: skip
    (
        "two days ahead",
        with_envelope(at=at(minutes=2 * 24 * 60)),
        "at: is more than 24 hours in the future; check the device clock",
    ),  # fmt: skip
    (
        "year 9999",
        with_envelope(at="9999-12-31T23:59:59-14:00"),
        "at: is more than 24 hours in the future; check the device clock",
    ),  # fmt: skip
    (
        "before 2000",
        with_envelope(at="1999-12-31T23:00:00+00:00"),
        "at: is before the year 2000; check the device clock",
    ),  # fmt: skip
    (
        "time without offset",
        with_envelope(at="2026-11-27T07:30:00"),
        "at: needs a UTC offset, e.g. 2026-11-27T07:30:00+01:00 or ...Z",
    ),  # fmt: skip
    (
        "unknown type",
        with_envelope(type="set.deleted"),
        "type: must be one of session.started, set.logged, session.finished, morning.checked, "
        "exercise.stopped, capacity.tested, run.logged",
    ),  # fmt: skip
    ("unknown data field", with_data(mood="great"), "data.mood: is not a field of this event type"),
    ("sharp pain as text", with_data(sharp="yes"), "data.sharp: must be true or false"),
    ("a note nested 500 deep", with_data(note=nested(500)), "data.note: must be text or null"),
    ("data is a list", with_envelope(data=[1]), "data: must be a JSON object"),
    (
        "planned sets 1001",
        started(new_session(), planned_sets=1001),
        "data.planned_sets: 1001 is out of range 0-1000",
    ),  # fmt: skip
    (
        "planned sets as text",
        started(new_session(), planned_sets="24"),
        "data.planned_sets: must be a whole number from 0 to 1000",
    ),  # fmt: skip
    ("stop without a reason", stop(reason=None), "data.reason: must be 'pain' or 'sharp-pain'"),
    ("stop with pain 5", stop(pain=5), "data.pain: must be above 5 when the reason is 'pain'"),
    (
        "stop with an unknown choice",
        stop(choice="later"),
        "data.choice: must be 'easier' or 'skip', or left out",
    ),  # fmt: skip
    ("stop with no set", stop(set=None), "data.set: is required"),
    (
        "stop of an unknown exercise",
        stop(exercise="moon-walk"),
        "data.exercise: 'moon-walk' is not an exercise in the library",
    ),  # fmt: skip
    (
        "finished with data",
        event("session.finished", new_session(), {"early": True}),
        "data.early: is not a field of this event type",
    ),  # fmt: skip
    # capacity tests (capacity.tested)
    ("test of an unknown kind", capacity_side(new_session(), test="plank"),
     "data.test: must be one of heel-raise, side-bridge, single-leg-bridge, single-leg-squat"),
    ("test with no side", capacity_side(new_session(), side=None),
     "data.side: must be 'left' or 'right' (each side is tested on its own)"),
    ("heel raises with no count", capacity_side(new_session(), reps=None),
     "data.reps: is required"),
    ("heel raises counted in seconds", capacity_side(new_session(), hold_s=40),
     "data.hold_s: is not part of a heel-raise test"),
    ("heel raises 501", capacity_side(new_session(), reps=501),
     "data.reps: 501 is out of range 0-500"),
    ("side bridge in reps", capacity_side(new_session(), "side-bridge", reps=30),
     "data.reps: is not part of a side-bridge test"),
    ("side bridge for 2 hours", capacity_side(new_session(), "side-bridge", hold_s=7200),
     "data.hold_s: 7200 is out of range 0-3600"),
    ("squat checklist missing an item",
     capacity_side(new_session(), "single-leg-squat", checklist={"knee_over_toes": True}),
     "data.checklist: must be {knee_over_toes, pelvis_level, trunk_upright}, each true or false"),
    ("squat checklist in words",
     capacity_side(new_session(), "single-leg-squat",
                   checklist={"knee_over_toes": "yes", "pelvis_level": True, "trunk_upright": 1}),
     "data.checklist: must be {knee_over_toes, pelvis_level, trunk_upright}, each true or false"),
    ("test with an unknown sex", capacity_side(new_session(), sex="x"),
     "data.sex: must be 'female', 'male' or null"),
    ("test with an age in years", capacity_side(new_session(), age_band=34),
     "data.age_band: must be one of under-20, 20-29, 30-39, 40-49, 50-59, 60-69, 70+, or null"),
    ("test on an incline of 'yes'", capacity_side(new_session(), incline="yes"),
     "data.incline: must be true, false or null"),
    ("test with pain 11", capacity_side(new_session(), pain=11),
     "data.pain: 11 is out of range 0-10"),
    ("test with an extra field", capacity_side(new_session(), exercise="glute-bridge"),
     "data.exercise: is not a field of this event type"),
    # runs (run.logged)
    ("run with no start", ran(new_session(), start=None) | {"data": {
        k: v for k, v in ran(new_session())["data"].items() if k != "start"}},
     "data.start: is required: when the run began, e.g. 2026-11-27T07:30:00Z"),
    ("run start without an offset", ran(new_session(), start="2026-03-02T07:30:00"),
     "data.start: needs a UTC offset, e.g. 2026-11-27T07:30:00+01:00 or ...Z"),
    ("run starting in two days", ran(new_session(), start=at(2 * 24 * 60)),
     "data.start: is more than 24 hours in the future; check the device clock"),
    ("run start as a number", ran(new_session(), start=1764480000),
     "data.start: must be an ISO 8601 time string, e.g. 2026-11-27T07:30:00+01:00"),
    ("run of no time", ran(new_session(), duration_s=0),
     "data.duration_s: 0 is out of range 1-86400"),
    ("run with no duration", ran(new_session(), duration_s=None),
     "data.duration_s: is required"),
    ("run of 5.5 km as text", ran(new_session(), distance_m="5.5 km"),
     "data.distance_m: must be a whole number from 0 to 500000"),
    ("run with effort 11", ran(new_session(), effort=11), "data.effort: 11 is out of range 1-10"),
    ("run with pain -1", ran(new_session(), pain=-1), "data.pain: -1 is out of range 0-10"),
    ("run at stage 21", ran(new_session(), stage=21), "data.stage: 21 is out of range 1-20"),
    ("run from a phone app", ran(new_session(), source="strava"),
     "data.source: must be one of hand, gpx, tcx, fit"),
    ("run with a 1001-character note", ran(new_session(), note="n" * 1001),
     "data.note: must be text of at most 1000 characters, or null"),
    ("run with a heart rate", ran(new_session(), heart_rate=150),
     "data.heart_rate: is not a field of this event type"),
    # the next-morning answer's pain
    ("morning pain 11", event("morning.checked", new_session(), {"feel": "same", "pain": 11}),
     "data.pain: 11 is out of range 0-10"),
    ("morning pain as text", event("morning.checked", new_session(), {"feel": "same", "pain": "2"}),
     "data.pain: must be a whole number from 0 to 10"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("bad", "error"), [case[1:] for case in EVENTS], ids=[case[0] for case in EVENTS]
)
def test_a_bad_event_is_rejected_with_its_reason_and_the_good_one_beside_it_kept(
    signed_in, app, bad, error
):
    good = logged(new_session())
    response = signed_in.post("/api/sync", json={"events": [bad, good]})
    assert response.status_code == 200
    first, second = response.get_json()["results"]
    assert first["status"] == "rejected"
    assert first["error"] == error
    assert second == {"id": good["id"], "status": "accepted"}
    with app.app_context():
        assert everything()["event"] == [tuple_of(good)]


def tuple_of(good: dict) -> tuple:
    """The one row the good event makes, as `everything()` lists it."""
    from sqlalchemy import select

    from runpt.log.models import Event

    row = db.session.execute(select(Event.__table__).where(Event.id == uuid.UUID(good["id"])))
    return tuple(row.one())


def test_the_result_names_a_rejected_event_by_the_id_exactly_as_sent(signed_in):
    """The device clears its outbox by matching this string."""
    shouting = with_envelope(id=str(uuid.uuid4()).upper())
    (result,) = signed_in.post("/api/sync", json={"events": [shouting]}).get_json()["results"]
    assert result["id"] == shouting["id"] and result["status"] == "rejected"


def test_an_id_reused_for_other_content_is_rejected_and_changes_nothing(signed_in, app):
    first = logged(new_session(), reps=10, note="felt fine")
    assert signed_in.post("/api/sync", json={"events": [first]}).status_code == 200
    with app.app_context():
        before = everything()
    rewritten = dict(first, data={**first["data"], "reps": 30, "note": "rewritten"})
    response = signed_in.post("/api/sync", json={"events": [rewritten, first]})
    assert response.status_code == 200
    assert response.get_json()["results"] == [
        {"id": first["id"], "status": "rejected",
         "error": "id: already used for a different event; make a new UUID for each event"},
        {"id": first["id"], "status": "duplicate"},
    ]  # fmt: skip
    with app.app_context():
        assert everything() == before


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"NaN", "data.pain: must be a whole number from 0 to 10"),
        (b"Infinity", "data.pain: must be a whole number from 0 to 10"),
        (b"1e309", "data.pain: must be a whole number from 0 to 10"),
    ],
    ids=["NaN", "Infinity", "1e309"],
)
def test_numbers_json_should_not_have_are_rejected(signed_in, app, raw, error):
    bad = with_data(pain=123456789)
    body = json.dumps({"events": [bad]}).encode().replace(b"123456789", raw)
    response = signed_in.post("/api/sync", data=body, content_type="application/json")
    assert response.status_code == 200
    assert response.get_json()["results"] == [{"id": bad["id"], "status": "rejected",
                                               "error": error}]  # fmt: skip
    with app.app_context():
        assert everything()["event"] == []


# --- the sessions API's `since` -------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "words"),
    [
        ("yesterday", "since: use an ISO 8601 time, e.g. 2026-11-27T07:30:00Z"),
        ("2026-11-27T07:30:00", "since: needs a UTC offset, e.g. 2026-11-27T07:30:00Z"),
        ("9999-12-31T23:59:59-14:00", "since: is out of range; send the last answer's server_time"),
        ("0001-01-01T00:00:00+14:00", "since: is out of range; send the last answer's server_time"),
        ("x" * 10_000, "since: use an ISO 8601 time"),
    ],
    ids=["words", "no offset", "past year 9999", "before year 1", "huge"],
)
def test_a_bad_since_is_400_with_an_example(signed_in, since, words):
    response = signed_in.get("/api/sessions", query_string={"since": since})
    assert response.status_code == 400
    assert words in response.get_json()["error"]


# --- html in a note is shown as text --------------------------------------------------


def test_a_note_with_html_is_shown_escaped_on_the_sessions_page(signed_in, app):
    note = '<script>alert("x")</script><img src=x onerror=alert(1)> & done'
    session = new_session()
    events = [started(session), logged(session, set_no=2, side="left", note=note)]
    results = signed_in.post("/api/sync", json={"events": events}).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    with app.app_context():
        stored = [row for row in everything()["event"] if row[0] == uuid.UUID(events[1]["id"])]
        assert stored[0][6]["note"] == note  # kept exactly as typed

    page = signed_in.get("/history/sessions")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body
    escaped = (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
        "&lt;img src=x onerror=alert(1)&gt; &amp; done"
    )
    assert f"Glute bridge, set 2 (left): {escaped}</li>" in body
    # The API hands it back unchanged, as data for the phone to show as text.
    api = signed_in.get("/api/sessions").get_json()["sessions"][0]["sets"][0]
    assert api["note"] == note


def test_a_note_with_half_a_surrogate_pair_is_refused_and_the_page_still_works(signed_in):
    session = new_session()
    body = json.dumps({"events": [logged(session, note="sore\ud800 calf")]})
    answer = signed_in.post("/api/sync", data=body, content_type="application/json").get_json()
    assert answer["results"][0]["status"] == "rejected"
    assert answer["results"][0]["error"].startswith("data.note: contains a broken character")
    page = signed_in.get("/history/sessions")
    assert page.status_code == 200
    assert "sore" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "event",
    [
        {"id": "\ud800", "type": "set.logged"},  # an id that is half a surrogate pair
        "an extra field named with half a pair",
    ],
    ids=["broken-id", "broken-field-name"],
)
def test_half_a_surrogate_pair_quoted_back_is_answered_and_the_batch_stored(signed_in, event):
    """What a message quotes of a broken event is still written: the batch is answered
    200 with that event rejected and the good one stored, never a 500 that a phone would
    resend for ever."""
    session = new_session()
    if not isinstance(event, dict):
        event = {**logged(session), "\udc00": 1}
    good = logged(session, set_no=2)
    body = json.dumps({"events": [good, event]})
    response = signed_in.post("/api/sync", data=body, content_type="application/json")
    assert response.status_code == 200
    first, second = response.get_json()["results"]
    assert first == {"id": good["id"], "status": "accepted"}
    assert second["status"] == "rejected" and second["error"]
    again = signed_in.post("/api/sync", data=body, content_type="application/json")
    assert again.get_json()["results"][0]["status"] == "duplicate"


def test_sets_without_a_note_add_no_note_line(signed_in):
    session = new_session()
    signed_in.post("/api/sync", json={"events": [started(session), logged(session)]})
    body = signed_in.get("/history/sessions").get_data(as_text=True)
    assert "Runner&#39;s essentials" in body
    assert "data-set-note" not in body


# --- forms ----------------------------------------------------------------------------

NUL = "\x00"
FORMS = [
    # (name, who, path, form, status, message)
    ("register: no email", None, "/auth/register", {"email": "", "password": "long-enough-1"},
     400, "Enter your email address."),
    ("register: not an email", None, "/auth/register",
     {"email": "runner.example.com", "password": "long-enough-1"}, 400,
     "Enter an email address like name@example.com."),
    ("register: NUL in email", None, "/auth/register",
     {"email": f"run{NUL}ner@example.com", "password": "long-enough-1"}, 400,
     "Enter an email address like name@example.com."),
    ("register: 300 KB email", None, "/auth/register",
     {"email": "a" * 300_000 + "@example.com", "password": "long-enough-1"}, 400,
     "Enter an email address like name@example.com."),
    ("register: short password", None, "/auth/register",
     {"email": "new@example.com", "password": "short"}, 400, "Use at least 8 characters."),
    ("register: no password field", None, "/auth/register", {"email": "new@example.com"},
     400, "Use at least 8 characters."),
    ("login: nothing typed", None, "/auth/login", {}, 400,
     "Email or password is not right. Check both and try again."),
    ("login: NUL in email", None, "/auth/login",
     {"email": f"runner{NUL}@example.com", "password": "long-enough-1"}, 400,
     "Email or password is not right. Check both and try again."),
    ("login: 300 KB email", None, "/auth/login",
     {"email": "a" * 300_000, "password": "long-enough-1"}, 400,
     "Email or password is not right. Check both and try again."),
    ("password: wrong current", "runner", "/auth/password",
     {"current_password": "nope-nope", "new_password": "a-new-secret"}, 400,
     "That is not your current password."),
    ("password: new too long", "runner", "/auth/password",
     {"current_password": "long-enough-1", "new_password": "p" * 201}, 400,
     "Use at most 200 characters."),
    ("password: no fields", "runner", "/auth/password", {}, 400,
     "That is not your current password."),
    ("new routine: no name", "runner", "/routines", {"name": "   "}, 400,
     "Give the routine a name."),
    ("new routine: long name", "runner", "/routines", {"name": "n" * 121}, 400,
     "Keep the name under 120 characters."),
    ("new routine: NUL in name", "runner", "/routines", {"name": f"Tues{NUL}day"}, 400,
     "The name has an invisible control character; type it again."),
    ("new routine: long summary", "runner", "/routines",
     {"name": "Fine", "summary": "s" * 501}, 400, "Keep the description under 500 characters."),
    ("edit routine: NUL in summary", "runner", "/routines/{r}/edit",
     {"name": "Fine", "summary": f"warm{NUL}up"}, 400,
     "The description has an invisible control character; type it again."),
    ("edit routine: no name", "runner", "/routines/{r}/edit", {"name": "", "summary": ""},
     400, "Give the routine a name."),
    ("dose: words", "runner", "/routines/{r}/steps/{s}/dose",
     {"sets": "three", "reps": "10", "rest_s": "30"}, 422, "Sets: a whole number from 1 to 10."),
    ("dose: exponent", "runner", "/routines/{r}/steps/{s}/dose",
     {"sets": "3", "reps": "1e3", "rest_s": "30"}, 422, "Reps: a whole number from 1 to 100."),
    ("dose: arabic digit", "runner", "/routines/{r}/steps/{s}/dose",
     {"sets": "٣", "reps": "10", "rest_s": "30"}, 422, "Sets: a whole number from 1 to 10."),
    ("dose: negative rest", "runner", "/routines/{r}/steps/{s}/dose",
     {"sets": "3", "reps": "10", "rest_s": "-1"}, 422,
     "Rest seconds: a whole number from 0 to 600."),
    ("add step: nothing chosen", "runner", "/routines/{r}/steps", {"exercise": ""}, 422,
     "Pick an exercise from the list."),
    ("add step: unknown exercise", "runner", "/routines/{r}/steps", {"exercise": "moon-walk"},
     422, "Pick an exercise from the list."),
    ("add step: 100 KB slug", "runner", "/routines/{r}/steps", {"exercise": "x" * 100_000},
     422, "Pick an exercise from the list."),
    ("move: sideways", "runner", "/routines/{r}/steps/{s}/move", {"direction": "sideways"},
     422, "Move a step up or down."),
    ("move: no direction", "runner", "/routines/{r}/steps/{s}/move", {}, 422,
     "Move a step up or down."),
    ("delete account: wrong password", "runner", "/auth/delete", {"password": "nope-nope"},
     400, "That is not your password. Nothing was deleted."),
    ("delete account: no password", "runner", "/auth/delete", {}, 400,
     "That is not your password. Nothing was deleted."),
    ("a 3 MB form", "runner", "/routines", {"name": "n" * (3 * 1024 * 1024)}, 413,
     "That is too much to send at once. Shorten what you typed and try again."),
]  # fmt: skip


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("who", "path", "form", "status", "message"),
    [case[1:] for case in FORMS],
    ids=[case[0] for case in FORMS],
)
def test_a_bad_form_is_refused_with_what_to_fix(
    client, auth, app, who, path, form, status, message, headers
):
    auth.register()
    routine_id = create(client, "Mine", "glute-bridge", "hip-circles")
    with app.app_context():
        step_id = step_ids(routine_id)[0]
    if who is None:
        auth.logout()
    with app.app_context():
        before = everything()
    response = client.post(path.format(r=routine_id, s=step_id), data=form, headers=headers)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    with app.app_context():
        after = everything()
        # A failed login is counted by design (the rate limit); nothing else changes.
        after.pop("login_attempt"), before.pop("login_attempt")
        assert after == before
    still_in = client.get("/routines").status_code == 200
    assert still_in == (who == "runner")


@pytest.mark.parametrize(
    "path",
    ["/routines/99999999999999999999", "/session/99999999999999999999",
     "/routines/1/steps/99999999999999999999/move", "/session/1/steps/99999999999999999999"],
)  # fmt: skip
def test_an_id_too_big_for_the_database_is_not_found(signed_in, app, path):
    with app.app_context():
        before = everything()
    method = "post" if path.endswith("/move") else "get"
    response = getattr(signed_in, method)(path, data={"direction": "up"})
    assert response.status_code == 404
    assert "There is nothing here." in response.get_data(as_text=True)
    with app.app_context():
        assert everything() == before


# --- over the wire: bodies without a length, and Host headers --------------------------


def exchange(port: int, head: bytes, chunks: list[bytes] | None = None) -> tuple[int, bytes]:
    """One raw HTTP/1.1 exchange with a real server, the body sent chunked (no length) by
    another thread so an early answer is still read. (status, body)."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)

    def send():
        with contextlib.suppress(OSError):  # the server may answer and close first
            connection.sendall(head)
            if chunks is not None:
                for chunk in chunks:
                    connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                connection.sendall(b"0\r\n\r\n")
            connection.shutdown(socket.SHUT_WR)  # all sent: a server still reading stops

    sender = threading.Thread(target=send)
    sender.start()
    answer = b""
    with contextlib.suppress(OSError):
        while data := connection.recv(65536):
            answer += data
    sender.join()
    connection.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def chunked_post(port: int, path: str, content_type: str, cookie: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
        f"Transfer-Encoding: chunked\r\nCookie: session={cookie}\r\nConnection: close\r\n\r\n"
    ).encode()


def test_a_body_over_the_limit_is_413_however_it_is_sent(signed_in, app):
    """Without Content-Length (chunked), a 10 MB body was cut at 2 MB and answered "not
    valid JSON". It is a 413 like any other, and a small chunked body still works."""
    cookie = signed_in.get_cookie("session").value
    with app.app_context():
        before = everything()
    ten_mb = [b'{"events": ["'] + [b"x" * 65536] * 160 + [b'"]}']
    good = logged(new_session())
    with threaded_server(app) as port:
        sync = chunked_post(port, "/api/sync", "application/json", cookie)
        status, body = exchange(port, sync, ten_mb)
        assert status == 413
        assert json.loads(body)["error"].startswith("That request is too large.")
        form = chunked_post(port, "/routines", "application/x-www-form-urlencoded", cookie)
        status, body = exchange(port, form, [b"name=" + b"n" * 65536] * 48)
        assert status == 413
        assert b"That is too much to send at once." in body
        with app.app_context():
            assert everything() == before

        status, body = exchange(port, sync, [json.dumps({"events": [good]}).encode()])
        assert status == 200
        assert json.loads(body)["results"] == [{"id": good["id"], "status": "accepted"}]


HOSTS = [
    ("a 300-character label", "a" * 300),
    ("a 64-character label", "a" * 64 + ".example"),
    ("a name over 253 characters", ".".join(["a" * 60] * 5)),
    ("a space", "run pt.example"),
    ("a control character", "runpt\x01.example"),
    ("broken punycode", "xn--.example"),
    ("an empty label", "runpt..example"),
    ("a port too large", "runpt.example:99999"),
    ("a port in words", "runpt.example:http"),
    ("non-ASCII", "ränpt.example"),
]


@pytest.mark.parametrize("host", [h for _, h in HOSTS], ids=[name for name, _ in HOSTS])
def test_a_malformed_host_is_400_with_the_apps_own_page(app, host):
    with threaded_server(app) as port:
        request = f"GET /library/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        status, body = exchange(port, request.encode("utf-8"))
    assert status == 400
    page = body.decode()
    assert "<title>400 · runpt</title>" in page
    assert "That request could not be understood." in page


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1:5000", "[::1]:8000", "runpt.example.", "my_host.lan"]
)
def test_a_well_formed_host_is_served(app, host):
    with threaded_server(app) as port:
        request = f"GET /library/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        status, body = exchange(port, request.encode())
    assert status == 200
    assert b"Exercise library" in body
