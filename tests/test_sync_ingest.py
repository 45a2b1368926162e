"""The ingest function: every result kind and every validation rule, without HTTP."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from runpt.auth.models import User
from runpt.extensions import db
from runpt.log import ingest as ingest_module
from runpt.log.ingest import ID_REUSED, ID_TAKEN, PART, ingest, part_edges
from runpt.log.models import Event
from tests.events import at, event, finished, logged, new_session, started


@pytest.fixture
def runners(app):
    with app.app_context():
        users = []
        for email in ("ana@example.com", "ben@example.com"):
            user = User(email=email)
            user.set_password("long-enough-1")
            db.session.add(user)
            users.append(user)
        db.session.commit()
        yield [u.id for u in users]


def stored_count(user_id=None) -> int:
    query = select(func.count()).select_from(Event)
    if user_id is not None:
        query = query.where(Event.user_id == user_id)
    return db.session.scalar(query)


def test_a_new_event_is_accepted_and_stored(runners):
    ana, _ = runners
    session = new_session()
    batch = [started(session), logged(session, reps=10, pain=2), finished(session)]
    results = ingest(ana, batch)
    assert [r.status for r in results] == ["accepted"] * 3
    assert [r.id for r in results] == [e["id"] for e in batch]
    stored = db.session.get(Event, uuid.UUID(batch[1]["id"]))
    assert stored.user_id == ana
    assert stored.exercise == "glute-bridge"
    assert stored.data["reps"] == 10 and stored.data["pain"] == 2
    assert stored.at_offset_min == 60


def test_an_event_at_a_whole_second_is_found_by_its_time(runners):
    """Stored as the rest of runpt writes times, so the same instant compares equal in
    the database: a set logged at 07:30:00.000 is the set of 07:30:00."""
    ana, _ = runners
    sent = logged(new_session(), at="2026-11-27T07:30:00.000+01:00")
    assert ingest(ana, [sent])[0].status == "accepted"
    moment = datetime(2026, 11, 27, 6, 30, tzinfo=UTC)
    found = db.session.scalars(select(Event.id).where(Event.at == moment)).all()
    assert found == [uuid.UUID(sent["id"])]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 27, 6, 30, tzinfo=UTC),
        datetime(2026, 11, 27, 6, 30, 5, 250000, tzinfo=UTC),
        datetime(2000, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_event_times_are_written_on_sqlite_as_sqlalchemy_writes_them(app, moment):
    from sqlalchemy.dialects import sqlite

    from runpt.log.ingest import sqlite_time

    dialect = sqlite.dialect()
    convert = Event.__table__.c.at.type.dialect_impl(dialect).bind_processor(dialect)
    assert sqlite_time(moment) == convert(moment)


def test_sending_the_same_event_again_is_a_duplicate_and_stores_nothing_new(runners):
    ana, _ = runners
    batch = [logged(new_session())]
    assert ingest(ana, batch)[0].status == "accepted"
    again = ingest(ana, batch)
    assert again[0].status == "duplicate"
    assert again[0].error is None
    assert stored_count() == 1


def test_a_repeat_inside_one_batch_is_stored_once(runners):
    ana, _ = runners
    one = logged(new_session())
    results = ingest(ana, [one, one, one])
    assert [r.status for r in results] == ["accepted", "duplicate", "duplicate"]
    assert stored_count() == 1


def test_an_id_stored_for_another_runner_is_rejected_without_touching_theirs(runners):
    ana, ben = runners
    theirs = logged(new_session(), reps=8)
    ingest(ana, [theirs])
    copy = dict(theirs, data=dict(theirs["data"], reps=99))
    result = ingest(ben, [copy])[0]
    assert result.status == "rejected"
    assert result.error == ID_TAKEN
    assert stored_count(ben) == 0
    assert db.session.get(Event, uuid.UUID(theirs["id"])).data["reps"] == 8


def test_a_bad_event_never_blocks_the_good_ones_and_results_keep_request_order(runners):
    ana, _ = runners
    session = new_session()
    good1, good2 = logged(session, set_no=1), logged(session, set_no=2)
    bad = logged(session, pain=11)
    results = ingest(ana, [good1, bad, good2])
    assert [(r.id, r.status) for r in results] == [
        (good1["id"], "accepted"), (bad["id"], "rejected"), (good2["id"], "accepted"),
    ]  # fmt: skip
    assert stored_count() == 2


def stopped(**changes) -> dict:
    """An exercise.stopped event as older players wrote it (pain 6 in set 2, easier variant)."""
    data = {"exercise": "step-down", "set": 2, "side": "left", "reason": "pain", "pain": 6,
            "choice": "easier"}  # fmt: skip
    data.update(changes)
    return event(
        "exercise.stopped",
        new_session(),
        {k: v for k, v in data.items() if v is not None or k not in changes},
    )


def with_data(**changes) -> dict:
    base = logged(new_session())
    base["data"] = {**base["data"], **changes}
    return base


def without_data(field: str) -> dict:
    base = logged(new_session())
    del base["data"][field]
    return base


def with_envelope(**changes) -> dict:
    base = logged(new_session())
    base.update(changes)
    return base


def without(field: str) -> dict:
    base = logged(new_session())
    del base[field]
    return base


REJECTIONS = [
    # (event, words the reason must contain: the field first)
    ("not an object", ["event:"]),
    (["a", "list"], ["event:"]),
    (without("id"), ["id:", "required"]),
    (without("type"), ["type:", "required"]),
    (without("at"), ["at:", "required"]),
    (without("session"), ["session:", "required"]),
    (without("data"), ["data:", "required"]),
    (with_envelope(extra=1), ["extra:", "not a field"]),
    (with_envelope(id="not-a-uuid"), ["id:", "not a UUID"]),
    (with_envelope(id=12345), ["id:", "UUID"]),
    (with_envelope(session="nope"), ["session:", "not a UUID"]),
    (with_envelope(type="set.deleted"), ["type:", "one of"]),
    (with_envelope(type=None), ["type:"]),
    (with_envelope(at="yesterday"), ["at:", "ISO 8601"]),
    (with_envelope(at=1700000000), ["at:", "ISO 8601"]),
    (with_envelope(at="2026-11-27T07:30:00"), ["at:", "UTC offset"]),
    (with_envelope(at=at(minutes=27 * 60)), ["at:", "24 hours in the future"]),
    (with_envelope(at="1999-12-31T23:00:00+00:00"), ["at:", "2000"]),
    (with_envelope(data=[1, 2]), ["data:", "object"]),
    (with_data(exercise="moon-walk"), ["data.exercise:", "not an exercise"]),
    (with_data(exercise=None), ["data.exercise:"]),
    (with_data(exercise=7), ["data.exercise:"]),
    (without_data("exercise"), ["data.exercise:"]),
    (without_data("set"), ["data.set:", "required"]),
    (with_data(set=0), ["data.set:", "range"]),
    (with_data(set="1"), ["data.set:", "whole number"]),
    (with_data(set=1.5), ["data.set:", "whole number"]),
    (with_data(side="middle"), ["data.side:"]),
    (with_data(reps=-1), ["data.reps:", "range 0-500"]),
    (with_data(reps=501), ["data.reps:", "range 0-500"]),
    (with_data(reps=True), ["data.reps:", "whole number"]),
    (with_data(hold_s=3601), ["data.hold_s:", "range 0-3600"]),
    (with_data(load_kg=500.5), ["data.load_kg:", "range"]),
    (with_data(load_kg="heavy"), ["data.load_kg:", "number"]),
    (with_data(rpe=0), ["data.rpe:", "range 1-10"]),
    (with_data(rpe=11), ["data.rpe:", "range 1-10"]),
    (with_data(pain=-1), ["data.pain:", "range 0-10"]),
    (with_data(pain=11), ["data.pain:", "range 0-10"]),
    (with_data(note="x" * 1001), ["data.note:", "1000"]),
    (with_data(note=["list"]), ["data.note:", "text"]),
    (with_data(mood="great"), ["data.mood:", "not a field"]),
    (with_data(sharp="yes"), ["data.sharp:", "true or false"]),
    (with_data(sharp=1), ["data.sharp:", "true or false"]),
    (started(new_session(), routine=""), ["data.routine:"]),
    (started(new_session(), routine=0), ["data.routine:"]),
    (started(new_session(), routine=None), ["data.routine:"]),
    (started(new_session(), routine="r" * 101), ["data.routine:"]),
    (event("session.finished", new_session(), {"early": True}), ["data.early:"]),
    (started(new_session(), planned_sets=-1), ["data.planned_sets:", "range 0-1000"]),
    (started(new_session(), planned_sets=1001), ["data.planned_sets:", "range 0-1000"]),
    (started(new_session(), planned_sets="12"), ["data.planned_sets:", "whole number"]),
    (started(new_session(), planned_sets=2.5), ["data.planned_sets:", "whole number"]),
    (stopped(exercise="moon-walk"), ["data.exercise:", "not an exercise"]),
    (stopped(exercise=None), ["data.exercise:"]),
    (stopped(set=None), ["data.set:", "required"]),
    (stopped(set=0), ["data.set:", "range"]),
    (stopped(side="middle"), ["data.side:"]),
    (stopped(reason=None), ["data.reason:", "'pain' or 'sharp-pain'"]),
    (stopped(reason="tired"), ["data.reason:", "'pain' or 'sharp-pain'"]),
    (stopped(pain=5), ["data.pain:", "above 5", "'pain'"]),
    (stopped(pain=None), ["data.pain:", "above 5"]),
    (stopped(pain=11), ["data.pain:", "range 0-10"]),
    (stopped(reason="sharp-pain", pain=-1), ["data.pain:", "range 0-10"]),
    (stopped(choice="rest"), ["data.choice:", "'easier' or 'skip'"]),
    (stopped(level=-1), ["data.level:", "not a field"]),
]


@pytest.mark.parametrize(
    ("bad", "words"), REJECTIONS, ids=[w[0] + str(i) for i, (_, w) in enumerate(REJECTIONS)]
)
def test_each_rule_rejects_with_a_reason_naming_the_field(runners, bad, words):
    ana, _ = runners
    result = ingest(ana, [bad])[0]
    assert result.status == "rejected"
    assert result.error.startswith(words[0]), result.error
    for word in words[1:]:
        assert word in result.error, result.error
    assert stored_count() == 0


def test_the_echoed_id_of_a_rejected_event_is_its_own_when_it_has_one(runners):
    ana, _ = runners
    bad = with_data(pain=42)
    assert ingest(ana, [bad])[0].id == bad["id"]
    assert ingest(ana, ["junk"])[0].id is None


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"side": "left"}, "side", "left"),
        ({"reps": 0}, "reps", 0),
        ({"reps": 500}, "reps", 500),
        ({"reps": None, "hold_s": 3600}, "hold_s", 3600),
        ({"load_kg": 12.5}, "load_kg", 12.5),
        ({"load_kg": 0}, "load_kg", 0),
        ({"rpe": 1}, "rpe", 1),
        ({"rpe": 10}, "rpe", 10),
        ({"pain": 0}, "pain", 0),
        ({"pain": 10}, "pain", 10),
        ({"note": "x" * 1000}, "note", "x" * 1000),
        ({"note": "<script>alert(1)</script>"}, "note", "<script>alert(1)</script>"),
    ],
)
def test_values_at_the_edges_of_each_range_are_accepted(runners, changes, field, value):
    ana, _ = runners
    good = with_data(**changes)
    assert ingest(ana, [good])[0].status == "accepted"
    assert db.session.get(Event, uuid.UUID(good["id"])).data[field] == value


def test_missing_optional_fields_are_stored_as_null(runners):
    ana, _ = runners
    minimal = event("set.logged", new_session(), {"exercise": "front-plank", "set": 1})
    assert ingest(ana, [minimal])[0].status == "accepted"
    data = db.session.get(Event, uuid.UUID(minimal["id"])).data
    assert data["hold_s"] is None and data["pain"] is None and data["side"] is None


def test_a_time_a_little_in_the_future_is_fine_a_clock_can_drift(runners):
    ana, _ = runners
    assert ingest(ana, [with_envelope(at=at(minutes=23 * 60))])[0].status == "accepted"


def test_a_routine_is_named_by_slug_or_by_id(runners):
    ana, _ = runners
    results = ingest(
        ana, [started(new_session(), routine="knee-pain"), started(new_session(), routine=42)]
    )
    assert [r.status for r in results] == ["accepted", "accepted"]


@pytest.mark.parametrize(
    "spelling",
    [str.upper, lambda i: "{" + i + "}", lambda i: "urn:uuid:" + i, lambda i: i.replace("-", "")],
    ids=["upper case", "braces", "urn", "no dashes"],
)
def test_a_uuid_spelled_another_way_is_rejected_with_the_form_to_use(runners, spelling):
    """A device matches results by the string it sent: answering with another spelling
    would leave the event in its outbox for ever."""
    ana, _ = runners
    first = logged(new_session())
    ingest(ana, [first])
    for field in ("id", "session"):
        other = dict(first, **{field: spelling(first[field])})
        if field == "session":
            other["id"] = str(uuid.uuid4())
        (result,) = ingest(ana, [other])
        assert result.status == "rejected"
        assert result.id == other["id"]  # exactly as sent
        assert result.error == f"{field}: use the lower-case form 8-4-4-4-12, e.g. {first[field]}"
    assert stored_count() == 1


@pytest.mark.parametrize(
    ("changes", "stored"),
    [
        ({}, {"exercise": "step-down", "set": 2, "side": "left", "reason": "pain", "pain": 6,
              "choice": "easier"}),
        ({"pain": 10, "choice": "skip"}, {"pain": 10, "choice": "skip"}),
        ({"reason": "sharp-pain", "pain": None}, {"reason": "sharp-pain", "pain": None}),
        ({"reason": "sharp-pain", "pain": 3}, {"reason": "sharp-pain", "pain": 3}),
        ({"side": None, "set": 1}, {"side": None, "set": 1}),
    ],
    ids=["pain-6-easier", "pain-10-skip", "sharp-no-pain", "sharp-pain-3", "no-side"],
)  # fmt: skip
def test_an_exercise_stop_is_stored_with_its_reason_and_choice(runners, changes, stored):
    ana, _ = runners
    stop = stopped(**changes)
    assert ingest(ana, [stop])[0].status == "accepted"
    row = db.session.get(Event, uuid.UUID(stop["id"]))
    assert {k: row.data[k] for k in stored} == stored
    assert row.exercise is None  # the exercise column is for sets only


@pytest.mark.parametrize(
    ("planned", "stored"), [(None, None), (0, 0), (24, 24), (1000, 1000)], ids=str
)
def test_a_session_start_carries_its_planned_strength_sets(runners, planned, stored):
    ana, _ = runners
    start = (
        started(new_session()) if planned is None else started(new_session(), planned_sets=planned)
    )
    assert ingest(ana, [start])[0].status == "accepted"
    assert db.session.get(Event, uuid.UUID(start["id"])).data == {
        "routine": "runners-essentials", "planned_sets": stored,
    }  # fmt: skip


def stored_row(event: dict) -> tuple:
    row = db.session.get(Event, uuid.UUID(event["id"]))
    return row.type, row.at, row.at_offset_min, row.session_id, row.data


@pytest.mark.parametrize(
    "change",
    [
        {"data": {"reps": 13}},
        {"data": {"note": "sore"}},
        {"data": {"level": 1}},
        {"type": "session.finished", "data": None},
        {"session": "new"},
        {"at": "2026-11-27T07:31:13+01:00"},
        # The same instant, written in another zone: the runner's day would change.
        {"at": "2026-11-27T06:31:12+00:00"},
    ],
    ids=["reps", "note", "level", "type", "session", "time", "offset"],
)
def test_the_same_id_with_other_content_is_rejected_and_the_first_kept(runners, change):
    ana, _ = runners
    first = logged(new_session(), at="2026-11-27T07:31:12+01:00")
    ingest(ana, [first])
    before = stored_row(first)
    other = dict(first, **{k: v for k, v in change.items() if k != "data"})
    if change.get("session") == "new":
        other["session"] = new_session()
    if "data" in change:
        other["data"] = {} if change["data"] is None else {**first["data"], **change["data"]}
    (result,) = ingest(ana, [other])
    assert result.status == "rejected"
    assert result.error == ID_REUSED
    assert stored_row(first) == before
    # The identical event is still a duplicate, as a retry after a lost answer must be.
    assert ingest(ana, [first])[0].status == "duplicate"


def test_the_same_event_written_differently_is_still_a_duplicate(runners):
    """Same fields once read: the time with fewer digits, data in another order, an
    older client leaving out the ladder level (0)."""
    ana, _ = runners
    first = logged(new_session(), at="2026-11-27T07:31:12.480+01:00", level=0)
    ingest(ana, [first])
    data = dict(reversed(list(first["data"].items())))
    del data["level"]
    again = dict(first, at="2026-11-27T07:31:12.48+01:00", data=data)
    assert ingest(ana, [again])[0].status == "duplicate"


def test_another_version_of_an_id_in_the_same_batch_is_rejected(runners):
    ana, _ = runners
    one = logged(new_session(), reps=10)
    other = dict(one, data={**one["data"], "reps": 11})
    results = ingest(ana, [one, other, one])
    assert [(r.status, r.error) for r in results] == [
        ("accepted", None),
        ("rejected", ID_REUSED),
        ("duplicate", None),
    ]
    assert db.session.get(Event, uuid.UUID(one["id"])).data["reps"] == 10


@pytest.mark.parametrize(("sent", "stored"), [(True, True), (False, False), (None, False)])
def test_a_set_carries_whether_the_runner_tapped_sharp_pain(runners, sent, stored):
    """ "Sharp pain" is one tap in the player (issue 22 item 2); a set that leaves it
    out (an older client) or sends null wasn't marked sharp."""
    ana, _ = runners
    body = logged(new_session(), pain=None) if sent is None else logged(new_session(), sharp=sent)
    assert ingest(ana, [body])[0].status == "accepted"
    assert db.session.get(Event, uuid.UUID(body["id"])).data["sharp"] is stored


def test_a_set_stored_before_sharp_pain_existed_is_a_duplicate_when_resent(runners):
    ana, _ = runners
    old = logged(new_session(), at="2026-11-27T07:31:12+01:00")
    ingest(ana, [old])
    row = db.session.get(Event, uuid.UUID(old["id"]))
    row.data = {k: v for k, v in row.data.items() if k != "sharp"}  # as stored back then
    db.session.commit()
    assert ingest(ana, [old])[0].status == "duplicate"
    # The same id now saying sharp pain is other content: rejected, the first kept.
    sharp = dict(old, data={**old["data"], "sharp": True})
    assert ingest(ana, [sharp])[0].error == ID_REUSED


def test_an_event_stored_before_the_ladder_level_existed_is_a_duplicate_when_resent(runners):
    ana, _ = runners
    old = logged(new_session(), at="2026-11-27T07:31:12+01:00")
    ingest(ana, [old])
    row = db.session.get(Event, uuid.UUID(old["id"]))
    row.data = {k: v for k, v in row.data.items() if k != "level"}  # as stored back then
    db.session.commit()
    assert "level" not in db.session.get(Event, uuid.UUID(old["id"])).data
    assert ingest(ana, [old])[0].status == "duplicate"


NOTES = [
    'a "quoted" word',
    "a back\\slash, and \\\\ two",
    "line one\nline two\ttabbed\r",
    "\x01\x1f control characters",
    "{braces}, commas, NULL",
    "NULL",
    "ünïcødé ✓ 🏃\u2028",
    "",
]

# What validation adds to an event that leaves a field out.
FILLED_IN = {"set.logged": {"level": 0, "sharp": False}, "session.started": {"planned_sets": None}}


def test_every_event_is_stored_exactly_as_sent_whatever_its_text_holds(runners):
    """Each event's columns and JSON come back as they were sent, with notes holding what
    the database's own formats escape (quotes, backslashes, control characters, braces,
    commas, the word NULL): on PostgreSQL the batch goes as arrays in their text form."""
    ana, _ = runners
    session = new_session()
    batch = [started(session)]
    batch += [logged(session, set_no=n, note=note) for n, note in enumerate(NOTES, start=1)]
    batch += [finished(session)]
    assert [r.status for r in ingest(ana, batch)] == ["accepted"] * len(batch)
    db.session.expire_all()
    for sent in batch:
        stored = db.session.get(Event, uuid.UUID(sent["id"]))
        assert (stored.type, stored.session_id, stored.user_id) == (
            sent["type"], uuid.UUID(sent["session"]), ana,
        )  # fmt: skip
        assert stored.at == datetime.fromisoformat(sent["at"]).astimezone(UTC)
        assert stored.at_offset_min == 60
        assert stored.data == {**sent["data"], **FILLED_IN.get(sent["type"], {})}
        is_set = sent["type"] == "set.logged"
        assert stored.exercise == (sent["data"]["exercise"] if is_set else None)
    # And again: every one a duplicate, compared field by field with what was stored.
    assert [r.status for r in ingest(ana, batch)] == ["duplicate"] * len(batch)


def in_id_order(count: int) -> list[str]:
    """`count` new ids, ascending: as a phone makes them (time-ordered) and sends them."""
    return sorted(str(uuid.uuid4()) for _ in range(count))


def test_a_batch_in_id_order_is_answered_alike_across_its_parts(runners):
    """On PostgreSQL a batch whose ids ascend is checked and inserted in parts (PART,
    then twice the last: runpt/log/ingest.py), here 100, 200 and 10: each answer is
    still what the whole batch decides, with the repeats of an id on either side of a
    part's edge, an id stored before by this runner and by another, and a refused event
    among them."""
    ana, ben = runners
    session = new_session()
    ids = in_id_order(3 * PART + 10)
    assert list(part_edges(len(ids)))[1] == (PART, 3 * PART)
    batch = [dict(logged(session, set_no=n % 50 + 1), id=one) for n, one in enumerate(ids)]
    # The same event on both sides of the first edge; another version across the second.
    batch[PART] = batch[PART - 1]
    batch[3 * PART] = dict(batch[3 * PART - 1], data={**batch[3 * PART - 1]["data"], "reps": 3})
    batch[5] = dict(batch[5], data={**batch[5]["data"], "pain": 11})
    assert ingest(ana, [batch[PART + 20]])[0].status == "accepted"
    assert ingest(ben, [batch[3 * PART + 5]])[0].status == "accepted"

    expected = [("accepted", None)] * len(batch)
    expected[5] = ("rejected", "data.pain: 11 is out of range 0-10")
    expected[PART] = ("duplicate", None)
    expected[3 * PART] = ("rejected", ID_REUSED)
    expected[PART + 20] = ("duplicate", None)
    expected[3 * PART + 5] = ("rejected", ID_TAKEN)
    results = ingest(ana, batch)
    assert [(r.status, r.error) for r in results] == expected
    assert [r.id for r in results] == [e["id"] for e in batch]
    assert stored_count(ana) == len(batch) - 4  # not the refused one, two repeats, ben's
    assert stored_count(ben) == 1


def test_a_slug_the_process_has_not_seen_is_read_from_the_library_first(runners):
    """The process's copy of the library's slugs may be older than the library: an
    event naming a slug missing from it is looked up before it is refused, whichever
    way the batch is inserted."""
    ana, _ = runners
    session = new_session()
    ingest_module._exercise_slugs = frozenset({"glute-bridge"})
    first, second = in_id_order(2)
    batch = [
        dict(logged(session, exercise="clamshell"), id=first),
        dict(logged(session), id=second),
    ]
    assert [r.status for r in ingest(ana, batch)] == ["accepted", "accepted"]
    assert "clamshell" in ingest_module._exercise_slugs
    refused = ingest(ana, [logged(session, exercise="moon-walk")])[0]
    assert refused.error == "data.exercise: 'moon-walk' is not an exercise in the library"
