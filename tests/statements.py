"""What a request says to the database: every statement, whichever way it is run."""

from unittest import mock

from sqlalchemy import event

from runpt.extensions import db
from runpt.plain_reads import PlainRead


def statements_during(app, client, path: str) -> list[str]:
    """The SQL of every statement the request for `path` ran, in order, on one line
    each: through SQLAlchemy (its engine's events) and as plain reads (which run on the
    driver's own cursor, where those events don't reach)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    plain_first = PlainRead.first

    def first(read, **params):
        seen.append(" ".join(str(read.statement.compile(dialect=engine.dialect)).split()))
        return plain_first(read, **params)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with mock.patch.object(PlainRead, "first", first):
            assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen
