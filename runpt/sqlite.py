"""SQLite, the embedded default, set up for a server with several workers.

SQLite lets one connection write at a time. A writer that finds the database busy
waits with SQLite's busy handler, which *polls*: it sleeps 1, 2, 5 ... then 100 ms at a
time and looks again. Under sustained sync load the lock is handed straight from one
running writer to the next, and a polling writer can keep looking at the wrong moment
until it gives up: 500 "database is locked" (bench/write_load.py; docs/performance.md).

So writers queue instead of polling: before its first write, a transaction takes an
exclusive `flock` on a file beside the database, which the kernel hands to a waiting
writer the moment it is released, across threads and gunicorn workers alike. The
transaction lets go of it when it commits or rolls back. The busy timeout stays as the
backstop for writers outside the queue (migrations, other tools).

Every connection enforces foreign keys (`PRAGMA foreign_keys=ON`; SQLite leaves them off
unless asked, per connection): a row pointing at a runner who no longer exists can't be
written, and deleting the runner removes what cascades from them. Migrations turn it off
for the copy-drop-rename of a table and check every key before they finish
(runpt/migrations/env.py).
"""

import fcntl
import threading

from flask import Flask
from sqlalchemy import event

from runpt.extensions import db

# How long a write waits for SQLite's own lock before "database is locked" (Python's
# default is 5 s). Writers in the queue below rarely wait on it at all.
BUSY_TIMEOUT_MS = 30_000
# Pages the write-ahead log gathers before a commit copies them back into the database
# (SQLite's default is 1,000, ~4 MB). A batch from a phone with an older runpt (random
# event ids) lands on index pages all over, so the same pages are written again batch
# after batch: copied back less often, each is copied once for many batches. Ingest of
# random ids ~7% faster and flatter as the table grows, time-ordered ids (what the phone
# makes now) no slower (docs/performance.md); the log file may grow to ~32 MB.
WAL_PAGES_BEFORE_CHECKPOINT = 8000
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
QUEUE_KEY = "runpt_writer_queue"


def use_write_ahead_log(dbapi_connection, connection_record) -> None:
    """WAL lets readers go on while one worker writes a sync batch, and makes commits
    cheaper. `synchronous` stays FULL: an `accepted` answer must survive a power cut."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES_BEFORE_CHECKPOINT}")
    cursor.close()


def enforce_foreign_keys(dbapi_connection, connection_record) -> None:
    """On every SQLite connection, file or memory: a sync that lost the race with its
    runner's deletion fails instead of storing rows under an id that no longer exists."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class WriterQueue:
    """One writing transaction at a time, waiting in the kernel rather than polling."""

    def __init__(self, database_path: str):
        self.path = database_path + ".writer-lock"
        # Threads in their turn. One that writes on a second connection meanwhile (only
        # tests do) must not wait for itself: that write is left to the busy timeout.
        self.holders: set[int] = set()

    def before_write(self, conn, cursor, statement, parameters, context, executemany):
        """Before the first write of a transaction (pysqlite begins the transaction
        there), wait for this connection's turn."""
        if QUEUE_KEY in conn.info or not statement.lstrip()[:7].upper().startswith(WRITES):
            return
        thread = threading.get_ident()
        if thread in self.holders:
            return
        turn = open(self.path, "a")  # noqa: SIM115 - held until the transaction ends
        fcntl.flock(turn, fcntl.LOCK_EX)  # each open file is its own turn, thread or not
        conn.info[QUEUE_KEY] = (turn, thread)
        self.holders.add(thread)

    def done(self, info: dict) -> None:
        held = info.pop(QUEUE_KEY, None)
        if held is not None:
            turn, thread = held
            self.holders.discard(thread)
            fcntl.flock(turn, fcntl.LOCK_UN)
            turn.close()

    def after_transaction(self, conn) -> None:
        """Commit or rollback: the next writer may go. (Its first write may still wait a
        few milliseconds on SQLite's lock while this commit finishes.)"""
        self.done(conn.info)

    def after_reset(self, dbapi_connection, connection_record, reset_state=None) -> None:
        """A connection handed back to the pool mid-transaction is rolled back there."""
        self.done(connection_record.info)

    def listen(self, engine) -> None:
        event.listen(engine, "before_cursor_execute", self.before_write)
        event.listen(engine, "commit", self.after_transaction)
        event.listen(engine, "rollback", self.after_transaction)
        event.listen(engine.pool, "reset", self.after_reset)
        event.listen(engine.pool, "close", self.after_reset)


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", enforce_foreign_keys)
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            event.listen(engine, "connect", use_write_ahead_log)
            WriterQueue(engine.url.database).listen(engine)
