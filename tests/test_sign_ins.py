"""Every sign-in can be ended: logging out, changing the password, "Sign out of all other
devices" and deleting the account end sign-ins on the server, so a saved copy of the
session or remember-me cookie signs no one in."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from runpt.auth.models import SignIn, User
from runpt.auth.signins import device_label, hash_token
from runpt.extensions import db
from runpt.timestamps import utcnow
from tests.helpers import AuthActions
from tests.statements import statements_during
from tests.test_auth import PASSWORD

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
PHONE += "Chrome/131.0.0.0 Mobile Safari/537.36"
LAPTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, "
LAPTOP += "like Gecko) Version/18.1 Safari/605.1.15"


def device(app, user_agent: str = PHONE, remember: bool = True) -> AuthActions:
    """Another browser of the same runner, signed in with its own cookies."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    auth = AuthActions(client)
    assert auth.login(remember=remember).status_code == 302
    return auth


def saved_cookies(client) -> dict[str, str]:
    """What someone copying the browser's cookies would keep."""
    return {
        name: client.get_cookie(name).value
        for name in ("session", "remember_token")
        if client.get_cookie(name) is not None
    }


def browser_with(app, cookies: dict[str, str]):
    """A fresh browser holding only these cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def assert_signed_out(app, cookies: dict[str, str]) -> None:
    """Each cookie alone: 401 JSON on the API, the login page for a page."""
    assert set(cookies) == {"session", "remember_token"}, "the test needs both cookies"
    for name, value in cookies.items():
        api = browser_with(app, {name: value}).get("/api/sessions")
        assert api.status_code == 401, name
        assert api.get_json() == {
            "error": "Sign in again to sync; your logs are kept until then."
        }, name
        page = browser_with(app, {name: value}).get("/routines")
        assert page.status_code == 302, name
        assert page.headers["Location"].startswith("/auth/login"), name


def assert_signed_in(app, cookies: dict[str, str]) -> None:
    for name, value in cookies.items():
        api = browser_with(app, {name: value}).get("/api/sessions")
        assert api.status_code == 200, name
        assert api.get_json()["sessions"] == []


@pytest.fixture
def registered(auth):
    assert auth.register().status_code == 302
    auth.logout()
    return auth


def sign_in_rows(app) -> list[SignIn]:
    with app.app_context():
        return list(db.session.scalars(select(SignIn).order_by(SignIn.id)))


# --- logging out ----------------------------------------------------------------------


def test_a_saved_copy_of_either_cookie_stops_working_after_logout(app, registered):
    assert registered.login(remember=True).status_code == 302
    cookies = saved_cookies(registered.client)
    assert_signed_in(app, cookies)

    assert registered.logout().status_code == 302

    assert_signed_out(app, cookies)
    assert sign_in_rows(app) == []


def test_cookies_carry_a_sign_in_token_not_the_runners_id(app, registered):
    registered.login(remember=True)
    remember = registered.client.get_cookie("remember_token").value
    carried = remember.split("|", 1)[0]
    with app.app_context():
        user = db.session.scalar(select(User))
        row = db.session.scalar(select(SignIn))
        assert carried != str(user.id) and len(carried) >= 40
        # Only a hash is stored: the table alone can't sign anyone in.
        assert row.token_hash == hash_token(carried) and carried not in row.token_hash
    # The page still names the runner by their numeric id: the phone keys its outbox by it.
    body = registered.client.get("/").get_data(as_text=True)
    assert f'data-user="{user.id}"' in body


def test_logging_out_on_one_device_leaves_the_others_signed_in(app, registered):
    phone = device(app, PHONE)
    laptop = device(app, LAPTOP)
    phone_cookies, laptop_cookies = saved_cookies(phone.client), saved_cookies(laptop.client)
    phone.logout()
    assert_signed_out(app, phone_cookies)
    assert_signed_in(app, laptop_cookies)


def test_signing_in_again_on_the_same_browser_replaces_its_sign_in(app, registered):
    registered.login(remember=True)
    first = saved_cookies(registered.client)
    assert registered.login(remember=True).status_code == 302
    assert len(sign_in_rows(app)) == 1
    assert_signed_out(app, first)
    assert registered.client.get("/api/sessions").status_code == 200


# --- changing the password ------------------------------------------------------------


def test_changing_the_password_signs_out_every_other_device(app, registered):
    phone = device(app, PHONE)
    laptop = device(app, LAPTOP)
    laptop_cookies = saved_cookies(laptop.client)

    response = phone.client.post(
        "/auth/password", data={"current_password": PASSWORD, "new_password": "a-new-secret"}
    )
    assert response.status_code == 302
    home = phone.client.get("/").get_data(as_text=True)
    assert "Password changed. Every other device is signed out." in home

    assert_signed_out(app, laptop_cookies)
    # The device that changed it stays signed in.
    assert phone.client.get("/api/sessions").status_code == 200
    assert [row.device for row in sign_in_rows(app)] == ["Chrome on Android"]


# --- the account page -----------------------------------------------------------------


def test_the_account_page_lists_devices_and_is_linked_from_every_page(app, registered):
    phone = device(app, PHONE)
    device(app, LAPTOP)
    home = phone.client.get("/").get_data(as_text=True)
    assert 'href="/auth/account"' in home

    page = phone.client.get("/auth/account")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "runner@example.com" in body
    assert body.count("data-sign-in") == 2
    assert "Chrome on Android · this device" in body
    assert "Safari on Mac" in body and "Safari on Mac · this device" not in body
    assert "Sign out of all other devices" in body


def test_sign_out_of_all_other_devices(app, registered):
    phone = device(app, PHONE)
    laptop = device(app, LAPTOP)
    tablet = device(app, "curl/8.5.0", remember=False)
    others = [saved_cookies(laptop.client), saved_cookies(tablet.client)]

    response = phone.client.post("/auth/account/sign-out-others")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/account"
    body = phone.client.get("/auth/account").get_data(as_text=True)
    assert "Signed out of 2 other devices. This one stays signed in." in body
    assert body.count("data-sign-in") == 1
    assert "This is the only device signed in." in body

    laptop_cookies, tablet_cookies = others
    assert_signed_out(app, laptop_cookies)
    # Without remember me there is only the session cookie to copy.
    assert set(tablet_cookies) == {"session"}
    assert browser_with(app, tablet_cookies).get("/api/sessions").status_code == 401
    assert phone.client.get("/api/sessions").status_code == 200


def test_the_account_page_and_its_action_need_a_sign_in_from_this_site(app, client, registered):
    assert client.get("/auth/account").headers["Location"] == "/auth/login?next=/auth/account"
    phone = device(app, PHONE)
    laptop = device(app, LAPTOP)
    forged = phone.client.post(
        "/auth/account/sign-out-others", headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    assert laptop.client.get("/api/sessions").status_code == 200


# --- how long a sign-in lasts -----------------------------------------------------------


def test_remember_me_lasts_90_days_on_the_server_whatever_the_cookie_says(app, registered):
    registered.login(remember=True)
    cookies = saved_cookies(registered.client)
    (row,) = sign_in_rows(app)
    assert row.remember is True
    assert row.expires_at - row.created_at == timedelta(days=90)

    # Day 91: the same cookies, which a client could keep for ever, load no one.
    with app.app_context():
        db.session.execute(
            update(SignIn).values(
                created_at=utcnow() - timedelta(days=91), expires_at=utcnow() - timedelta(days=1)
            )
        )
        db.session.commit()
    assert_signed_out(app, cookies)


def test_without_remember_me_the_server_ends_the_sign_in_after_12_hours(app, registered):
    registered.login(remember=False)
    assert registered.client.get_cookie("remember_token") is None
    (row,) = sign_in_rows(app)
    assert row.remember is False
    assert row.expires_at - row.created_at == timedelta(hours=12)


def test_a_sign_in_without_remember_me_stops_working_after_12_hours(clock, app, registered):
    """The stored expiry is what ends it: the session cookie, checked for its own age on
    the system clock (runpt/security/sessions.py), would still be good, so only the
    server's 12 hours, read on runpt's clock, can sign this browser out."""
    registered.login(remember=False)
    browser = registered.client
    clock.advance(hours=11, minutes=59)
    assert browser.get("/api/sessions").status_code == 200

    clock.advance(minutes=1, seconds=1)  # 12 hours and a second after signing in

    api = browser.get("/api/sessions")
    assert api.status_code == 401
    assert api.get_json() == {"error": "Sign in again to sync; your logs are kept until then."}
    page = browser.get("/routines")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/auth/login")


def test_a_new_sign_in_clears_the_runners_expired_ones(app, registered):
    registered.login()
    with app.app_context():
        db.session.execute(update(SignIn).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    device(app, LAPTOP)
    assert [row.device for row in sign_in_rows(app)] == ["Safari on Mac"]


# --- deleting the account ---------------------------------------------------------------


def test_deleting_the_account_ends_every_sign_in(app, registered):
    phone = device(app, PHONE)
    laptop = device(app, LAPTOP)
    laptop_cookies = saved_cookies(laptop.client)
    response = phone.client.post("/auth/delete", data={"password": PASSWORD})
    assert response.status_code == 200
    assert_signed_out(app, laptop_cookies)
    assert sign_in_rows(app) == []


# --- the cost per request and the cookies of an ended sign-in -------------------------


def test_loading_the_runner_is_one_read_and_last_used_is_written_at_most_hourly(app, registered):
    registered.login()
    # /offline is a page with no data of its own: what remains is loading the runner.
    first = statements_during(app, registered.client, "/offline")
    # PostgreSQL quotes "user" (a reserved word there); SQLite does not.
    (statement,) = (s.replace('"', "") for s in first)
    assert statement.startswith("SELECT user.") and "JOIN sign_in" in statement

    with app.app_context():
        two_hours_ago = utcnow() - timedelta(hours=2)
        db.session.execute(update(SignIn).values(last_used_at=two_hours_ago))
        db.session.commit()
    stale = statements_during(app, registered.client, "/offline")
    assert sum(s.startswith("UPDATE sign_in") for s in stale) == 1
    again = statements_during(app, registered.client, "/offline")
    assert not any(s.startswith("UPDATE") for s in again)
    (row,) = sign_in_rows(app)
    assert row.last_used_at > two_hours_ago + timedelta(hours=1)


def test_a_browser_holding_ended_cookies_is_told_to_drop_them(app, registered):
    registered.login(remember=True)
    cookies = saved_cookies(registered.client)
    registered.logout()
    stale = browser_with(app, cookies)
    answer = stale.get("/")
    set_cookies = " ".join(answer.headers.getlist("Set-Cookie"))
    assert "remember_token=;" in set_cookies  # deleted
    assert stale.get_cookie("remember_token") is None
    # The session cookie no longer names the ended sign-in: the next request loads no one
    # and needs no clean-up.
    again = stale.get("/")
    assert "Stay running." in again.get_data(as_text=True)
    assert again.headers.getlist("Set-Cookie") == []


def test_background_copies_with_ended_cookies_touch_no_cookie(app, registered):
    """The service worker's copies go out with the cookies of a moment ago; their answer
    must never set or clear one (it could land after a new sign-in)."""
    registered.login(remember=True)
    cookies = saved_cookies(registered.client)
    registered.logout()
    copy = browser_with(app, cookies).get("/", headers={"X-Runpt-Offline-Copy": "1"})
    assert copy.headers.getlist("Set-Cookie") == []
    assert "X-Runpt-User" not in copy.headers


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (PHONE, "Chrome on Android"),
        (LAPTOP, "Safari on Mac"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
         "Firefox on Linux"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", "Unknown device"),
        (None, "Unknown device"),
        ("bot\x00\x1b[31m" + "x" * 500, "bot[31m" + "x" * 73),
    ],
)  # fmt: skip
def test_device_labels_a_runner_recognises(user_agent, label):
    assert device_label(user_agent) == label
