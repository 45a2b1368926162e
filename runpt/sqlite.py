"""SQLite, the embedded default, set up for a server with several workers."""

from flask import Flask
from sqlalchemy import event

from runpt.extensions import db

# How long a write waits for another connection's write to finish before SQLite gives
# up with "database is locked" (Python's default is 5 s). Writers take turns one at a
# time, and SQLite's wait is a poll (every 100 ms once it has waited a while), so under
# sustained sync load an unlucky writer can miss its turn again and again: 5 s was
# exceeded by 8 of 400 requests in bench/write_load.py; see docs/performance.md.
BUSY_TIMEOUT_MS = 30_000


def use_write_ahead_log(dbapi_connection, connection_record) -> None:
    """WAL lets readers go on while one worker writes a sync batch, and makes commits
    cheaper. `synchronous` stays FULL: an `accepted` answer must survive a power cut.
    A writer waits its turn for up to BUSY_TIMEOUT_MS instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            event.listen(engine, "connect", use_write_ahead_log)
