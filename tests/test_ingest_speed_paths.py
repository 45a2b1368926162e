"""The quick ways sync ingest reads a batch (issue 27 item 3) read it exactly as the
plain ways did: the same ids, times, numbers and answers, the same refusals."""

import json
import os
import pickle
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from runpt.log.validation import Invalid, parse_time, parse_uuid, uuid_of_number
from runpt.sync.routes import read_json
from tests.events import logged, new_session

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


# Two version-4 UUIDs as phones make them, written out: every test worker (pytest-xdist)
# must collect the same parameters.
PHONE_IDS = [
    uuid.UUID("3f2b8c1e-9d4a-4e6b-8f0c-2a7d5e9b1c34").int,
    uuid.UUID("b9e4a7d2-1c3f-4a8e-9b6d-7f0e2c5a8d91").int,
]


@pytest.mark.parametrize("number", [0, 1, 2**127 + 12345, 2**128 - 1, *PHONE_IDS])
def test_a_uuid_made_from_its_number_is_uuids_own(number):
    quick, plain = uuid_of_number(number), uuid.UUID(int=number)
    assert quick == plain and hash(quick) == hash(plain)
    assert (str(quick), repr(quick), quick.hex, quick.version) == (
        str(plain), repr(plain), plain.hex, plain.version,
    )  # fmt: skip
    assert quick.is_safe is plain.is_safe
    assert pickle.loads(pickle.dumps(quick)) == plain
    assert {quick: "stored"}[plain] == "stored"
    with pytest.raises(TypeError):
        quick.int = 5  # as immutable as any UUID


def test_an_event_id_is_read_as_the_uuid_it_spells():
    text = str(uuid.uuid4())
    assert parse_uuid(text, "id") == uuid.UUID(text)
    with pytest.raises(Invalid, match="lower-case"):
        parse_uuid(text.upper(), "id")


def plain_parse_time(value: str, now: datetime) -> tuple[datetime, int]:
    """How times were read before: compared in their own zone."""
    moment = datetime.fromisoformat(value)
    assert not moment > now + timedelta(hours=24)
    assert not moment < datetime(2000, 1, 1, tzinfo=UTC)
    return moment.astimezone(UTC), int(moment.utcoffset().total_seconds() // 60)


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-07T07:30:00+01:00",
        "2026-12-07T07:30:00.123+01:00",
        "2026-12-06T22:30:00-05:30",
        "2026-12-06T22:30:00-03:30:30",  # an offset with seconds: whole minutes, floored
        "2026-12-07T05:59:59.999999Z",
        "2026-12-08T05:59:59+00:00",  # just inside the 24 hours ahead allowed
        "2000-01-01T00:00:00+00:00",
        "2000-01-01T00:30:00+00:30",  # the first moment allowed, in another zone
        "2026-03-29T01:59:00+00:00",
    ],
)
def test_a_time_is_read_as_before_in_utc_with_its_offset(value):
    assert parse_time(value, NOW) == plain_parse_time(value, NOW)
    in_utc, _ = parse_time(value, NOW)
    assert in_utc.tzinfo is UTC


@pytest.mark.parametrize(
    "value, words",
    [
        ("2026-12-08T06:00:01+00:00", "more than 24 hours in the future"),
        ("2026-12-08T08:00:01+02:00", "more than 24 hours in the future"),
        ("1999-12-31T23:59:59+00:00", "before the year 2000"),
        ("2000-01-01T00:29:59+00:30", "before the year 2000"),
        # No UTC time exists this close to year 1 or 9999: still a message, not a crash.
        ("0001-01-01T00:00:00+14:00", "before the year 2000"),
        ("9999-12-31T23:59:59-14:00", "more than 24 hours in the future"),
        ("2026-12-07T07:30:00", "needs a UTC offset"),
    ],
)
def test_a_time_out_of_bounds_is_refused_with_its_reason(value, words):
    with pytest.raises(Invalid, match=words):
        parse_time(value, NOW)


BODIES = [
    {"events": [logged(new_session()), logged(new_session(), note="é ☃ \U0001f3c3")]},
    {"events": [{"a": -0.0, "b": 1e-7, "c": 1.7976931348623157e308, "d": -(2**63)}]},
    {"events": [{"reps": 2**64 - 1, "big": 10**30, "neg": -(10**20)}]},
    {"events": [], "nested": [[[[{"x": [1, 2.5, None, True, False]}]]]]},
]


@pytest.mark.parametrize("body", BODIES)
def test_a_batch_is_read_to_the_same_values_as_the_standard_library_reads(body):
    raw = json.dumps(body).encode()
    read = read_json(raw)
    assert read == json.loads(raw)
    assert repr(read) == repr(json.loads(raw))  # ints stay ints, floats floats


@pytest.mark.parametrize(
    "raw", [b'{"a": NaN}', b'{"a": -Infinity}', b'{"a": 1e999}', b'{"a": "x\\ud800y"}']
)
def test_what_only_the_standard_library_reads_is_still_read(raw):
    assert repr(read_json(raw)) == repr(json.loads(raw))


def test_a_number_too_big_for_64_bits_is_refused_for_its_size_not_its_type(signed_in):
    event = logged(new_session(), reps=10**30)
    answer = signed_in.post(
        "/api/sync",
        data=json.dumps({"events": [event]}),
        headers={"Content-Type": "application/json"},
    ).get_json()["results"][0]
    assert answer["status"] == "rejected"
    assert answer["error"] == f"data.reps: {10**30} is out of range 0-500"


def test_the_sync_answer_is_json_with_every_result(signed_in):
    batch = [logged(new_session()) for _ in range(3)]
    response = signed_in.post("/api/sync", json={"events": batch})
    assert response.mimetype == "application/json"
    assert json.loads(response.data) == {
        "results": [{"id": e["id"], "status": "accepted"} for e in batch]
    }


def test_the_server_entry_point_keeps_what_it_loaded_out_of_the_collectors_sight(tmp_path):
    """wsgi.py freezes what the app loaded: a full collection then looks only at what
    requests made, not at the whole app (a 90-180 ms pause in some sync otherwise)."""
    program = "import gc, wsgi; print(gc.get_freeze_count())"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/runpt.sqlite3",
        "SECRET_KEY": "test",
        "AUTO_MIGRATE": "1",
    }
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=root, env=environment, capture_output=True,
        text=True, timeout=120, check=True,
    )  # fmt: skip
    frozen = int(done.stdout.split()[-1])
    assert frozen > 10_000, "the app's objects are frozen"


def test_an_offset_with_seconds_counts_whole_minutes_towards_utc():
    zone = timezone(-timedelta(hours=3, minutes=30, seconds=30))
    moment = datetime(2026, 12, 6, 22, 30, tzinfo=zone)
    in_utc, offset = parse_time(moment.isoformat(), NOW)
    assert in_utc == moment and offset == -211


ARRAY_TEXTS = [
    None,
    "NULL",
    "null",
    "",
    " spaced ",
    'a "quote"',
    "back\\slash",
    "a,b",
    "{x}",
    "line\nbreak",
    "\t\x01\x1f",
    "ünï ✓ 🏃",
    "set.logged",
]


@pytest.mark.parametrize("values", [ARRAY_TEXTS, ["glute-bridge", None, "calf-raise"], []])
def test_a_text_array_is_read_by_postgresql_as_the_values_it_holds(app, values):
    """Sync ingest sends each column of a batch as an array in PostgreSQL's text form,
    written by orjson (runpt/log/ingest.py): read back, it holds the same values."""
    from sqlalchemy import text

    from runpt.config import stored_json
    from runpt.extensions import db
    from runpt.log.ingest import array_literal, plain_text_array

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's array text form (RUNPT_TEST_DATABASE_URL)")
        read = db.session.execute(
            text("SELECT CAST(:texts AS varchar[]), CAST(:json AS json[])::text[]"),
            {"texts": plain_text_array(values), "json": array_literal([stored_json(values)])},
        ).one()
    assert read[0] == values
    assert json.loads(read[1][0]) == values
