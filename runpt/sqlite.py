"""SQLite, the embedded default, set up for a server with several workers."""

from flask import Flask
from sqlalchemy import event

from runpt.extensions import db


def use_write_ahead_log(dbapi_connection, connection_record) -> None:
    """WAL lets readers go on while one worker writes a sync batch, and makes commits
    cheaper. `synchronous` stays FULL: an `accepted` answer must survive a power cut."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            event.listen(engine, "connect", use_write_ahead_log)
