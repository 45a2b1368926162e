"""What a sync batch says to PostgreSQL, counted in round trips: one worker stores a
batch while PostgreSQL waits on it and then the other way round, so every round trip is
time of the batch's own (docs/performance.md, issue 27 item 3)."""

import uuid
from unittest import mock

import psycopg
import pytest

from runpt.log.ingest import PART
from tests.events import logged, new_session, started


@pytest.fixture
def postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("round trips to PostgreSQL (RUNPT_TEST_DATABASE_URL)")


def round_trips_of(client, path: str, body: dict) -> tuple[list[list[str]], int]:
    """Each round trip the request made, as the statements sent in it (a psycopg pipeline
    sends several in one), and the answer's status. A transaction's BEGIN goes with its
    first statement and is not listed."""
    trips: list[list[str]] = []
    pipelines: dict[int, list[str]] = {}
    execute = psycopg.Cursor.execute
    commit, rollback = psycopg.Connection.commit, psycopg.Connection.rollback

    def recording_execute(cursor, query, params=None, **kwargs):
        words = " ".join(str(query).split()[:4])
        pipeline = cursor.connection._pipeline
        if pipeline is None:
            trips.append([words])
        elif id(pipeline) in pipelines:
            pipelines[id(pipeline)].append(words)
        else:
            pipelines[id(pipeline)] = [words]
            trips.append(pipelines[id(pipeline)])
        return execute(cursor, query, params, **kwargs)

    def recording(name, method):
        def record(connection, *args, **kwargs):
            if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                trips.append([name])  # psycopg sends nothing outside a transaction
            return method(connection, *args, **kwargs)

        return record

    with (
        mock.patch.object(psycopg.Cursor, "execute", recording_execute),
        mock.patch.object(psycopg.Connection, "commit", recording("COMMIT", commit)),
        mock.patch.object(psycopg.Connection, "rollback", recording("ROLLBACK", rollback)),
    ):
        status = client.post(path, json=body).status_code
    return trips, status


def a_batch() -> dict:
    session = new_session()
    return {"events": [started(session)] + [logged(session, set_no=n) for n in range(1, 20)]}


def test_a_new_batch_is_stored_in_four_round_trips(app, signed_in, postgresql_only):
    """The pool's ping, the sign-in read on the connection that then stores the batch
    (on one of its own, it cost a second check-out, ping and rollback), the runner held
    and the batch inserted in one round trip (a pipeline), and the commit."""
    assert signed_in.post("/api/sync", json=a_batch()).status_code == 200  # the library read
    trips, status = round_trips_of(signed_in, "/api/sync", a_batch())
    assert status == 200
    pinged = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("pool_pre_ping", False)
    assert [[statement.split()[0] for statement in trip] for trip in trips] == [
        *([[";"]] if pinged else []),
        ["SELECT"],
        ["SELECT", "INSERT"],
        ["COMMIT"],
    ], trips
    assert trips[-3][0].startswith('SELECT "user".id'), trips  # the sign-in
    assert trips[-2][0].startswith("SELECT sign_in.id"), trips  # the hold, before the insert


def test_a_batch_in_id_order_is_inserted_part_by_part_in_the_same_round_trip(
    app, signed_in, postgresql_only
):
    """Ids as a phone makes them (time-ordered, sent oldest first): each part (PART
    events, then twice the last) is sent to PostgreSQL once checked, so it inserts one
    part while Python checks the next; still after the hold, in the same round trip. A
    batch in another order goes as one INSERT (above), its rows sorted first."""
    assert signed_in.post("/api/sync", json=a_batch()).status_code == 200  # the library read
    session = new_session()
    events = [logged(session, set_no=n % 50 + 1) for n in range(3 * PART + 1)]  # 3 parts
    ids = sorted(str(uuid.uuid4()) for _ in events)
    batch = {"events": [dict(one, id=id_) for one, id_ in zip(events, ids, strict=True)]}
    trips, status = round_trips_of(signed_in, "/api/sync", batch)
    assert status == 200
    assert [statement.split()[0] for statement in trips[-2]] == ["SELECT"] + ["INSERT"] * 3, trips
