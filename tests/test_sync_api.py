"""POST /api/sync and GET /api/sessions over HTTP."""

import json
import time
from datetime import datetime

from sqlalchemy import func, select

from runpt.extensions import db
from runpt.log.models import Event
from tests.events import at, finished, logged, new_session, started


def sync(client, events):
    return client.post("/api/sync", json={"events": events})


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def test_sync_answers_one_result_per_event_in_order(signed_in, app):
    session = new_session()
    batch = [started(session), logged(session), logged(session, pain=99), finished(session)]
    response = sync(signed_in, batch)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == [e["id"] for e in batch]
    assert [r["status"] for r in results] == ["accepted", "accepted", "rejected", "accepted"]
    assert "data.pain" in results[2]["error"]
    assert "error" not in results[0]
    with app.app_context():
        assert stored() == 3


def test_a_retry_of_a_whole_batch_answers_duplicate_for_each(signed_in, app):
    batch = [logged(new_session()) for _ in range(3)]
    sync(signed_in, batch)
    again = sync(signed_in, batch).get_json()["results"]
    assert {r["status"] for r in again} == {"duplicate"}
    with app.app_context():
        assert stored() == 3


def test_without_login_sync_answers_401_json_not_a_redirect(client, app):
    response = sync(client, [logged(new_session())])
    assert response.status_code == 401
    assert "Sign in" in response.get_json()["error"]
    assert "Location" not in response.headers
    with app.app_context():
        assert stored() == 0


def test_sessions_without_login_answers_401_json(client):
    response = client.get("/api/sessions")
    assert response.status_code == 401
    assert response.is_json


def test_envelope_errors_are_400_with_a_message(signed_in):
    cases = [
        (b"not json at all", "application/json", 400, "not valid JSON"),
        (b'{"events": "nope"}', "application/json", 400, '"events" list'),
        (b"[]", "application/json", 400, '"events" list'),
        (b"{}", "application/json", 400, '"events" list'),
        (b"[" * 100000 + b"]" * 100000, "application/json", 400, "not valid JSON"),
        (b'{"events": []}', "text/plain", 415, "Content-Type: application/json"),
    ]
    for body, content_type, status, words in cases:
        response = signed_in.post("/api/sync", data=body, content_type=content_type)
        assert response.status_code == status, body[:30]
        assert words in response.get_json()["error"]


def test_more_than_500_events_is_413_and_stores_nothing(signed_in, app):
    batch = [logged(new_session()) for _ in range(501)]
    response = sync(signed_in, batch)
    assert response.status_code == 413
    assert "At most 500" in response.get_json()["error"]
    with app.app_context():
        assert stored() == 0


def test_a_body_over_the_size_limit_is_413_json(signed_in):
    response = signed_in.post(
        "/api/sync",
        data=b'{"events": ["' + b"x" * (3 * 1024 * 1024) + b'"]}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "too large" in response.get_json()["error"]


def test_an_empty_batch_is_fine(signed_in):
    response = sync(signed_in, [])
    assert response.status_code == 200
    assert response.get_json() == {"results": []}


def test_sessions_are_derived_from_events_newest_first(signed_in):
    older, newer = new_session(), new_session()
    sync(signed_in, [
        started(older, at=at(-120)), logged(older, "glute-bridge", 1, at=at(-119), pain=2),
        logged(older, "glute-bridge", 2, at=at(-118), pain=4), finished(older, at=at(-100)),
        started(newer, routine="knee-pain", at=at(-10)),
        logged(newer, "side-plank", 1, reps=None, hold_s=30, side="left", at=at(-9)),
    ])  # fmt: skip
    sessions = signed_in.get("/api/sessions").get_json()["sessions"]
    assert [s["id"] for s in sessions] == [newer, older]
    first, second = sessions[1], sessions[0]
    assert first["routine"] == "runners-essentials"
    assert first["routine_name"] == "Runner's essentials"
    assert [s["set"] for s in first["sets"]] == [1, 2]
    assert first["highest_pain"] == 4
    assert first["finished_at"] is not None
    assert datetime.fromisoformat(first["finished_at"]) > datetime.fromisoformat(
        first["started_at"]
    )
    assert second["finished_at"] is None
    assert second["sets"][0]["hold_s"] == 30 and second["sets"][0]["side"] == "left"


def test_another_runners_sessions_are_not_listed(signed_in, auth, client):
    sync(signed_in, [started(new_session()), logged(new_session())])
    auth.logout()
    auth.register(email="other@example.com")
    assert client.get("/api/sessions").get_json()["sessions"] == []


def test_since_returns_only_sessions_that_changed_after_it(signed_in):
    quiet, busy = new_session(), new_session()
    sync(signed_in, [started(quiet), started(busy)])
    cursor = signed_in.get("/api/sessions").get_json()["server_time"]
    time.sleep(0.01)
    sync(signed_in, [logged(busy)])
    changed = signed_in.get("/api/sessions", query_string={"since": cursor}).get_json()
    assert [s["id"] for s in changed["sessions"]] == [busy]
    # The whole session comes back, not just the new event, so a device can replace it.
    assert len(changed["sessions"][0]["sets"]) == 1
    later = signed_in.get("/api/sessions", query_string={"since": changed["server_time"]})
    assert later.get_json()["sessions"] == []


def test_a_bad_since_is_400_with_an_example(signed_in):
    for value in ("yesterday", "2026-11-27T07:30:00"):
        response = signed_in.get("/api/sessions", query_string={"since": value})
        assert response.status_code == 400
        assert "2026-11-27T07:30:00Z" in response.get_json()["error"]


def test_events_arriving_before_their_start_still_make_one_session(signed_in):
    session = new_session()
    sync(signed_in, [logged(session, at=at(-5)), finished(session, at=at(-1))])
    sync(signed_in, [started(session, at=at(-6))])
    sessions = signed_in.get("/api/sessions").get_json()["sessions"]
    assert len(sessions) == 1
    assert sessions[0]["routine"] == "runners-essentials"
    assert len(sessions[0]["sets"]) == 1


def test_the_answer_is_json_for_a_person_to_read(signed_in):
    response = sync(signed_in, [logged(new_session(), exercise="flying-kick")])
    body = json.loads(response.data)
    assert (
        body["results"][0]["error"]
        == "data.exercise: 'flying-kick' is not an exercise in the library"
    )
