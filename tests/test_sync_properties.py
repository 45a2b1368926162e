"""Whatever the network does to batches (duplicates, reordering, retries, bad events
mixed in), the server ends up holding exactly the unique valid events: none lost,
none twice. Plus the same under concurrent requests."""

import threading
import uuid
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from runpt.auth.models import User
from runpt.extensions import db
from runpt.log.ingest import ingest
from runpt.log.models import Event
from tests.events import finished, logged, new_session, started


def make_pool():
    session = new_session()
    valid = (
        [started(session)] + [logged(session, set_no=n) for n in range(1, 9)] + [finished(session)]
    )
    invalid = [
        logged(session, pain=11),
        logged(session, exercise="no-such-exercise"),
        dict(logged(session), id="not-a-uuid"),
        dict(logged(session), id=str(uuid.uuid4()).upper()),
        {"type": "set.logged"},
    ]
    # Valid on its own, but reusing another event's id for other content.
    altered = dict(valid[1], data={**valid[1]["data"], "reps": 99})
    return valid + [altered], invalid


VALID, INVALID = make_pool()
POOL = VALID + INVALID
VALID_IDS = {e["id"] for e in VALID}

batches = st.lists(
    st.lists(st.sampled_from(range(len(POOL))), min_size=0, max_size=15),
    min_size=1,
    max_size=8,
)


@pytest.fixture
def runner_id(app):
    with app.app_context():
        user = User(email="prop@example.com", password_hash="x")
        db.session.add(user)
        db.session.commit()
        yield user.id


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(plan=batches, retries=st.lists(st.integers(min_value=0, max_value=7), max_size=4))
def test_any_batches_leave_exactly_the_unique_valid_events(runner_id, plan, retries):
    db.session.execute(delete(Event))
    db.session.commit()
    sent = [[POOL[i] for i in batch] for batch in plan]
    # A retry re-sends an earlier batch whole, as a client does after a lost answer.
    sent += [sent[r % len(sent)] for r in retries]

    first_stored: dict = {}  # id -> the version of the event that was stored
    for batch in sent:
        results = ingest(runner_id, batch)
        assert len(results) == len(batch)
        for event, result in zip(batch, results, strict=True):
            if event.get("id") in VALID_IDS:
                if event["id"] not in first_stored:
                    first_stored[event["id"]] = event
                    assert result.status == "accepted"
                    continue
                # The id was stored before: the same content is a duplicate, other
                # content is refused, and what was stored first stays.
                kept = first_stored[event["id"]]
                assert result.status == ("duplicate" if event == kept else "rejected")
            else:
                assert result.status == "rejected"
                assert result.error

    rows = db.session.execute(select(Event.id, Event.data)).all()
    stored = Counter(str(i) for i, _ in rows)
    assert set(stored) == set(first_stored)
    assert all(count == 1 for count in stored.values())
    for event_id, data in rows:
        assert data.get("reps") == first_stored[str(event_id)]["data"].get("reps")


def test_concurrent_requests_with_the_same_events_store_each_once(app, runner_id):
    session = new_session()
    events = [logged(session, set_no=n) for n in range(1, 41)]
    outcomes: list = []
    errors: list = []

    def client(offset: int):
        # Each client sends every event, starting at a different place, in 4 batches.
        order = events[offset:] + events[:offset]
        try:
            with app.app_context():
                for start in range(0, len(order), 10):
                    outcomes.extend(ingest(runner_id, order[start : start + 10]))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=client, args=(n * 5,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    accepted = Counter(r.id for r in outcomes if r.status == "accepted")
    assert set(accepted) == {e["id"] for e in events}
    assert all(count == 1 for count in accepted.values())
    assert Counter(r.status for r in outcomes)["duplicate"] == 7 * len(events)
    with app.app_context():
        stored = db.session.scalars(select(Event.id)).all()
    assert sorted(stored) == sorted(uuid.UUID(e["id"]) for e in events)
