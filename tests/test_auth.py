"""Accounts: register, log in (with and without remember me), log out, change password."""

import pytest
from sqlalchemy import func, select

from runpt.auth.models import User
from runpt.extensions import db
from tests.helpers import AuthActions

PASSWORD = "long-enough-1"


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def the_user(email: str = "runner@example.com") -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def cookie_header(response, name: str) -> str | None:
    """The Set-Cookie line for one cookie, or None when the response doesn't set it."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


def field_error(body: str, field: str) -> str:
    """The error text rendered next to a form field (`<p class="error" id="field-error">`)."""
    marker = f'id="{field}-error">'
    assert marker in body, f"no error shown next to {field!r}"
    return body.split(marker, 1)[1].split("</p>", 1)[0]


def test_register_page_has_the_form_and_safety_line(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'name="email"' in body and 'name="password"' in body
    assert "not a diagnosis" in body


def test_register_creates_account_logs_in_and_shows_safety_notice(client, app):
    response = client.post(
        "/auth/register", data={"email": " Runner@Example.COM ", "password": PASSWORD}
    )
    assert response.status_code == 302
    # The two first-run questions come first (runpt/pages/runner.py).
    assert response.headers["Location"] == "/get-started"
    with app.app_context():
        user = the_user()
        # Stored normalised, and never as the password itself: a slow, salted hash.
        assert user is not None
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password(PASSWORD)
    first_run = client.get("/get-started")
    assert first_run.status_code == 200
    body = first_run.get_data(as_text=True)
    assert "What do you want from runpt?" in body
    assert "not a diagnosis" in body
    assert "Your routines" in client.get("/").get_data(as_text=True)
    # Logged in: a protected page opens.
    assert client.get("/routines").status_code == 200


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("", PASSWORD, "email", "Enter your email address."),
        ("not-an-email", PASSWORD, "email", "Enter an email address like name@example.com."),
        ("a@" + "b" * 260 + ".com", PASSWORD, "email", "Enter an email address like"),
        ("runner@example.com", "short", "password", "Use at least 8 characters."),
        ("runner@example.com", "", "password", "Use at least 8 characters."),
        ("runner@example.com", "x" * 201, "password", "Use at most 200 characters."),
    ],
)
def test_register_errors_are_shown_next_to_the_field(client, app, email, password, field, message):
    response = client.post("/auth/register", data={"email": email, "password": password})
    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), field)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    with app.app_context():
        assert user_count() == 0
    # Still logged out.
    assert client.get("/routines").status_code == 302


def test_register_keeps_the_typed_email_after_an_error(client):
    response = client.post("/auth/register", data={"email": "me@example.com", "password": "x"})
    assert response.status_code == 400
    assert 'value="me@example.com"' in response.get_data(as_text=True)


def test_registering_a_taken_email_with_another_password_never_says_it_exists(client, auth, app):
    assert auth.register().status_code == 302
    auth.logout()
    response = auth.register(email="RUNNER@example.com", password="another-password")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert field_error(body, "password") == (
        "We couldn&#39;t create an account with this email and password. "
        "If you already have one, log in instead."
    )
    assert "exists" not in body
    assert client.get("/routines").status_code == 302
    with app.app_context():
        assert user_count() == 1
        assert the_user().check_password(PASSWORD)


def test_registering_a_taken_email_with_its_own_password_signs_the_runner_in(client, auth, app):
    """What a runner who forgot they had an account would do: they get into it."""
    assert auth.register().status_code == 302
    client.post("/get-started", data={"aim": "injury-free", "day": ["1", "4"]})
    auth.logout()
    response = auth.register(email=" Runner@Example.com", password=PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # the questions were answered already
    assert "Your routines" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert user_count() == 1


def test_login_page_has_fields_and_remember_me(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'name="email"' in body and 'name="password"' in body
    assert 'name="remember"' in body and "Remember me" in body


def test_login_and_logout(client, auth):
    auth.register()
    auth.logout()
    assert client.get("/routines").status_code == 302

    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/routines")
    assert page.status_code == 200
    assert "Routines" in page.get_data(as_text=True)

    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "You are logged out." in client.get("/auth/login").get_data(as_text=True)
    after = client.get("/routines")
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/auth/login")


def test_login_is_case_insensitive_on_email(client, auth):
    auth.register()
    auth.logout()
    response = auth.login(email="  RUNNER@example.com")
    assert response.status_code == 302
    assert client.get("/routines").status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("runner@example.com", "wrong-password"),
        ("nobody@example.com", PASSWORD),
        ("", ""),
    ],
)
def test_login_failure_says_the_same_thing_for_any_mistake(client, auth, email, password):
    auth.register()
    auth.logout()
    response = auth.login(email=email, password=password)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    # One message, so the form never tells whether an email has an account.
    assert "Email or password is not right" in field_error(body, "password")
    assert cookie_header(response, "remember_token") is None
    assert client.get("/routines").status_code == 302


def test_logout_needs_a_post(client, auth):
    auth.register()
    response = client.get("/auth/logout")
    assert response.status_code == 405
    # Still logged in: a link or image can't log a runner out.
    assert client.get("/routines").status_code == 200


def test_remember_me_cookie_only_when_ticked(client, auth):
    auth.register()
    auth.logout()

    response = auth.login(remember=False)
    assert response.status_code == 302
    assert cookie_header(response, "remember_token") is None
    auth.logout()

    response = auth.login(remember=True)
    assert response.status_code == 302
    cookie = cookie_header(response, "remember_token")
    assert cookie is not None
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    # Long enough for real offline gaps.
    assert "Expires=" in cookie


def test_remember_me_cookie_logs_in_a_new_browser_session(app, client, auth):
    auth.register()
    auth.logout()
    auth.login(remember=True)
    token = client.get_cookie("remember_token")
    assert token is not None

    # A fresh client holding only the remember-me cookie: the phone was restarted.
    later = app.test_client()
    later.set_cookie("remember_token", token.value)
    response = later.get("/routines")
    assert response.status_code == 200
    assert "Your routines" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_lax(auth):
    response = auth.register()
    cookie = cookie_header(response, "session")
    assert cookie is not None
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/routines", "/routines"),
        ("/library/glute-bridge?x=1", "/library/glute-bridge?x=1"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_follows_next_only_within_the_site(client, auth, target, expected):
    auth.register()
    auth.logout()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": "runner@example.com", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_protected_page_sends_to_login_and_back(client, auth):
    auth.register()
    auth.logout()
    response = client.get("/routines")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/routines"
    login_page = client.get(response.headers["Location"])
    assert login_page.status_code == 200
    assert 'action="/auth/login?next=/routines"' in login_page.get_data(as_text=True)
    response = client.post(
        response.headers["Location"], data={"email": "runner@example.com", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/routines"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/routines"),
        ("post", "/routines"),
        ("get", "/routines/1"),
        ("get", "/routines/1/edit"),
        ("post", "/routines/1/edit"),
        ("post", "/routines/1/copy"),
        ("post", "/routines/1/delete"),
        ("post", "/routines/1/steps"),
        ("post", "/routines/1/steps/1/move"),
        ("post", "/routines/1/steps/1/dose"),
        ("post", "/routines/1/steps/1/delete"),
        ("get", "/auth/password"),
        ("post", "/auth/password"),
    ],
)
def test_login_required(client, app, method, path):
    from runpt.routines.models import Routine, RoutineStep

    with app.app_context():
        before = (
            db.session.scalar(select(func.count()).select_from(Routine)),
            db.session.scalar(select(func.count()).select_from(RoutineStep)),
        )
    response = getattr(client, method)(path, data={"name": "x", "direction": "up"})
    assert response.status_code == 302
    # A page comes back to itself after logging in; a form's URL is no page (it would be
    # a 405), and with no page that sent it there is nowhere to come back to.
    expected = f"/auth/login?next={path}" if method == "get" else "/auth/login"
    assert response.headers["Location"] == expected
    with app.app_context():
        after = (
            db.session.scalar(select(func.count()).select_from(Routine)),
            db.session.scalar(select(func.count()).select_from(RoutineStep)),
        )
    assert after == before


def test_change_password(signed_in, app):
    page = signed_in.get("/auth/password")
    assert page.status_code == 200
    assert 'name="current_password"' in page.get_data(as_text=True)

    response = signed_in.post(
        "/auth/password", data={"current_password": PASSWORD, "new_password": "a-new-secret"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/account"
    assert "Password changed." in signed_in.get("/auth/account").get_data(as_text=True)
    with app.app_context():
        user = the_user()
        assert user.check_password("a-new-secret")
        assert not user.check_password(PASSWORD)

    auth = AuthActions(signed_in)
    auth.logout()
    assert auth.login(password=PASSWORD).status_code == 400
    assert auth.login(password="a-new-secret").status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        (
            "wrong-password",
            "a-new-secret",
            "current_password",
            "That is not your current password.",
        ),
        (PASSWORD, "short", "new_password", "Use at least 8 characters."),
        ("", "", "current_password", "That is not your current password."),
    ],
)
def test_change_password_errors_leave_the_password_alone(
    signed_in, app, current, new, field, message
):
    with app.app_context():
        before = the_user().password_hash
    response = signed_in.post(
        "/auth/password", data={"current_password": current, "new_password": new}
    )
    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), field)
    with app.app_context():
        assert the_user().password_hash == before


def test_create_user_command(runner, app):
    result = runner.invoke(
        args=["create-user", "coach@example.com"], input="coach-password\ncoach-password\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created coach@example.com." in result.output
    with app.app_context():
        assert the_user("coach@example.com").check_password("coach-password")

    again = runner.invoke(
        args=["create-user", "coach@example.com"], input="coach-password\ncoach-password\n"
    )
    assert again.exit_code != 0
    assert "already exists" in again.output
    with app.app_context():
        assert user_count() == 1


def test_production_hashes_passwords_with_full_cost_scrypt(tmp_path, monkeypatch):
    """The suite uses a cheaper scrypt for speed; a real deployment must not."""
    from runpt import create_app
    from runpt.auth.models import User

    monkeypatch.delenv("PASSWORD_HASH_METHOD", raising=False)
    database = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "AUTO_MIGRATE": False, "SQLALCHEMY_DATABASE_URI": database}
    )
    with app.app_context():
        user = User(email="cost@example.com")
        user.set_password("long-enough-1")
        method, salt, _ = user.password_hash.split("$")
        assert method == "scrypt:32768:8:1"
        assert len(salt) >= 16
        assert user.check_password("long-enough-1") and not user.check_password("wrong-one-1")
