"""Small reads that nearly every request makes, on a plain database connection.

The player asks for a step fragment many times a session, and every request of a
signed-in runner looks up their sign-in. Through SQLAlchemy's ORM session each of those
reads cost ~35 µs of Python around ~4 µs of SQL, and opening and closing the session
around them another ~50 µs (bench/profile_hotpaths.py; docs/performance.md). A
`PlainRead` is a Core statement compiled once per database and run on a connection
borrowed from the same pool just for that read, or the one the request's transaction
already holds (never two at once: a transaction pooler would need two server
connections for them): the same SQL, the same types (an aware UTC datetime comes back
as one), a fraction of the cost.

Only for reads: anything that writes goes through the session, where the SQLite writer
queue (runpt/sqlite.py) and the request's transaction are.
"""

from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy.engine import Engine

from runpt.extensions import db


@dataclass(frozen=True)
class _Prepared:
    """A statement as one database runs it: its SQL, the order of its parameters (for
    databases that bind by position), and how each parameter and column is converted."""

    sql: str
    names: tuple[str, ...] | None
    binds: dict
    columns: tuple


class PlainRead:
    """One read, built once (at import) and compiled once per engine."""

    def __init__(self, statement: Select):
        self.statement = statement
        self._prepared: dict[Engine, _Prepared] = {}

    def first(self, **params) -> tuple | None:
        """The first row, as a tuple of converted values, or None."""
        engine = db.engine
        prepared, arguments = self.sql_and_arguments(engine, **params)
        session = db.session()
        if session.in_transaction():
            # The request already holds a connection in a transaction (a unit renders
            # its steps inside one): read on it rather than take a second. Behind
            # PgBouncer in transaction mode each would be a server connection, and
            # requests holding one while waiting for another deadlocked the pool.
            row = _read(session.connection().connection, prepared.sql, arguments)
        else:
            connection = engine.raw_connection()
            try:
                row = _read(connection, prepared.sql, arguments)
            finally:
                connection.close()  # back to the pool, rolled back as the pool always does
        if row is None:
            return None
        return tuple(
            convert(value) if convert else value
            for convert, value in zip(prepared.columns, row, strict=True)
        )

    def sql_and_arguments(self, engine: Engine, **params) -> tuple[_Prepared, tuple | dict]:
        """The statement as `engine`'s database runs it, and its parameters converted:
        for a caller that sends it on a driver cursor of its own (runpt/log/ingest.py
        sends one in the same round trip as an insert)."""
        prepared = self._prepared.get(engine) or self._prepare(engine)
        values = {
            name: (convert(params[name]) if convert else params[name])
            for name, convert in prepared.binds.items()
        }
        return prepared, (tuple(values[n] for n in prepared.names) if prepared.names else values)

    def _prepare(self, engine: Engine) -> _Prepared:
        dialect = engine.dialect
        compiled = self.statement.compile(dialect=dialect)
        binds = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        columns = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in self.statement.selected_columns
        )
        names = tuple(compiled.positiontup) if compiled.positional else None
        prepared = _Prepared(str(compiled), names, binds, columns)
        self._prepared[engine] = prepared
        return prepared


def _read(connection, sql: str, arguments) -> tuple | None:
    cursor = connection.cursor()
    try:
        cursor.execute(sql, arguments)
        return cursor.fetchone()
    finally:
        cursor.close()
