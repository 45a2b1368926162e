"""Fixtures: one database schema per test run (built by the real migrations), one app
per run put back as it was made after each test, and a runner acting through the forms.

The app is made once per run (per xdist worker) and `AppReset` (tests/helpers.py) puts it
back after every test that used it: its config and extensions as made, runners' rows
deleted from the tables that have any, and the library loaded again only if a test
changed it. A test that needs an app made with other settings makes its own with
`create_app(settings(...))`. docs/architecture.md, "The tests".

Helpers test files import live in tests/helpers.py (and tests/browser/helpers.py), never
here: tests/test_suite_shape.py fails on a test file that imports a conftest.

Set RUNPT_TEST_DATABASE_URL to run the same suite against PostgreSQL; with xdist each
worker gets a database of its own beside it (`<name>_gw0`, ...).
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runpt import create_app, timestamps
from runpt.extensions import db
from tests.helpers import (
    AppReset,
    AuthActions,
    check_the_postgres_pass,
    database_of_this_worker,
    folder_in_memory,
    settings,
    worker_of,
)
from tests.live_server import LiveServer

TEST_DATABASE_URL = os.environ.get("RUNPT_TEST_DATABASE_URL")


def pytest_configure(config):
    check_the_postgres_pass()


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's, absent with -p no:xdist
def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject's addopts): xdist's one worker per core for the whole suite or
    a folder of it; none for named files or tests, where starting workers (each builds
    its own schema) costs more than it saves. PYTEST_XDIST_AUTO_NUM_WORKERS still rules."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    named = [arg.split("::")[0] for arg in config.args]
    if named and not any(Path(arg).is_dir() for arg in named):
        return 0
    return None


def pytest_collection_modifyitems(config, items):
    """Tests that start server processes (`slow`, `deploy`) run one after another on one
    xdist worker (`--dist loadgroup`): they measure what a server does under load, which
    a second server test on the other core would skew."""
    for item in items:
        if item.get_closest_marker("slow") or item.get_closest_marker("deploy"):
            item.add_marker(pytest.mark.xdist_group("server-processes"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, request):
    if TEST_DATABASE_URL:
        yield database_of_this_worker(TEST_DATABASE_URL, worker_of(request.config))
        return
    with folder_in_memory(tmp_path_factory.mktemp("db")) as folder:
        yield "sqlite:///" + str(folder / "runpt-test.sqlite3")


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Build the schema once with the real migrations (so they are tested on every
    database the suite runs against), and load the library."""
    from runpt.cli import prepare_database

    app = create_app(settings(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        prepare_database()
        db.engine.dispose()
    return database_url


class PinnedClock:
    """runpt's one clock standing still at `now` until a test sets or moves it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> datetime:
        if now.tzinfo is None:
            raise ValueError("pin the clock to an aware time, e.g. datetime(..., tzinfo=UTC)")
        self.now = now.astimezone(UTC)
        return self.now

    def advance(self, **delta) -> datetime:
        return self.set(self.now + timedelta(**delta))


# A Wednesday at noon UTC: mid-week and mid-day on every runner's clock, unless a test
# pins the edge it is about (a Monday 00:30, a Sunday 23:50).
PINNED_AT = datetime(2026, 12, 16, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch) -> PinnedClock:
    """Pins every read of the time in runpt (runpt.timestamps.utcnow, column defaults,
    `now=None` defaults, the tests' own helpers in tests/events.py) to one instant the
    test can set. docs/architecture.md, "One clock"."""
    pinned = PinnedClock(PINNED_AT)
    monkeypatch.setattr(timestamps, "read_clock", pinned)
    return pinned


@pytest.fixture(scope="session")
def _app_of_the_run(_schema, tmp_path_factory):
    """The one app of the run, and what puts it back after each test."""
    app = create_app(settings(_schema, tmp_path_factory.mktemp("instance")))
    yield app, AppReset(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_app_of_the_run):
    """The run's app, as it was made: whatever the test changes is put back after it."""
    app, reset = _app_of_the_run
    yield app
    reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def signed_in(auth):
    """A client with a fresh runner's account, logged in."""
    response = auth.register()
    assert response.status_code == 302
    return auth.client


@pytest.fixture
def servers():
    """Every server process (tests/live_server.py) a test makes and adds here is stopped
    at its end, whatever happened."""
    made: list[LiveServer] = []
    yield made
    for server in made:
        server.stop()
