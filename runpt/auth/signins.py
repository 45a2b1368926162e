"""Sign-ins that can be ended: one row per device, named by a random token.

Flask-Login keeps `User.get_id()` in the session cookie and, with "remember me", in the
remember-me cookie. That is the sign-in's token (Flask-Login's "alternative token"), so
both cookies stand for a row here: logging out deletes the row, a password change
deletes every other row of the runner, and a saved copy of either cookie then loads no
one. A remembered sign-in lasts REMEMBER_COOKIE_DURATION (90 days) from the moment the
runner signed in, however often it is used: the server decides, not the cookie's expiry.

Loading the runner is one indexed read per request (token hash joined to the user);
`last_used_at` is written at most once an hour per sign-in.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from flask_login import current_user
from sqlalchemy import bindparam, delete, select, update

from runpt.auth.models import SignedInRunner, SignIn, User
from runpt.extensions import db
from runpt.plain_reads import PlainRead
from runpt.timestamps import utcnow

# Without "remember me" the cookie ends with the browser; the server ends it after this
# in case the browser never closes (a phone's often doesn't).
WITHOUT_REMEMBER = timedelta(hours=12)
LAST_USED_STEP = timedelta(hours=1)
MAX_DEVICE = 80

BROWSERS = (
    # Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari".
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def hash_token(token: str) -> str:
    """The stored form of a token: enough to find it, useless to sign in with."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def device_label(user_agent: str | None) -> str:
    """'Chrome on Android', from the User-Agent, for the account page's list."""
    agent = user_agent or ""
    browser = next((name for mark, name in BROWSERS if mark in agent), None)
    system = next((name for mark, name in SYSTEMS if mark in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system
    # Not a browser we know (a script, curl): its own words, cut short and made safe.
    return CONTROL_CHARACTERS.sub("", agent)[:MAX_DEVICE].strip() or "Unknown device"


def start_sign_in(user: User, remember: bool, user_agent: str | None) -> str:
    """A new sign-in for this device; returns its token and puts it on `user`, so that
    Flask-Login's login_user() writes it into the cookies. Commits."""
    now = utcnow()
    lasts = current_app.config["REMEMBER_COOKIE_DURATION"] if remember else WITHOUT_REMEMBER
    token = secrets.token_urlsafe(32)
    sign_in = SignIn(
        token_hash=hash_token(token),
        user_id=user.id,
        device=device_label(user_agent),
        remember=remember,
        created_at=now,
        expires_at=now + lasts,
        last_used_at=now,
    )
    # The runner's own expired sign-ins go as a new one comes: no cleanup job needed.
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id, SignIn.expires_at <= now))
    db.session.add(sign_in)
    db.session.commit()
    user.sign_in_id, user.sign_in_token = sign_in.id, token
    return token


# Built once: it runs for every request of a signed-in runner (Flask-Login's user
# loader), and building the statement each time cost more than running it. One indexed
# look-up (sign_in.token_hash) joined to the runner, read as plain columns on a plain
# connection (runpt/plain_reads.py).
_SIGNED_IN = PlainRead(
    select(
        User.id, User.email, User.password_hash, User.created_at,
        SignIn.id.label("sign_in_id"), SignIn.last_used_at,
    )
    .join(SignIn, SignIn.user_id == User.id)
    .where(SignIn.token_hash == bindparam("token_hash"), SignIn.expires_at > bindparam("now"))
)  # fmt: skip


def signed_in_user(token: str, now: datetime | None = None) -> SignedInRunner | None:
    """The runner a cookie's token stands for, or None when that sign-in was ended,
    has expired or never existed. Flask-Login's user_loader."""
    now = now or utcnow()
    found = _SIGNED_IN.first(token_hash=hash_token(token), now=now)
    if found is None:
        g.ended_sign_in = True
        return None
    user_id, email, password_hash, created_at, sign_in_id, last_used_at = found
    if last_used_at <= now - LAST_USED_STEP:
        note_use(sign_in_id, now)
    return SignedInRunner(user_id, email, password_hash, created_at, sign_in_id, token)


def note_use(sign_in_id: int, now: datetime) -> None:
    """Move `last_used_at` on (the account page shows it). Its own short transaction,
    at most once an hour per sign-in, so a request's reads never wait on it."""
    db.session.execute(update(SignIn).where(SignIn.id == sign_in_id).values(last_used_at=now))
    db.session.commit()


def hold_sign_in(sign_in_id: int, user_id: int, now: datetime | None = None) -> bool:
    """Whether this sign-in of this runner is still in force, confirmed inside the
    current transaction and held until it ends: what a sync stores in that transaction
    then can't land after the runner's deletion (or a sign-out) has committed, and a
    deletion waits for it instead of leaving its rows behind.

    PostgreSQL: the runner's row FOR SHARE, which the deletion's FOR UPDATE of it
    (runpt/auth/accounts.py, `hold_runner`) waits for, and waits on; a runner deleted
    meanwhile finds no row. Only the runner's row: holding the sign-in's too, a sync
    waiting on the deletion would hold a row the deletion must delete (a deadlock). SQLite:
    a write to the sign-in row, which takes the database's one write lock first, so the
    answer can't go stale before the insert."""
    # Core statements on the transaction's connection, built once: every sync batch runs
    # one, and through the ORM session each cost more than the SQL (issue 27 item 3).
    connection = db.session.connection()
    params = {"held_sign_in": sign_in_id, "held_runner": user_id, "held_until": now or utcnow()}
    if connection.dialect.name == "postgresql":
        return connection.execute(_HOLD_RUNNER_OF_SIGN_IN, params).first() is not None
    return connection.execute(_TOUCH_SIGN_IN, params).rowcount == 1


_IN_FORCE = (
    SignIn.id == bindparam("held_sign_in"),
    SignIn.user_id == bindparam("held_runner"),
    SignIn.expires_at > bindparam("held_until"),
)
_HOLD_RUNNER_OF_SIGN_IN = (
    select(SignIn.id)
    .join(User, User.id == SignIn.user_id)
    .where(*_IN_FORCE)
    .with_for_update(read=True, of=User)
)
_TOUCH_SIGN_IN = update(SignIn).where(*_IN_FORCE).values(device=SignIn.device)
# The same hold, for a caller that sends it in one round trip with what it guards (a
# sync's insert: runpt/log/ingest.py).
HOLD_RUNNER_OF_SIGN_IN = PlainRead(_HOLD_RUNNER_OF_SIGN_IN)


def end_sign_in(user: User) -> None:
    """Logging out: this device's sign-in ends on the server, cookies or not."""
    if user.sign_in_id is not None:
        db.session.execute(delete(SignIn).where(SignIn.id == user.sign_in_id))
        db.session.commit()


def end_other_sign_ins(user: User) -> int:
    """Every sign-in of the runner but this device's ends; how many ended. Commits."""
    query = delete(SignIn).where(SignIn.user_id == user.id)
    if user.sign_in_id is not None:
        query = query.where(SignIn.id != user.sign_in_id)
    ended = db.session.execute(query).rowcount
    db.session.commit()
    return ended


def sign_ins_of(user: User, now: datetime | None = None) -> list[SignIn]:
    """The runner's sign-ins still in force, the most recently used first."""
    now = now or utcnow()
    query = (
        select(SignIn)
        .where(SignIn.user_id == user.id, SignIn.expires_at > now)
        .order_by(SignIn.last_used_at.desc(), SignIn.id.desc())
    )
    return list(db.session.scalars(query))


def forget_ended_sign_in(response):
    """A browser still sending the cookies of a sign-in that has ended is told to drop
    them, so it stops carrying a dead token (after_request). Never on the service
    worker's background copies, which must not touch cookies at all."""
    if not g.get("ended_sign_in") or current_user.is_authenticated:
        return response
    if request.headers.get("X-Runpt-Offline-Copy"):
        return response
    for key in ("_user_id", "_fresh", "_id"):
        session.pop(key, None)
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        session["_remember"] = "clear"  # Flask-Login's own hook then deletes the cookie
    return response
