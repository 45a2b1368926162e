"""The device cookie: a browser that has signed in to an account before earns a login
allowance of its own for that account.

Without it, anyone could lock a runner out by failing to log in as them from anywhere
(the per-email limit). With it, the runner's own phone or laptop counts its attempts
against itself (runpt/auth/ratelimit.py), so strangers' failures never stop it.

The cookie holds a random token and nothing else; the server keeps its hash in a row
bound to the account (`KnownDevice`), and the cookie counts only while that row is
there. A password change and "sign out of all other devices" end every device but the
one asking, deleting the account ends them all, and an account keeps at most
MAX_DEVICES. The cookie is sent only to /auth/ and grants nothing but attempts: it
signs no one in.
"""

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from runpt.auth.models import KnownDevice, User
from runpt.auth.signins import hash_token
from runpt.extensions import db
from runpt.timestamps import utcnow

COOKIE = "runpt_device"
LASTS = timedelta(days=365)
PATH = "/auth/"
# A runner's phones, laptops and a browser or two more; the least recently used go first.
MAX_DEVICES = 10
# A token is `secrets.token_urlsafe(32)`; anything much longer is not one of ours.
MAX_COOKIE = 100


def device_row(cookie: str | None) -> KnownDevice | None:
    """The row a device cookie stands for, whoever's; None once it has been ended."""
    if not cookie or len(cookie) > MAX_COOKIE:
        return None
    query = select(KnownDevice).where(KnownDevice.token_hash == hash_token(cookie))
    return db.session.scalar(query)


def known_device(cookie: str | None, email: str) -> str | None:
    """The device's id, when the cookie's row still exists and is bound to the account
    with this (normalised) email."""
    if not cookie or len(cookie) > MAX_COOKIE:
        return None
    found = db.session.scalar(
        select(KnownDevice.id)
        .join(User, User.id == KnownDevice.user_id)
        .where(KnownDevice.token_hash == hash_token(cookie), func.lower(User.email) == email)
    )
    return None if found is None else str(found)


def remember_device(response, user, cookie: str | None, now: datetime | None = None) -> None:
    """After a successful sign-in: this browser is known for this account (a year). A
    browser already known for it keeps its row; any other gets a new one, and the
    account's oldest beyond MAX_DEVICES go. Commits."""
    now = now or utcnow()
    row = device_row(cookie)
    if row is not None and row.user_id == user.id:
        row.last_used_at = now
        token = cookie
    else:
        token = secrets.token_urlsafe(32)
        db.session.add(KnownDevice(token_hash=hash_token(token), user_id=user.id,
                                   created_at=now, last_used_at=now))  # fmt: skip
        db.session.flush()
        keep = (
            select(KnownDevice.id)
            .where(KnownDevice.user_id == user.id)
            .order_by(KnownDevice.last_used_at.desc(), KnownDevice.id.desc())
            .limit(MAX_DEVICES)
        )
        db.session.execute(
            delete(KnownDevice).where(
                KnownDevice.user_id == user.id, KnownDevice.id.not_in(keep.scalar_subquery())
            )
        )
    db.session.commit()
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(LASTS.total_seconds()),
        path=PATH,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def end_other_devices(user_id: int, cookie: str | None = None) -> None:
    """Every known device of the runner ends but the one whose cookie this is (when it is
    theirs): after a password change or "sign out of all other devices", a cookie kept by
    whoever had the old password earns no attempts. The caller commits."""
    query = delete(KnownDevice).where(KnownDevice.user_id == user_id)
    if cookie and len(cookie) <= MAX_COOKIE:
        query = query.where(KnownDevice.token_hash != hash_token(cookie))
    db.session.execute(query)
