"""Real gunicorn server processes: several of them on one PostgreSQL database, and one
killed (SIGKILL) in the middle of a sync.

The outbox's promise is that every log is stored exactly once whatever happens on the
way: two processes racing on the same events, a retry after a lost answer, a server
that dies half-way through a batch. These tests check it end to end, with the database
itself as the witness.

PostgreSQL: set RUNPT_POSTGRES_URL to a server URL (no database name), e.g.
postgresql+psycopg://postgres@127.0.0.1:54329, as a role that may create databases: each
test makes one of its own (`runpt_processes_<pid>_<n>`) and drops the one before. Without
it they are skipped, except under CI, where they fail.
"""

import http.client
import http.cookiejar
import json
import os
import random
import socket
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from runpt.auth.models import User
from runpt.log.models import Event
from runpt.timestamps import utcnow
from tests.events import finished, logged, new_session, started
from tests.live_server import HOST, LiveServer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = os.environ.get("RUNPT_POSTGRES_URL")
DATABASE_PREFIX = "runpt_processes"
_databases = iter(range(1, 1_000_000))
_made: list[str] = []
PASSWORD = "long-enough-1"
OK = {"accepted", "duplicate"}


# --- databases -------------------------------------------------------------------------


def postgres_url() -> str:
    """A new, empty PostgreSQL database for this test (the servers' AUTO_MIGRATE builds
    it). Its own name, not one emptied between tests: a CI run once found 300 events of
    an earlier test's in a database emptied since, so whatever lingers from one test
    now writes where no other test looks.

    Fails under CI when PostgreSQL is missing or unreachable; skips otherwise."""

    def unavailable(reason: str):
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the PostgreSQL process tests", pytrace=False)
        pytest.skip(reason)

    if not POSTGRES_SERVER:
        unavailable(
            "RUNPT_POSTGRES_URL is not set (a PostgreSQL server URL such as "
            "postgresql+psycopg://postgres@127.0.0.1:5432, a role that may create databases)"
        )
    name = f"{DATABASE_PREFIX}_{os.getpid()}_{next(_databases)}"
    try:
        make_database(POSTGRES_SERVER.rstrip("/"), name)
    except SQLAlchemyError as error:
        unavailable(f"PostgreSQL at {POSTGRES_SERVER} is unusable: {type(error).__name__}: {error}")
    return POSTGRES_SERVER.rstrip("/") + "/" + name


def make_database(server: str, name: str) -> None:
    """CREATE DATABASE `name`, after dropping the one this process made before (with
    FORCE: connections a killed server left behind go with it)."""
    engine = create_engine(server + "/postgres", poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            while _made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{_made.pop()}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            _made.append(name)
    finally:
        engine.dispose()


def database_url(backend: str, tmp_path: Path) -> str:
    if backend == "postgresql":
        return postgres_url()
    return "sqlite:///" + str(tmp_path / "runpt.sqlite3")


def engine_for(url: str):
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    return create_engine(url, poolclass=NullPool, connect_args=connect_args)


def stored_events(url: str) -> list[tuple[str, int]]:
    """(event id, user id) of every stored event."""
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(Event.id, Event.user_id)).all()
    finally:
        engine.dispose()
    return [(str(event_id), user_id) for event_id, user_id in rows]


def count_stored(url: str, ids: list[str]) -> int:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            wanted = [uuid.UUID(i) for i in ids]
            return connection.scalar(
                select(func.count()).select_from(Event).where(Event.id.in_(wanted))
            )
    finally:
        engine.dispose()


def only_user_id(url: str) -> int:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            (user_id,) = connection.scalars(select(User.id)).all()
    finally:
        engine.dispose()
    return user_id


def assert_stored_exactly_once(url: str, events: list[dict]) -> None:
    rows = stored_events(url)
    per_id = Counter(event_id for event_id, _ in rows)
    sent = {e["id"] for e in events}
    assert [i for i, n in per_id.items() if n != 1] == [], "an event is stored more than once"
    assert sorted(sent - set(per_id)) == [], "events were lost"
    assert sorted(set(per_id) - sent) == [], "events nobody sent were stored"
    assert len(rows) == len(events)
    assert len({user_id for _, user_id in rows}) == 1, "events stored for several users"


# --- server processes: tests/live_server.py, as every test and benchmark starts them;
# the `servers` fixture (tests/conftest.py) stops each a test made ---


# --- a runner's client -----------------------------------------------------------------


def register(server: LiveServer, email: str = "runner@example.com") -> str:
    """A new runner's account through the real form; the Cookie header that signs them in."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD})
    with opener.open(server.url + "/auth/register", data=form.encode(), timeout=10) as answer:
        assert answer.status == 200
        # A new runner lands on the first-run questions, signed in.
        assert urllib.parse.urlsplit(answer.url).path == "/get-started"
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "session" in cookies
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def sync_body(events: list[dict]) -> bytes:
    return json.dumps({"events": events}).encode()


def post_sync(server: LiveServer, cookie: str, events: list[dict]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        connection.request(
            "POST",
            "/api/sync",
            body=sync_body(events),
            headers={"Content-Type": "application/json", "Cookie": cookie},
        )
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def results_of(status: int, body: bytes, events: list[dict]) -> list[dict]:
    assert status == 200, body[:500]
    results = json.loads(body)["results"]
    assert [r["id"] for r in results] == [e["id"] for e in events]
    return results


def sessions_of_events(count: int, per_session: int = 30) -> list[dict]:
    """`count` valid events: whole sessions (started, sets, finished)."""
    events: list[dict] = []
    while len(events) < count:
        session = new_session()
        events.append(started(session))
        sets = min(per_session, count - len(events)) - 1
        events.extend(logged(session, set_no=n) for n in range(1, sets + 1))
        if len(events) < count:
            events.append(finished(session))
    assert len(events) == count
    return events


# --- 7. many processes -----------------------------------------------------------------

CLIENTS = 16
EVENTS = 300
BATCH = 50


def test_two_server_processes_on_one_database_store_each_event_once(tmp_path, servers):
    """16 clients send the same 300 events, shuffled into batches of 50, alternately to
    two gunicorn servers (2 workers x 4 threads each) on one PostgreSQL database. Every
    request must succeed; each event is stored once and answered `accepted` exactly once
    and `duplicate` to every other client. Both servers start at once on an empty
    database, so their four workers also race to migrate it."""
    url = postgres_url()
    pair = [LiveServer(url, tmp_path), LiveServer(url, tmp_path)]
    servers.extend(pair)
    for server in pair:
        server.spawn()
    for server in pair:
        server.wait_until_up()
    cookie = register(pair[0])
    events = sessions_of_events(EVENTS)
    start_together = threading.Barrier(CLIENTS, timeout=30)
    give_up = threading.Event()  # set by the first failure: fail fast, and say why

    def client(number: int) -> tuple[list[dict], list[str]]:
        rng = random.Random(number)
        order = rng.sample(events, len(events))
        answered, failures = [], []
        start_together.wait()
        for n, first in enumerate(range(0, len(order), BATCH)):
            if give_up.is_set():
                break
            batch = order[first : first + BATCH]
            server = pair[(number + n) % 2]
            try:
                status, body = post_sync(server, cookie, batch)
            except OSError as error:
                status, body = None, repr(error).encode()
            if status == 200:
                answered.extend(results_of(status, body, batch))
            else:
                failures.append(f"{server.url}: {status} {body[:200]!r}")
                give_up.set()
        return answered, failures

    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(client, n) for n in range(CLIENTS)]
        outcomes = [future.result(timeout=120) for future in futures]

    failures = [failure for _, failed in outcomes for failure in failed]
    assert failures == [], (
        f"{len(failures)} sync requests failed, e.g. {failures[:2]}; the servers said:\n"
        + "\n".join(sorted({line for s in pair for line in s.errors()}))
    )
    assert_stored_exactly_once(url, events)

    statuses: dict[str, Counter] = defaultdict(Counter)
    for answered, _ in outcomes:
        for result in answered:
            statuses[result["id"]][result["status"]] += 1
    assert set(statuses) == {e["id"] for e in events}
    for event_id, seen in statuses.items():
        assert seen == {"accepted": 1, "duplicate": CLIENTS - 1}, (event_id, seen)


# --- 8. a crash during sync ------------------------------------------------------------

LARGE = 500


class RawRequest:
    """POST /api/sync over a bare socket, so the test chooses how far it gets."""

    def __init__(self, server: LiveServer, cookie: str, events: list[dict]):
        body = sync_body(events)
        self.head = (
            f"POST /api/sync HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Cookie: {cookie}\r\nConnection: close\r\n\r\n"
        ).encode()
        self.body = body
        self.socket = socket.create_connection((HOST, server.port), timeout=10)

    def send(self, fraction: float = 1.0) -> None:
        self.socket.sendall(self.head + self.body[: int(len(self.body) * fraction)])

    def answer(self) -> bytes:
        """Whatever the server sent before it died (b"" or a reset: no answer)."""
        received = b""
        try:
            self.socket.settimeout(10)
            while chunk := self.socket.recv(65536):
                received += chunk
        except OSError:
            pass
        return received

    def close(self) -> None:
        self.socket.close()


def block_inserts(url: str, user_id: int, blocker: dict):
    """Hold a write the server's transaction must wait for; returns a release function.

    PostgreSQL: an uncommitted row with one of the batch's event ids (the last), so the
    server's INSERT ... ON CONFLICT writes rows, uncommitted, and then waits on it.
    SQLite: the database's write lock (BEGIN IMMEDIATE)."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")

        def release_sqlite():
            connection.rollback()
            connection.close()

        return release_sqlite

    engine = engine_for(url)
    connection = engine.connect()
    now = utcnow()
    connection.execute(
        Event.__table__.insert().values(
            id=uuid.UUID(blocker["id"]), user_id=user_id, type=blocker["type"], at=now,
            at_offset_min=0, session_id=uuid.UUID(blocker["session"]), data=blocker["data"],
            exercise=None, received_at=now,
        )
    )  # fmt: skip

    def release_postgres():
        connection.rollback()
        connection.close()
        engine.dispose()

    return release_postgres


def wait_for_blocked_insert(url: str, server: LiveServer) -> None:
    """Until the server's INSERT waits on the test's lock (PostgreSQL shows it); SQLite
    can't show a waiting writer, so give the server a moment to reach its INSERT.
    Either way the server can't commit while the lock is held."""
    if url.startswith("sqlite"):
        time.sleep(0.5)
        return
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                waiting = connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO event%'"
                    )
                )
                connection.rollback()
                if waiting:
                    return
                time.sleep(0.02)
    finally:
        engine.dispose()
    raise AssertionError(f"the server's INSERT never waited on the lock:\n{server.log_tail()}")


def wait_until_stored(url: str, events: list[dict], server: LiveServer) -> None:
    ids = [e["id"] for e in events]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if count_stored(url, ids) == len(ids):
            return
        time.sleep(0.01)
    raise AssertionError(f"the batch was not committed within 10 s:\n{server.log_tail()}")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("moment", ["mid-upload", "mid-transaction", "after-commit"])
def test_a_server_killed_during_sync_loses_and_doubles_nothing(backend, moment, tmp_path, servers):
    """A 500-event batch; the server (master and workers) is SIGKILLed at `moment`:

    - mid-upload: half the body sent, so the server cannot have stored anything;
    - mid-transaction: the whole body sent, the server's transaction held open by a
      lock the test owns (on PostgreSQL: rows written, uncommitted, and shown waiting);
    - after-commit: every row committed (seen in the database), the answer lost.

    The server restarts on the same port and the runner's device retries what was not
    answered accepted/duplicate, as the outbox does."""
    url = database_url(backend, tmp_path)
    server = LiveServer(url, tmp_path)
    servers.append(server)
    server.start()
    cookie = register(server)
    events = sessions_of_events(LARGE)
    release = None
    if moment == "mid-transaction":
        release = block_inserts(url, only_user_id(url), events[-1])

    request = RawRequest(server, cookie, events)
    try:
        request.send(fraction=0.5 if moment == "mid-upload" else 1.0)
        if moment == "mid-transaction":
            wait_for_blocked_insert(url, server)
        elif moment == "after-commit":
            wait_until_stored(url, events, server)
        server.kill()
        if release:
            release()
            release = None
        if moment != "after-commit":
            assert request.answer() == b"", "the server answered before it was killed"
    finally:
        request.close()
        if release:
            release()

    # No answer reached the device (after-commit: it was lost on the way), so its
    # outbox keeps the whole batch and sends it again once the server is back.
    server.start()
    results = results_of(*post_sync(server, cookie, events), events)
    statuses = Counter(r["status"] for r in results)
    if moment == "after-commit":
        assert statuses == {"duplicate": LARGE}, "the batch was committed before the kill"
    else:
        assert statuses == {"accepted": LARGE}, "nothing was committed before the kill"

    assert_stored_exactly_once(url, events)
    # Retrying once more changes nothing.
    again = results_of(*post_sync(server, cookie, events), events)
    assert {r["status"] for r in again} == {"duplicate"}
    assert_stored_exactly_once(url, events)
