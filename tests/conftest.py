"""Fixtures: one database schema per test run (built by the real migrations), a fresh
app per test, and helpers that act like a runner.

Set RUNPT_TEST_DATABASE_URL to run the same suite against PostgreSQL.
"""

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from runpt import create_app, timestamps
from runpt.extensions import db

TEST_DATABASE_URL = os.environ.get("RUNPT_TEST_DATABASE_URL")


POSTGRES_PASS_URLS = ("RUNPT_TEST_DATABASE_URL", "RUNPT_BROWSER_DATABASE_URL")


def check_the_postgres_pass(environ=os.environ) -> None:
    """CI's PostgreSQL pass sets RUNPT_REQUIRE_POSTGRES (.ci/run): a run with it whose
    database URLs are missing or not PostgreSQL's stops at once, instead of passing on
    SQLite and leaving the PostgreSQL pass lost without anyone noticing."""
    if not environ.get("RUNPT_REQUIRE_POSTGRES"):
        return
    for name in POSTGRES_PASS_URLS:
        if not environ.get(name, "").startswith("postgresql"):
            raise pytest.UsageError(
                f"RUNPT_REQUIRE_POSTGRES is set but {name} is no PostgreSQL URL"
            )


def pytest_configure(config):
    check_the_postgres_pass()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "runpt-test.sqlite3")


def settings(database_url: str, instance_path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "AUTO_MIGRATE": False,
        # A cheaper scrypt: hundreds of tests sign up and log in. Production's cost is
        # checked in tests/test_auth.py.
        "PASSWORD_HASH_METHOD": "scrypt:4096:8:1",
        "INSTANCE_PATH": str(instance_path),
    }


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


def wipe_runner_data() -> None:
    """Remove everything runners made; keep the library, reloading it in case a test changed it."""
    from runpt.auth.models import KnownDevice, LoginAttempt, SignIn, User
    from runpt.log.models import Event, SessionSummary
    from runpt.reminders.models import PushSubscription, ReminderSettings, SentReminder
    from runpt.routines.builtin import load_library
    from runpt.routines.models import Routine, RoutineStep
    from runpt.runner.models import RunnerSettings
    from runpt.sharing.models import ShareLink

    db.session.rollback()
    db.session.execute(delete(Event))
    db.session.execute(delete(SessionSummary))
    db.session.execute(delete(RunnerSettings))
    owned = db.select(Routine.id).where(Routine.owner_id.is_not(None))
    db.session.execute(delete(RoutineStep).where(RoutineStep.routine_id.in_(owned)))
    db.session.execute(delete(Routine).where(Routine.owner_id.is_not(None)))
    db.session.execute(delete(SignIn))
    db.session.execute(delete(KnownDevice))
    db.session.execute(delete(ShareLink))
    for table in (SentReminder, PushSubscription, ReminderSettings):
        db.session.execute(delete(table))
    db.session.execute(delete(User))
    db.session.execute(delete(LoginAttempt))
    db.session.commit()
    load_library()


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


@pytest.fixture
def app(_schema, tmp_path):
    app = create_app(settings(_schema, tmp_path))
    yield app
    with app.app_context():
        wipe_runner_data()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Register, log in and log out like a runner would, through the real forms."""

    def __init__(self, client):
        self.client = client

    def register(self, email="runner@example.com", password="long-enough-1"):
        return self.client.post("/auth/register", data={"email": email, "password": password})

    def login(self, email="runner@example.com", password="long-enough-1", remember=False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "1"
        return self.client.post("/auth/login", data=data)

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def signed_in(auth):
    """A client with a fresh runner's account, logged in."""
    response = auth.register()
    assert response.status_code == 302
    return auth.client
