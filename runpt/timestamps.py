"""The one clock, and time values stored the same way on SQLite and PostgreSQL: always UTC.

Every read of the time in runpt goes through `utcnow()` below, and every day a page
shows through `runner_today`, `local_day` and `monday_of`: the server's own zone never
counts (a server-local `date.today()` is a day off for half the world at some hour).
The tests pin this one clock with the `clock` fixture (tests/conftest.py), which
replaces `read_clock`; see docs/architecture.md, "One clock".
"""

from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def system_clock() -> datetime:
    return datetime.now(UTC)


# What `utcnow` reads. Only the tests' `clock` fixture swaps it: modules that imported
# `utcnow` by name (and column defaults holding it) follow the swap all the same.
read_clock = system_clock


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return read_clock()


def server_today() -> date:
    """Today in UTC: the server's day, for names of files and keys that are not the
    runner's (a runner's day is `runner_today`)."""
    return utcnow().date()


def local_day(moment: datetime, offset_min: int) -> date:
    """The day on the runner's clock at `moment`, at their UTC offset then."""
    return moment.astimezone(zone_of(offset_min)).date()


def runner_today(offset_min: int, now: datetime | None = None) -> date:
    """Today on the runner's clock. The server knows that clock only from what they
    logged, so the caller passes the offset of their latest log (0, UTC, before any)."""
    return local_day(now or utcnow(), offset_min)


def monday_of(day: date) -> date:
    """The Monday that starts the runner's week holding `day` (weeks run Monday to
    Sunday on their own clock)."""
    return day - timedelta(days=day.weekday())


def day_turns_key(now: datetime | None = None) -> datetime:
    """A value that changes whenever the day turns in any time zone: the UTC quarter
    hour (every zone's offset is a whole number of quarter hours). For caches of what
    depends on a runner's day when their offset is not at hand."""
    now = now or utcnow()
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


@lru_cache(maxsize=128)
def zone_of(offset_min: int) -> timezone:
    # Pages call local_day for every session (and the report for every set): the
    # handful of offsets a runner lives in are made once.
    return timezone(timedelta(minutes=offset_min))


class UTCDateTime(TypeDecorator):
    """An aware datetime in, an aware UTC datetime out.

    SQLite keeps no offset, so every value is turned into UTC before it is stored and
    marked as UTC when it is read back; comparisons then agree on both databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
