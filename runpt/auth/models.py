"""Runner accounts."""

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from runpt.extensions import db
from runpt.timestamps import UTCDateTime, utcnow

DEFAULT_PASSWORD_HASH = "scrypt:32768:8:1"


def password_hash_method() -> str:
    """scrypt, deliberately slow and memory-hard (werkzeug's default cost unless
    PASSWORD_HASH_METHOD says otherwise; the test suite uses a cheaper one)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_HASH)


class User(UserMixin, db.Model):
    # Never hand a deleted runner's id to a new account: devices key their outbox and
    # cached pages by user id. (PostgreSQL sequences never reuse ids anyway.)
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The sign-in this request came with, its id and token (set by runpt/auth/signins.py;
    # not columns).
    sign_in_id = None
    sign_in_token = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember-me cookies: the token of
        one sign-in, which logging out or a password change can end, never the
        runner's id (a cookie holding that could never be revoked). `id` stays the
        runner's number: the phone keys its outbox and cached pages by it."""
        if not self.sign_in_token:
            raise RuntimeError("start a sign-in (runpt.auth.signins) before login_user")
        return self.sign_in_token

    def set_password(self, password: str) -> None:
        # werkzeug's default is scrypt: deliberately slow, salted, memory-hard.
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class SignedInRunner(UserMixin):
    """The runner a request came signed in as: plain values read with their sign-in in one
    query (runpt/auth/signins.py), so no ORM object is built on every request. What
    changes the account (a new password, deleting it) goes through `account()`."""

    def __init__(self, id, email, password_hash, created_at, sign_in_id, sign_in_token):
        self.id, self.email, self.created_at = id, email, created_at
        self.password_hash = password_hash
        self.sign_in_id, self.sign_in_token = sign_in_id, sign_in_token

    def get_id(self) -> str:
        return self.sign_in_token  # as User.get_id: the sign-in's token

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def account(self) -> User:
        """The runner's account row, to change it."""
        return db.session.get(User, self.id)


class LoginAttempt(db.Model):
    """One failed login, counted by address ("ip:...") and by account ("email:...").

    Kept in the database, not in memory: several app processes share the count, and a
    restart doesn't reset it. Rows older than the window are deleted as new ones come.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (Index("ix_login_attempt_key_at", "key", "at"),)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.key} {self.at:%H:%M:%S}>"


class SignIn(db.Model):
    """One device's sign-in: what its session and remember-me cookies stand for.

    Only a hash of the token is stored, so the table can't be used to sign in. Deleting
    the row ends the sign-in on the server: a saved copy of either cookie then answers
    401. `last_used_at` is coarse (written at most once an hour) so loading the runner
    stays one read per request.
    """

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # "Chrome on Android": enough for the runner to recognise their own devices.
    device: Mapped[str] = mapped_column(String(80))
    remember: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<SignIn {self.user_id} {self.device}>"


class KnownDevice(db.Model):
    """A browser that has signed in to the account: its attempts to log in again count
    against itself (runpt/auth/devices.py), so strangers' failures never lock it out.

    The browser's cookie holds a random token; only its hash is stored, bound to the
    account. The cookie counts only while its row is here: a password change, "sign out
    of all other devices" and deleting the account remove the rows, and a runner keeps at
    most MAX_DEVICES of them (the least recently used go first)."""

    __tablename__ = "known_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<KnownDevice {self.id} of {self.user_id}>"
