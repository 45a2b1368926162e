"""Many phones syncing at once get an answer, never a 5xx: 40 runners each send 500
events at the same moment to gunicorn `--workers 2 --threads 8`, as deployed, on SQLite
and on PostgreSQL, and every event is stored exactly once for its runner.

bench/write_load.py measures the same load (and heavier, sustained load); the figures
and the SQLite writer-queue decision are in docs/performance.md.
"""

import sqlite3
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.events import logged, new_session
from tests.live_server import LiveServer
from tests.test_processes import (
    database_url,
    post_sync,
    register,
    results_of,
    sessions_of_events,
    stored_events,
)

pytestmark = pytest.mark.slow

CLIENTS = 40
EVENTS = 500
# Registering 40 runners from one address: the per-address limit on new accounts and
# full-cost scrypt are not what this test is about.
SERVER_ENV = {"LOGIN_RATE_LIMIT": "1000", "PASSWORD_HASH_METHOD": "scrypt:4096:8:1"}


def sign_up_runners(server: LiveServer) -> list[str]:
    return [register(server, f"runner{n}@example.com") for n in range(CLIENTS)]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_forty_phones_syncing_at_once_all_get_200_and_every_event_is_stored_once(
    backend, tmp_path, servers
):
    url = database_url(backend, tmp_path)
    server = LiveServer(url, tmp_path, threads=8, settings=SERVER_ENV)
    servers.append(server)
    server.start()
    cookies = sign_up_runners(server)
    batches = [sessions_of_events(EVENTS) for _ in range(CLIENTS)]
    start_together = threading.Barrier(CLIENTS, timeout=30)

    def phone(number: int) -> tuple[int, bytes]:
        start_together.wait()
        return post_sync(server, cookies[number], batches[number])

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(phone, range(CLIENTS)))

    statuses = Counter(status for status, _ in answers)
    assert statuses == {200: CLIENTS}, (
        f"{statuses}; e.g. {[body[:200] for status, body in answers if status != 200][:2]}; "
        "the server said:\n" + "\n".join(server.errors())
    )
    for (status, body), events in zip(answers, batches, strict=True):
        assert Counter(r["status"] for r in results_of(status, body, events)) == {
            "accepted": EVENTS
        }
    rows = stored_events(url)
    assert len(rows) == CLIENTS * EVENTS
    per_id = Counter(event_id for event_id, _ in rows)
    assert set(per_id.values()) == {1}, "an event is stored more than once"
    sent = {e["id"] for events in batches for e in events}
    assert set(per_id) == sent, "an event was lost"
    # Each runner's 500 events are theirs, none another's.
    owners = {event_id: user_id for event_id, user_id in rows}
    for events in batches:
        assert len({owners[e["id"]] for e in events}) == 1
    assert len(set(owners.values())) == CLIENTS


def test_a_sync_waits_for_a_long_write_on_sqlite_instead_of_failing(tmp_path, servers):
    """Another connection holds SQLite's write lock for 7 s (longer than Python's
    default 5 s wait): the sync waits its turn and stores its events."""
    url = database_url("sqlite", tmp_path)
    server = LiveServer(url, tmp_path, settings=SERVER_ENV)
    servers.append(server)
    server.start()
    cookie = register(server)
    events = [logged(new_session())]

    writer = sqlite3.connect(
        url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
    )
    writer.execute("BEGIN IMMEDIATE")
    release = threading.Timer(7, writer.rollback)
    release.start()
    try:
        began = time.monotonic()
        status, body = post_sync(server, cookie, events)
        waited = time.monotonic() - began
    finally:
        release.join()
        writer.close()
    assert status == 200, body[:300]
    assert results_of(status, body, events)[0]["status"] == "accepted"
    assert waited >= 6, "the sync did not wait for the lock; the test proves nothing"
    assert [event_id for event_id, _ in stored_events(url)] == [events[0]["id"]]
