"""Counting failed logins, per address and per account, in the database.

App processes keep no state (several gunicorn workers behind a load balancer), so each
failure is a row that every process sees. A login is refused before its password is
checked once either its address or its email has `limit` failures in the last
WINDOW; the refusal itself is not counted, so the lock lifts on its own.
"""

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from runpt.auth.models import LoginAttempt
from runpt.extensions import db
from runpt.timestamps import utcnow

WINDOW = timedelta(minutes=15)
# The longest email an account can have; a longer one is counted by its first part.
MAX_EMAIL_IN_KEY = 254
# PostgreSQL can't store NUL in text; a typed control character counts as "?".
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def address_key(address: str | None) -> str:
    # No address only happens outside a real server (tests, scripts): count it as one.
    return f"ip:{address or 'unknown'}"


def email_key(email: str) -> str:
    """The same key for every spelling of an email the login form would accept."""
    email = CONTROL_CHARACTERS.sub("?", (email or "").strip().lower())
    return f"email:{email[:MAX_EMAIL_IN_KEY]}"


def attempt_keys(address: str | None, email: str) -> list[str]:
    """What a login attempt counts against: its address, and its email when one was typed."""
    keys = [address_key(address)]
    if (email or "").strip():
        keys.append(email_key(email))
    return keys


def failures(key: str, now: datetime | None = None) -> int:
    since = (now or utcnow()) - WINDOW
    query = select(func.count()).where(LoginAttempt.key == key, LoginAttempt.at > since)
    return db.session.scalar(query)


def is_locked_out(keys: list[str], limit: int, now: datetime | None = None) -> bool:
    return any(failures(key, now) >= limit for key in keys)


def record_failure(keys: list[str], now: datetime | None = None) -> None:
    """Count one failed login against each key. Rows past the window are deleted here,
    so the table holds at most one window of failures without a cleanup job."""
    now = now or utcnow()
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - WINDOW))
    db.session.add_all(LoginAttempt(key=key, at=now) for key in keys)
    db.session.commit()


def forget_failures(email: str) -> None:
    """After a successful login (or when the account is deleted): the account's count
    starts again. The address's count stays; others may share that address."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == email_key(email)))
    db.session.commit()
