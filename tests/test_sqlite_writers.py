"""SQLite writers wait their turn in a queue (runpt/sqlite.py): a turn starts at a
transaction's first write and ends with its commit or rollback, however that comes,
so no writer is ever left waiting for a turn nobody holds."""

import fcntl
import os
import threading
import time
import uuid

import pytest
from sqlalchemy import select, text

from runpt.auth.models import User
from runpt.extensions import db
from runpt.log.ingest import ingest
from tests.events import logged, new_session

pytestmark = pytest.mark.skipif(
    "postgresql" in (os.environ.get("RUNPT_TEST_DATABASE_URL") or ""),
    reason="the writer queue is SQLite's",
)


def someone_writing(app) -> bool:
    """True while a transaction holds its turn (tried without waiting)."""
    with app.app_context():
        path = db.engine.url.database + ".writer-lock"
    with open(path, "a") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(probe, fcntl.LOCK_UN)
        return False


def a_write(app):
    db.session.execute(
        text("INSERT INTO login_attempt (key, at) VALUES (:k, CURRENT_TIMESTAMP)"),
        {"k": f"test:{uuid.uuid4()}"},
    )


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_a_turn_lasts_from_the_first_write_to_the_end_of_the_transaction(app, end):
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        assert not someone_writing(app), "a read takes no turn"
        a_write(app)
        assert someone_writing(app)
        {"commit": db.session.commit, "rollback": db.session.rollback,
         "close": db.session.close}[end]()  # fmt: skip
        assert not someone_writing(app)


def test_a_failed_write_gives_its_turn_back(app):
    with app.app_context():
        a_write(app)
        with pytest.raises(Exception, match="no such table"):
            db.session.execute(text("INSERT INTO no_such_table VALUES (1)"))
        db.session.rollback()
        assert not someone_writing(app)


def test_writers_in_other_threads_wait_for_the_turn_and_then_go(app, signed_in):
    with app.app_context():
        user_id = db.session.scalar(select(User.id))
    finished: list[float] = []

    def sync_from_another_phone():
        with app.app_context():
            ingest(user_id, [logged(new_session())])
            finished.append(time.monotonic())

    with app.app_context():
        a_write(app)  # this transaction holds the turn
        other = threading.Thread(target=sync_from_another_phone)
        other.start()
        time.sleep(0.3)
        assert finished == [], "the other writer did not wait for its turn"
        released = time.monotonic()
        db.session.commit()
    other.join(timeout=10)
    assert finished and finished[0] >= released


def test_every_connection_copies_the_log_back_only_after_many_batches(app):
    """Sync batches write the same random index pages again and again: each
    connection lets the write-ahead log gather WAL_PAGES_BEFORE_CHECKPOINT pages
    (SQLite's default is 1,000) before a commit copies them back."""
    from runpt.sqlite import WAL_PAGES_BEFORE_CHECKPOINT

    with app.app_context():
        pages = db.session.execute(text("PRAGMA wal_autocheckpoint")).scalar()
        mode = db.session.execute(text("PRAGMA journal_mode")).scalar()
    assert (mode, pages) == ("wal", WAL_PAGES_BEFORE_CHECKPOINT) and pages >= 8000
