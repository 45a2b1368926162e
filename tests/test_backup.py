"""README "Backup and restore", done as written: a backup of a live database restored
into a fresh one, where the runner signs in and finds their sessions.

SQLite: the online backup (`sqlite3 FILE ".backup COPY"`, or Python's
`sqlite3.Connection.backup`). PostgreSQL: `pg_dump -Fc`, then `pg_restore` into a new
database (RUNPT_POSTGRES_URL, as tests/test_processes.py; skipped without it except
under CI).
"""

import os
import shutil
import sqlite3
import subprocess

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from runpt import create_app
from runpt.extensions import db
from tests.events import finished, logged, new_session, started
from tests.helpers import AuthActions

POSTGRES_SERVER = os.environ.get("RUNPT_POSTGRES_URL")
PASSWORD = "long-enough-1"


def app_on(url: str, instance) -> object:
    """An app on `url`, migrated and with the library, as a host starts."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "backup-test",
            "SQLALCHEMY_DATABASE_URI": url,
            "AUTO_MIGRATE": True,
            "PASSWORD_HASH_METHOD": "scrypt:4096:8:1",
            "INSTANCE_PATH": str(instance),
        }
    )


def a_runner_with_a_session(app) -> list[dict]:
    """A runner signs up and syncs one session of three sets; the events sent."""
    auth = AuthActions(app.test_client())
    assert auth.register("kept@example.com", PASSWORD).status_code == 302
    session = new_session()
    events = [started(session), *(logged(session, set_no=n) for n in (1, 2, 3)), finished(session)]
    answer = auth.client.post("/api/sync", json={"events": events})
    assert answer.status_code == 200
    assert {r["status"] for r in answer.json["results"]} == {"accepted"}
    return events


def finds_their_session(app, events: list[dict]) -> None:
    """On the restored database the runner signs in and their session is there, whole."""
    with app.app_context():
        db.engine.dispose()  # nothing of the original database's pool
    auth = AuthActions(app.test_client())
    assert auth.login("kept@example.com", PASSWORD).status_code == 302
    sessions = auth.client.get("/api/sessions").json["sessions"]
    assert [s["id"] for s in sessions] == [events[0]["session"]]
    assert len(sessions[0]["sets"]) == 3 and sessions[0]["finished_at"] is not None


@pytest.mark.parametrize("how", ["sqlite3 .backup", "Connection.backup"])
def test_a_sqlite_online_backup_restores_into_a_fresh_database(how, tmp_path):
    live = tmp_path / "live" / "runpt.sqlite3"
    live.parent.mkdir()
    app = app_on(f"sqlite:///{live}", tmp_path / "live")
    events = a_runner_with_a_session(app)
    backup = tmp_path / "runpt-backup.sqlite3"
    # While the app still has the database open: the online backup needs no stop.
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        if how == "sqlite3 .backup":
            if shutil.which("sqlite3") is None:
                pytest.skip("the sqlite3 program is not installed (apt-get install sqlite3)")
            subprocess.run(["sqlite3", str(live), f".backup '{backup}'"], check=True, timeout=60)
        else:
            with sqlite3.connect(live) as source, sqlite3.connect(backup) as copy:
                source.backup(copy)
        db.session.rollback()
        db.engine.dispose()

    # Restore: the copy becomes the database of a new instance.
    restored = tmp_path / "restored" / "runpt.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    finds_their_session(app_on(f"sqlite:///{restored}", tmp_path / "restored"), events)


def postgres_server() -> str:
    if not POSTGRES_SERVER:
        if os.environ.get("CI"):
            pytest.fail("RUNPT_POSTGRES_URL is not set; CI must test PostgreSQL's restore")
        pytest.skip("RUNPT_POSTGRES_URL is not set")
    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            pytest.fail(f"{program} not found (apt-get install postgresql-client)")
    return POSTGRES_SERVER.rstrip("/")


def fresh_database(server: str, name: str) -> str:
    engine = create_engine(server + "/postgres", poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
    finally:
        engine.dispose()
    return f"{server}/{name}"


def libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_pg_dump_restores_into_a_fresh_database(tmp_path):
    server = postgres_server()
    live = fresh_database(server, "runpt_backup_live")
    app = app_on(live, tmp_path / "live")
    events = a_runner_with_a_session(app)
    with app.app_context():
        db.engine.dispose()
    dump = tmp_path / "runpt.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--file", str(dump), libpq(live)], check=True, timeout=120
    )
    restored = fresh_database(server, "runpt_backup_restored")
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", libpq(restored), str(dump)],
        check=True,
        timeout=120,
    )
    finds_their_session(app_on(restored, tmp_path / "restored"), events)
