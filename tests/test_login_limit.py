"""Login rate limit: failures counted in the database per address and per email."""

import base64
import http.client
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash
from werkzeug.serving import make_server

from runpt.auth.devices import COOKIE as DEVICE_COOKIE
from runpt.auth.models import LoginAttempt
from runpt.auth.ratelimit import (
    WINDOW,
    attempt_keys,
    count_attempt,
    email_key,
    failures,
    forget_failures,
    take_back,
)
from runpt.extensions import db
from runpt.timestamps import utcnow
from tests.helpers import AuthActions
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
    """A runner's account, and a browser that has never signed in to it (registering
    made this one a known device; its cookie is dropped)."""
    assert auth.register().status_code == 302
    auth.logout()
    forget_device(auth.client)
    return auth


def forget_device(client) -> None:
    client.delete_cookie(DEVICE_COOKIE, path="/auth/")
    assert client.get_cookie(DEVICE_COOKIE, path="/auth/") is None


# --- the plain functions --------------------------------------------------------------


def test_keys_are_the_address_and_the_email_as_typed_any_case(app):
    assert attempt_keys("10.0.0.7", "  Ana@Example.COM ") == [
        "ip:10.0.0.7",
        "email:ana@example.com",
        "every:email:ana@example.com",
    ]
    # No email typed: only the address counts, so blank posts can't lock out "email:".
    assert attempt_keys("10.0.0.7", "   ") == ["ip:10.0.0.7"]
    assert attempt_keys(None, "") == ["ip:unknown"]
    # A browser that signed in to the account before counts against itself, and toward
    # the email's ceiling (runpt/auth/ratelimit.py).
    assert attempt_keys("10.0.0.7", "ana@example.com", "d3v1ce") == [
        "device:d3v1ce",
        "every:email:ana@example.com",
    ]
    assert len(email_key("a" * 5000 + "@example.com")) <= 300
    # No NUL reaches the database (PostgreSQL refuses it in text).
    assert email_key("ana\x00@example.com") == "email:ana?@example.com"


def test_failures_count_only_within_the_window(app):
    now = utcnow()
    with app.app_context():
        count_attempt(["email:ana@example.com"], 10, now=now - WINDOW + timedelta(minutes=1))
        count_attempt(["email:ana@example.com"], 10, now=now)
        assert failures("email:ana@example.com", now=now) == 2
        # Two minutes later the first one is out of the window.
        later = now + timedelta(minutes=2)
        assert failures("email:ana@example.com", now=later) == 1


def test_an_attempt_is_counted_until_the_limit_and_then_refused_uncounted(app):
    now = utcnow()
    with app.app_context():
        counted = [count_attempt(["ip:10.0.0.1", "email:ana@example.com"], 3, now=now)]
        counted += [count_attempt(["ip:10.0.0.1", "email:ana@example.com"], 3, now=now)]
        counted += [count_attempt(["ip:10.0.0.1", "email:ben@example.com"], 3, now=now)]
        assert all(ids is not None and len(ids) == 2 for ids in counted)
        # The address has had its 3: the fourth is refused whatever the email.
        assert count_attempt(["ip:10.0.0.1", "email:cy@example.com"], 3, now=now) is None
        assert attempts("ip:10.0.0.1") == 3 and attempts("email:cy@example.com") == 0
        # Taking an attempt back (it succeeded) frees its place.
        take_back(counted[0])
        assert attempts("ip:10.0.0.1") == 2
        assert count_attempt(["ip:10.0.0.1", "email:cy@example.com"], 3, now=now) is not None


def test_counting_deletes_attempts_older_than_the_window(app):
    now = utcnow()
    with app.app_context():
        for minutes in (60, 30, 16):
            db.session.add(LoginAttempt(key="ip:10.0.0.1", at=now - timedelta(minutes=minutes)))
        db.session.add(LoginAttempt(key="ip:10.0.0.1", at=now - timedelta(minutes=5)))
        db.session.commit()
        count_attempt(["ip:10.0.0.2"], 10, now=now)
        assert attempts("ip:10.0.0.1") == 1
        assert attempts("ip:10.0.0.2") == 1


def test_forgetting_clears_the_email_but_not_the_address(app):
    with app.app_context():
        count_attempt(["ip:10.0.0.1", "email:ana@example.com"], 10)
        count_attempt(["ip:10.0.0.1", "email:ben@example.com"], 10)
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


# --- a parallel burst -------------------------------------------------------------------


@contextmanager
def threaded_server(app):
    """The app on a real threaded HTTP server: requests truly run at the same time."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def password_checks(monkeypatch):
    """Counts every password hash checked (the stand-in for unknown emails too), each
    made slow, so a burst's requests are all in flight at once."""
    from runpt.auth import accounts, models

    checked, lock = [], threading.Lock()

    def slow_check(stored_hash, password):
        with lock:
            checked.append(password)
        time.sleep(0.3)
        return check_password_hash(stored_hash, password)

    monkeypatch.setattr(models, "check_password_hash", slow_check)
    monkeypatch.setattr(accounts, "check_password_hash", slow_check)
    return checked


def burst(port: int, forms: list[dict]) -> Counter:
    """Every form posted to /auth/login at the same moment; the statuses."""
    start_together = threading.Barrier(len(forms), timeout=30)

    def post(form: dict) -> int:
        start_together.wait()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(
                "POST",
                "/auth/login",
                body=urllib.parse.urlencode(form),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            answer = connection.getresponse()
            answer.read()
            return answer.status
        finally:
            connection.close()

    with ThreadPoolExecutor(len(forms)) as pool:
        return Counter(pool.map(post, forms))


def test_a_parallel_burst_on_one_email_checks_at_most_the_limit(registered, app, password_checks):
    wrong = [{"email": "runner@example.com", "password": f"guess-{n}"} for n in range(30)]
    with threaded_server(app) as port:
        statuses = burst(port, wrong)
    assert len(password_checks) == 10
    assert statuses == {400: 10, 429: 20}
    with app.app_context():
        assert attempts("email:runner@example.com") == 10


def test_a_parallel_burst_from_one_address_checks_at_most_the_limit(
    registered, app, password_checks
):
    guesses = [{"email": f"guess{n}@example.com", "password": PASSWORD} for n in range(30)]
    with threaded_server(app) as port:
        statuses = burst(port, guesses)
    assert len(password_checks) == 10
    assert statuses == {400: 10, 429: 20}
    with app.app_context():
        assert attempts("ip:127.0.0.1") == 10


# --- strangers can't lock a runner out of their own devices ----------------------------


def hammer(app, email: str = "runner@example.com", times: int = 3) -> None:
    """Wrong passwords for `email` from addresses all over the internet."""
    for n in range(times):
        from_address(app, f"198.51.100.{n}").login(email=email, password="wrong-password")


def test_strangers_failures_dont_stop_the_runner_on_a_device_they_have_used(registered, limit_of_3):
    phone = from_address(limit_of_3, "192.0.2.10")
    assert phone.login().status_code == 302  # the phone is known from now on
    phone.logout()

    hammer(limit_of_3)
    # A browser that never signed in to the account is held by the email's limit.
    new_laptop = from_address(limit_of_3, "192.0.2.11")
    response = new_laptop.login()
    assert response.status_code == 429
    assert TOO_MANY in field_error(response.get_data(as_text=True), "password")

    # The phone is not: even from the address the strangers used.
    phone.client.environ_base["REMOTE_ADDR"] = "198.51.100.0"
    assert phone.login().status_code == 302
    assert phone.client.get("/routines").status_code == 200


def test_a_known_device_has_a_limit_of_its_own(registered, limit_of_3):
    phone = from_address(limit_of_3, "192.0.2.10")
    phone.login()
    phone.logout()
    for _ in range(3):
        assert phone.login(password="wrong-password").status_code == 400
    assert phone.login().status_code == 429
    with limit_of_3.app_context():
        # Counted against the device: the email and address stay free for others.
        assert attempts("email:runner@example.com") == 0
        assert attempts("ip:192.0.2.10") == 0
        (device,) = db.session.scalars(
            select(LoginAttempt.key).where(LoginAttempt.key.startswith("device:")).distinct()
        )
        assert attempts(device) == 3


def test_a_device_cookie_from_another_account_earns_nothing(registered, limit_of_3):
    attacker = from_address(limit_of_3, "203.0.113.50")
    assert attacker.register(email="attacker@example.com").status_code == 302
    attacker.logout()
    for _ in range(3):
        attacker.login(password="wrong-password")  # the runner's email, not theirs
    assert attacker.login().status_code == 429
    with limit_of_3.app_context():
        assert attempts("email:runner@example.com") == 3


def test_a_tampered_device_cookie_earns_nothing(registered, limit_of_3):
    phone = from_address(limit_of_3, "192.0.2.10")
    phone.login()
    phone.logout()
    real = phone.client.get_cookie(DEVICE_COOKIE, path="/auth/").value
    forged = from_address(limit_of_3, "203.0.113.50")
    forged.client.set_cookie(DEVICE_COOKIE, real[:-3] + "AAA", path="/auth/")
    for _ in range(3):
        forged.login(password="wrong-password")
    assert forged.login().status_code == 429
    with limit_of_3.app_context():
        assert attempts("email:runner@example.com") == 3


def test_the_device_cookie_is_only_for_the_login_form_and_signs_no_one_in(app, registered):
    response = registered.login()
    line = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE + "=")
    )
    assert "Path=/auth/" in line and "HttpOnly" in line and "SameSite=Lax" in line
    assert "Max-Age=31536000" in line
    cookie = registered.client.get_cookie(DEVICE_COOKIE, path="/auth/").value
    assert b"runner@example.com" not in base64.urlsafe_b64decode(cookie.split(".")[0] + "==")
    alone = app.test_client()
    alone.set_cookie(DEVICE_COOKIE, cookie, path="/auth/")
    assert alone.get("/routines").status_code == 302
    assert alone.get("/auth/account").status_code == 302


# --- signing up -----------------------------------------------------------------------


def test_new_accounts_per_address_are_limited(client, limit_of_3):
    signups = from_address(limit_of_3, "203.0.113.7")
    for n in range(3):
        assert signups.register(email=f"new{n}@example.com").status_code == 302
        signups.logout()
    response = signups.register(email="new3@example.com")
    assert response.status_code == 429
    assert field_error(response.get_data(as_text=True), "password") == (
        "Too many new accounts from this network. Wait 15 minutes and try again."
    )
    # Another network signs up as usual.
    assert (
        from_address(limit_of_3, "192.0.2.99").register(email="new3@example.com").status_code == 302
    )


def test_signing_up_with_a_taken_email_counts_as_a_failed_login(registered, limit_of_3):
    """Registration is not a way around the login limit for guessing a password."""
    for n in range(3):
        guesser = from_address(limit_of_3, f"203.0.113.{n}")
        assert guesser.register(password=f"guess-number-{n}").status_code == 400
    with limit_of_3.app_context():
        assert attempts("email:runner@example.com") == 3
    response = from_address(limit_of_3, "203.0.113.9").register()
    assert response.status_code == 429
    assert TOO_MANY in field_error(response.get_data(as_text=True), "password")
