"""Account rules kept out of the views: what a valid email and password are."""

import re

from sqlalchemy import func, select

from runpt.auth.models import User
from runpt.extensions import db

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
MAX_PASSWORD = 200


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


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
    elif len(email) > 254 or not EMAIL_PATTERN.match(email):
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


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None or not user.check_password(password or ""):
        return None
    return user
