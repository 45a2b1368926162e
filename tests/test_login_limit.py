"""Login rate limit: failures counted in the database per address and per email."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from runpt.auth.models import LoginAttempt
from runpt.auth.ratelimit import (
    WINDOW,
    attempt_keys,
    email_key,
    failures,
    forget_failures,
    is_locked_out,
    record_failure,
)
from runpt.extensions import db
from runpt.timestamps import utcnow
from tests.conftest import AuthActions
from tests.test_auth import PASSWORD, field_error

TOO_MANY = "Too many login attempts. Wait 15 minutes and try again."
NOT_RIGHT = "Email or password is not right."


def attempts(key: str | None = None) -> int:
    query = select(func.count()).select_from(LoginAttempt)
    if key is not None:
        query = query.where(LoginAttempt.key == key)
    return db.session.scalar(query)


def from_address(app, address: str):
    """A browser at another address (a test client sets REMOTE_ADDR to 127.0.0.1)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return AuthActions(client)


@pytest.fixture
def limit_of_3(app):
    app.config["LOGIN_RATE_LIMIT"] = 3
    return app


@pytest.fixture
def registered(auth):
    assert auth.register().status_code == 302
    auth.logout()
    return auth


# --- the plain functions --------------------------------------------------------------


def test_keys_are_the_address_and_the_email_as_typed_any_case(app):
    assert attempt_keys("10.0.0.7", "  Ana@Example.COM ") == [
        "ip:10.0.0.7",
        "email:ana@example.com",
    ]
    # No email typed: only the address counts, so blank posts can't lock out "email:".
    assert attempt_keys("10.0.0.7", "   ") == ["ip:10.0.0.7"]
    assert attempt_keys(None, "") == ["ip:unknown"]
    assert len(email_key("a" * 5000 + "@example.com")) <= 300
    # No NUL reaches the database (PostgreSQL refuses it in text).
    assert email_key("ana\x00@example.com") == "email:ana?@example.com"


def test_failures_count_only_within_the_window(app):
    now = utcnow()
    with app.app_context():
        record_failure(["email:ana@example.com"], now=now - WINDOW + timedelta(minutes=1))
        record_failure(["email:ana@example.com"], now=now)
        assert failures("email:ana@example.com", now=now) == 2
        assert is_locked_out(["email:ana@example.com"], 2, now=now)
        assert not is_locked_out(["email:ana@example.com"], 3, now=now)
        # Two minutes later the first one is out of the window.
        later = now + timedelta(minutes=2)
        assert failures("email:ana@example.com", now=later) == 1
        assert not is_locked_out(["email:ana@example.com"], 2, now=later)


def test_recording_deletes_attempts_older_than_the_window(app):
    now = utcnow()
    with app.app_context():
        for minutes in (60, 30, 16):
            db.session.add(LoginAttempt(key="ip:10.0.0.1", at=now - timedelta(minutes=minutes)))
        db.session.add(LoginAttempt(key="ip:10.0.0.1", at=now - timedelta(minutes=5)))
        db.session.commit()
        record_failure(["ip:10.0.0.2"], now=now)
        assert attempts("ip:10.0.0.1") == 1
        assert attempts("ip:10.0.0.2") == 1


def test_forgetting_clears_the_email_but_not_the_address(app):
    with app.app_context():
        record_failure(["ip:10.0.0.1", "email:ana@example.com"])
        record_failure(["ip:10.0.0.1", "email:ben@example.com"])
        forget_failures("ANA@example.com ")
        assert attempts("email:ana@example.com") == 0
        assert attempts("email:ben@example.com") == 1
        assert attempts("ip:10.0.0.1") == 2


# --- through the login form -----------------------------------------------------------


def test_each_failed_login_is_stored_per_address_and_email(client, registered, app):
    response = registered.login(password="wrong-password")
    assert response.status_code == 400
    assert NOT_RIGHT in field_error(response.get_data(as_text=True), "password")
    with app.app_context():
        assert attempts("ip:127.0.0.1") == 1
        assert attempts("email:runner@example.com") == 1


def test_over_the_limit_even_the_right_password_is_refused(client, registered, limit_of_3):
    for _ in range(3):
        assert registered.login(password="wrong-password").status_code == 400
    response = registered.login(password=PASSWORD)
    assert response.status_code == 429
    assert field_error(response.get_data(as_text=True), "password") == TOO_MANY
    # Not logged in, and the refusal is not counted (the lock lifts on its own).
    assert client.get("/routines").status_code == 302
    with limit_of_3.app_context():
        assert attempts("email:runner@example.com") == 3


def test_the_default_limit_is_ten_failures(client, registered, app):
    assert app.config["LOGIN_RATE_LIMIT"] == 10
    for _ in range(10):
        assert registered.login(password="wrong-password").status_code == 400
    response = registered.login(password=PASSWORD)
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    with app.app_context():
        assert attempts("email:runner@example.com") == 10


def test_an_unknown_email_is_limited_exactly_like_a_known_one(client, registered, limit_of_3):
    answers = {}
    for email in ("runner@example.com", "nobody@example.com"):
        browser = from_address(limit_of_3, f"10.0.0.{len(answers) + 1}")
        for _ in range(3):
            browser.login(email=email, password="wrong-password")
        response = browser.login(email=email, password=PASSWORD)
        body = response.get_data(as_text=True)
        answers[email] = (response.status_code, body.replace(email, "EMAIL"))
    # Same status, same page: nothing tells which email has an account.
    assert answers["runner@example.com"] == answers["nobody@example.com"]
    assert answers["nobody@example.com"][0] == 429
    assert TOO_MANY in answers["nobody@example.com"][1]
    with limit_of_3.app_context():
        assert attempts("email:nobody@example.com") == 3


def test_one_address_trying_many_emails_is_limited(client, registered, limit_of_3):
    for n in range(3):
        registered.login(email=f"guess{n}@example.com", password="wrong-password")
    # The real account from the same address: refused before its password is checked.
    response = registered.login(password=PASSWORD)
    assert response.status_code == 429
    assert TOO_MANY in field_error(response.get_data(as_text=True), "password")
    assert client.get("/routines").status_code == 302

    # The runner on another network logs in fine: their email has no failures.
    elsewhere = from_address(limit_of_3, "203.0.113.9")
    assert elsewhere.login(password=PASSWORD).status_code == 302
    assert elsewhere.client.get("/routines").status_code == 200
    with limit_of_3.app_context():
        assert attempts("ip:127.0.0.1") == 3
        assert attempts("ip:203.0.113.9") == 0


def test_one_email_tried_from_many_addresses_is_limited(registered, limit_of_3):
    for n in range(3):
        from_address(limit_of_3, f"198.51.100.{n}").login(password="wrong-password")
    fresh = from_address(limit_of_3, "198.51.100.99")
    response = fresh.login(password=PASSWORD)
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    assert fresh.client.get("/routines").status_code == 302


def test_a_successful_login_clears_the_emails_failures(client, registered, limit_of_3):
    for _ in range(2):
        registered.login(password="wrong-password")
    assert registered.login(password=PASSWORD).status_code == 302
    with limit_of_3.app_context():
        assert attempts("email:runner@example.com") == 0
        assert attempts("ip:127.0.0.1") == 2
    registered.logout()

    # Another slip from a new address doesn't lock the runner out: their count restarted.
    phone = from_address(limit_of_3, "192.0.2.5")
    assert phone.login(password="wrong-password").status_code == 400
    assert phone.login(password=PASSWORD).status_code == 302


def test_failures_older_than_the_window_no_longer_lock(client, registered, limit_of_3):
    with limit_of_3.app_context():
        long_ago = utcnow() - WINDOW - timedelta(seconds=1)
        for _ in range(5):
            db.session.add(LoginAttempt(key="email:runner@example.com", at=long_ago))
            db.session.add(LoginAttempt(key="ip:127.0.0.1", at=long_ago))
        db.session.commit()
    assert registered.login(password=PASSWORD).status_code == 302
    assert client.get("/routines").status_code == 200
