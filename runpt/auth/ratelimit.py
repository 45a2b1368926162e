"""Counting login attempts, per address, per account and per known device, in the database.

App processes keep no state (several gunicorn workers behind a load balancer), so each
attempt is a row that every process sees. An attempt is counted *before* its password
is checked, in one transaction that no other attempt on the same key can interleave
with: however many requests are in flight, at most `limit` passwords are checked per key
in a WINDOW. Over the limit the attempt is not counted (the transaction is rolled back),
so the lock lifts on its own. A successful login takes its own attempt back.

A browser that has signed in to an account before carries a device cookie
(runpt/auth/devices.py); its attempts for that account count against the device rather
than the address and email, so failures from elsewhere can't lock the runner out of a
phone they already use. Every attempt for an email, through a device or not, also counts
toward the email's ceiling (CEILING_TIMES the limit): whatever cookies someone kept, the
passwords checked for one account in a window stay bounded. Attempts without a device
stop at the email's own limit first, so they never use up what the runner's devices
have left.
"""

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text

from runpt.auth.models import LoginAttempt
from runpt.extensions import db
from runpt.timestamps import utcnow

WINDOW = timedelta(minutes=15)
# The longest email an account can have; a longer one is counted by its first part.
MAX_EMAIL_IN_KEY = 254
# PostgreSQL can't store NUL in text; a typed control character counts as "?".
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# pg_advisory_xact_lock(namespace, key): a namespace of its own, apart from migrations'.
LOCK_NAMESPACE = 0x72756E70  # "runp"
# The email's ceiling, in limits: room for attempts without a device (one limit's worth
# at most) and for the runner's own devices.
CEILING_TIMES = 3
CEILING = "every:"


def address_key(address: str | None) -> str:
    # No address only happens outside a real server (tests, scripts): count it as one.
    return f"ip:{address or 'unknown'}"


def email_key(email: str) -> str:
    """The same key for every spelling of an email the login form would accept."""
    email = CONTROL_CHARACTERS.sub("?", (email or "").strip().lower())
    return f"email:{email[:MAX_EMAIL_IN_KEY]}"


def ceiling_key(email: str) -> str:
    """Every attempt for this email, whatever device it came through."""
    return CEILING + email_key(email)


def key_limit(key: str, limit: int) -> int:
    return limit * CEILING_TIMES if key.startswith(CEILING) else limit


def device_key(device: str) -> str:
    return f"device:{device}"


def signup_key(address: str | None) -> str:
    """New accounts are counted per address, apart from logins."""
    return f"signup:{address_key(address)}"


def attempt_keys(address: str | None, email: str, device: str | None = None) -> list[str]:
    """What a login attempt counts against: a known device, or else its address and its
    email; and the email's ceiling either way (when an email was typed)."""
    typed = bool((email or "").strip())
    if device:
        keys = [device_key(device)]
    else:
        keys = [address_key(address)] + ([email_key(email)] if typed else [])
    return keys + ([ceiling_key(email)] if typed else [])


def failures(key: str, now: datetime | None = None) -> int:
    since = (now or utcnow()) - WINDOW
    query = select(func.count()).where(LoginAttempt.key == key, LoginAttempt.at > since)
    return db.session.scalar(query)


def is_locked_out(keys: list[str], limit: int, now: datetime | None = None) -> bool:
    return any(failures(key, now) >= key_limit(key, limit) for key in keys)


def hold_keys(keys: list[str]) -> None:
    """Make this transaction the only one counting these keys until it ends.

    PostgreSQL: a transaction-scoped advisory lock per key, taken in sorted order so two
    attempts never wait on each other crosswise. SQLite: nothing to do here; the first
    write of the transaction (the attempt's own row, next) takes the database's write
    lock, which no other writer can share, and pysqlite runs no statement of this
    transaction before it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        digest = hashlib.blake2b(key.encode(), digest_size=4).digest()
        number = int.from_bytes(digest, "big", signed=True)
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
            {"namespace": LOCK_NAMESPACE, "key": number},
        )


def forget_old_attempts(now: datetime) -> None:
    """Rows past the window are deleted as new ones come, so the table holds at most one
    window of attempts without a cleanup job. Rows another transaction is deleting are
    skipped (PostgreSQL), so two logins never wait on each other here."""
    old = (
        select(LoginAttempt.id)
        .where(LoginAttempt.at <= now - WINDOW)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(old)))


def count_attempt(keys: list[str], limit: int, now: datetime | None = None) -> list[int] | None:
    """Count one attempt against each key, before its password is checked.

    Returns the ids of the attempt's rows (to take back if it succeeds), or None when a
    key already has its limit of attempts in the window (`limit`; an email's ceiling
    CEILING_TIMES that): then nothing is counted and the
    password must not be checked. Commits (or rolls back) its own transaction.
    """
    now = now or utcnow()
    db.session.commit()  # start from a fresh transaction: the lock below is this one's
    hold_keys(keys)
    attempts = [LoginAttempt(key=key, at=now) for key in keys]
    db.session.add_all(attempts)
    db.session.flush()
    forget_old_attempts(now)
    # Every other attempt on these keys has committed or waits for us: the count is exact.
    if any(failures(key, now) > key_limit(key, limit) for key in keys):
        db.session.rollback()
        return None
    ids = [attempt.id for attempt in attempts]
    db.session.commit()
    return ids


def take_back(ids: list[int]) -> None:
    """An attempt that succeeded: its rows no longer count against anyone."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(ids)))
    db.session.commit()


def record_failure(keys: list[str], now: datetime | None = None) -> None:
    """Count one failed login against each key, without a limit (tests and scripts)."""
    now = now or utcnow()
    db.session.add_all(LoginAttempt(key=key, at=now) for key in keys)
    forget_old_attempts(now)
    db.session.commit()


def forget_failures(email: str) -> None:
    """After a successful login (or when the account is deleted): the account's count
    starts again. The address's count stays; others may share that address."""
    keys = [email_key(email), ceiling_key(email)]
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(keys)))
    db.session.commit()
