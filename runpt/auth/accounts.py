"""Account rules kept out of the views: what a valid email and password are, logging
in (with its rate limit), and deleting an account with everything in it."""

import re
from functools import cache

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from runpt.auth.models import LoginAttempt, SignIn, User, password_hash_method
from runpt.auth.ratelimit import (
    attempt_keys,
    email_key,
    forget_failures,
    is_locked_out,
    record_failure,
)
from runpt.extensions import db
from runpt.history.models import SessionSummary, TrainingPlan
from runpt.routines.models import Routine, RoutineStep
from runpt.sync.models import Event

# No control characters: PostgreSQL can't store NUL in text, and no real address has one.
_PART = r"[^@\s\x00-\x1f\x7f]+"
EMAIL_PATTERN = re.compile(rf"^{_PART}@{_PART}\.{_PART}$")
MAX_EMAIL = 254
MIN_PASSWORD = 8
MAX_PASSWORD = 200

NOT_RIGHT = "Email or password is not right. Check both and try again."
TOO_MANY_ATTEMPTS = "Too many login attempts. Wait 15 minutes and try again."


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
    errors = {}
    email = normalise_email(email)
    if not email:
        errors["email"] = "Enter your email address."
    elif not is_email_address(email):
        errors["email"] = "Enter an email address like name@example.com."
    elif find_user(email) is not None:
        errors["email"] = "An account with this email already exists. Log in instead."
    if problem := password_error(password):
        errors["password"] = problem
    return errors


def register(email: str, password: str) -> tuple[User | None, dict[str, str]]:
    """Create an account, or return the errors to show next to each field."""
    errors = registration_errors(email, password)
    if errors:
        return None, errors
    user = User(email=normalise_email(email))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user, {}


@cache
def _stand_in_hash(method: str) -> str:
    return generate_password_hash("no account has this password", method=method)


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None:
        # Hash the password anyway: an unknown email then takes as long to answer as
        # a wrong password, so the clock doesn't tell which emails have accounts.
        check_password_hash(_stand_in_hash(password_hash_method()), password or "")
        return None
    return user if user.check_password(password or "") else None


class LoginRefused(Exception):
    """A login that failed: the message the form shows and the status to answer."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def log_in(email: str, password: str, address: str | None, limit: int) -> User:
    """The runner whose email and password these are, or LoginRefused.

    Past `limit` recent failures for the address or the email, the password is not even
    checked, and the answer is the same whether or not the email has an account.
    """
    keys = attempt_keys(address, email)
    if is_locked_out(keys, limit):
        raise LoginRefused(TOO_MANY_ATTEMPTS, 429)
    user = authenticate(email, password)
    if user is None:
        record_failure(keys)
        raise LoginRefused(NOT_RIGHT, 400)
    forget_failures(email)
    return user


def delete_account(user: User) -> None:
    """Delete the runner and everything that is theirs, in one transaction.

    Each table is cleared explicitly rather than left to ON DELETE CASCADE, which
    SQLite only honours when foreign keys are switched on for the connection.
    """
    own_routines = select(Routine.id).where(Routine.owner_id == user.id)
    db.session.execute(delete(RoutineStep).where(RoutineStep.routine_id.in_(own_routines)))
    db.session.execute(delete(Routine).where(Routine.owner_id == user.id))
    db.session.execute(delete(Event).where(Event.user_id == user.id))
    db.session.execute(delete(SessionSummary).where(SessionSummary.user_id == user.id))
    db.session.execute(delete(TrainingPlan).where(TrainingPlan.user_id == user.id))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == email_key(user.email)))
    # Every device's sign-in ends with the account.
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id))
    db.session.delete(user)
    db.session.commit()
