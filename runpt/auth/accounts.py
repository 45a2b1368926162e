"""Account rules kept out of the views: what a valid email and password are, signing up
and logging in (with their rate limits), and deleting an account with everything in it."""

import re
from functools import cache

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from runpt.auth.models import KnownDevice, LoginAttempt, SignIn, User, password_hash_method
from runpt.auth.ratelimit import (
    attempt_keys,
    ceiling_key,
    count_attempt,
    email_key,
    forget_failures,
    signup_key,
    take_back,
)
from runpt.extensions import db
from runpt.plain_reads import PlainRead

# No control characters: PostgreSQL can't store NUL in text, and no real address has one.
_PART = r"[^@\s\x00-\x1f\x7f]+"
EMAIL_PATTERN = re.compile(rf"^{_PART}@{_PART}\.{_PART}$")
MAX_EMAIL = 254
MIN_PASSWORD = 8
MAX_PASSWORD = 200

NOT_RIGHT = "Email or password is not right. Check both and try again."
TOO_MANY_ATTEMPTS = "Too many login attempts. Wait 15 minutes and try again."
NOT_YOUR_PASSWORD = "That is not your current password."
# Said whenever an email and password can't make a new account, whatever the reason.
CANNOT_SIGN_UP = (
    "We couldn't create an account with this email and password. "
    "If you already have one, log in instead."
)
TOO_MANY_SIGN_UPS = "Too many new accounts from this network. Wait 15 minutes and try again."


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def is_email_address(email: str) -> bool:
    return len(email) <= MAX_EMAIL and EMAIL_PATTERN.match(email) is not None


def find_user(email: str) -> User | None:
    email = normalise_email(email)
    # Text that can't be an address never reaches the database (a NUL would upset it).
    if not is_email_address(email):
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def password_error(password: str) -> str | None:
    if len(password or "") < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters."
    return None


def registration_errors(email: str, password: str) -> dict[str, str]:
    """What is wrong with the typed email and password themselves (nothing about
    whether an account has that email)."""
    errors = {}
    email = normalise_email(email)
    if not email:
        errors["email"] = "Enter your email address."
    elif not is_email_address(email):
        errors["email"] = "Enter an email address like name@example.com."
    if problem := password_error(password):
        errors["password"] = problem
    return errors


def create_account(email: str, password: str) -> User:
    """A new account; IntegrityError when the email has one already. Commits."""
    user = User(email=normalise_email(email))
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise
    return user


def register(email: str, password: str) -> tuple[User | None, dict[str, str]]:
    """An operator making an account (`flask create-user`): may say the email is taken."""
    errors = registration_errors(email, password)
    if not errors and find_user(email) is not None:
        errors["email"] = "An account with this email already exists."
    if errors:
        return None, errors
    return create_account(email, password), {}


def sign_up(
    email: str, password: str, address: str | None, limit: int, device: str | None = None
) -> User:
    """The form's "Create account": a new account, or LoginRefused.

    An email that already has an account is a login with what was typed: its own
    password signs the runner in, anything else is refused with the words any refused
    sign-up gets, never "already exists". That password check counts against the login
    limits like any login. Every sign-up that gets this far counts against its address,
    so the form can't be used to sweep through a list of emails.
    """
    attempt = count_attempt([signup_key(address)], limit)
    if attempt is None:
        raise LoginRefused(TOO_MANY_SIGN_UPS, 429)
    if find_user(email) is None:
        try:
            return create_account(email, password)
        except IntegrityError:
            pass  # made by another request a moment ago: then it is a login like below
    try:
        return log_in(email, password, address, limit, device)
    except LoginRefused as refused:
        if refused.status == 429:
            raise
        raise LoginRefused(CANNOT_SIGN_UP, 400) from None


@cache
def _stand_in_hash(method: str) -> str:
    return generate_password_hash("no account has this password", method=method)


def stored_hash_method() -> str:
    """How the newest account's password is hashed ("scrypt:32768:8:1"): what checking a
    wrong password for a real account costs. The setting's method when there is none.
    Not the setting alone: accounts made before it changed keep their stronger (slower)
    hashes, and an unknown email answered faster would say which emails have accounts."""
    stored = db.session.scalar(select(User.password_hash).order_by(User.id.desc()).limit(1))
    if stored and stored.count("$") == 2:
        return stored.split("$", 1)[0]
    return password_hash_method()


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None:
        # Hash the password anyway, the way real accounts' are: an unknown email then
        # takes as long to answer as a wrong password, so the clock doesn't tell which
        # emails have accounts.
        check_password_hash(_stand_in_hash(stored_hash_method()), password or "")
        return None
    return user if user.check_password(password or "") else None


class LoginRefused(Exception):
    """A login that failed: the message the form shows and the status to answer."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def log_in(
    email: str, password: str, address: str | None, limit: int, device: str | None = None
) -> User:
    """The runner whose email and password these are, or LoginRefused.

    The attempt is counted before the password is checked (runpt/auth/ratelimit.py):
    against `device` alone when this browser has signed in to the account before,
    otherwise against the address and the email. Past `limit` attempts in the window the
    password is not even checked, and the answer is the same whether or not the email
    has an account.
    """
    attempt = count_attempt(attempt_keys(address, email, device), limit)
    if attempt is None:
        raise LoginRefused(TOO_MANY_ATTEMPTS, 429)
    user = authenticate(email, password)
    if user is None:
        raise LoginRefused(NOT_RIGHT, 400)  # the counted attempt stays: it failed
    take_back(attempt)
    forget_failures(email)
    return user


def confirm_password(
    user, password: str, address: str | None, limit: int, device: str | None = None
) -> None:
    """The signed-in runner's own password, typed again to change it or delete the
    account; LoginRefused otherwise. Counted against the login limits like a login
    (someone holding a signed-in phone could otherwise guess it without limit)."""
    attempt = count_attempt(attempt_keys(address, user.email, device), limit)
    if attempt is None:
        raise LoginRefused(TOO_MANY_ATTEMPTS, 429)
    if not user.check_password(password or ""):
        raise LoginRefused(NOT_YOUR_PASSWORD, 400)  # the counted attempt stays
    take_back(attempt)


def hold_runner(user_id: int) -> bool:
    """Hold the runner's account row until this transaction ends; False when there is no
    such runner (any more).

    What must not interleave with deleting the account, or with another request of the
    same runner, takes this first: the deletion itself, a sync confirming its sign-in
    (runpt/auth/signins.py, `hold_sign_in`) and a cap's count (routines, links), so the
    count and the insert it allows are one step. PostgreSQL: a row lock on the runner
    (FOR UPDATE, which waits for syncs' FOR SHARE and they for it). SQLite: a write, which
    takes the database's one write lock (and its place in the writers' queue,
    runpt/sqlite.py) before anything is counted."""
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalar(_HOLD_RUNNER, {"held_runner": user_id}) is not None
    touched = db.session.execute(update(User).where(User.id == user_id).values(email=User.email))
    return touched.rowcount == 1


_HOLD_RUNNER = select(User.id).where(User.id == bindparam("held_runner")).with_for_update()
# The same hold, for a caller that sends it in one round trip with what it guards (a
# sync's insert from a script, without a sign-in: runpt/log/ingest.py).
HOLD_RUNNER = PlainRead(_HOLD_RUNNER)


def forget_account(user: User) -> None:
    """The account itself, its sign-ins and known devices (every device's ends with it)
    and its failed logins, gone; the caller deletes what other packages hold of the
    runner first, and commits (runpt/pages/auth.py, `delete_everything`)."""
    keys = [email_key(user.email), ceiling_key(user.email)]
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(keys)))
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id))
    db.session.execute(delete(KnownDevice).where(KnownDevice.user_id == user.id))
    db.session.execute(delete(User).where(User.id == user.id))
