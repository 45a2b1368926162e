"""Known devices live on the server (issue 28, item 2): a device cookie earns its own
login allowance only while its row exists, bound to the account; a password change,
"sign out of all other devices" and deleting the account end them; an account keeps a
bounded number; and attempts through devices still count toward the email's ceiling."""

from sqlalchemy import func, select

from runpt.auth.devices import COOKIE as DEVICE_COOKIE
from runpt.auth.devices import MAX_DEVICES
from runpt.auth.models import KnownDevice, LoginAttempt
from runpt.auth.ratelimit import CEILING_TIMES
from runpt.auth.signins import hash_token
from runpt.extensions import db
from tests import test_login_limit
from tests.test_auth import PASSWORD
from tests.test_login_limit import TOO_MANY, attempts, from_address, hammer

# The login limit's fixtures: an account whose browser forgot its device, a limit of 3.
registered = test_login_limit.registered
limit_of_3 = test_login_limit.limit_of_3


def devices_of_the_runner() -> int:
    return db.session.scalar(select(func.count()).select_from(KnownDevice))


def known_phone(app, address: str = "192.0.2.10"):
    """A browser that has signed in to the runner's account (and logged out again)."""
    phone = from_address(app, address)
    assert phone.login().status_code == 302
    phone.logout()
    return phone


def locked_out_by_strangers(app, phone) -> bool:
    """Strangers fail the email's limit; does the phone still get a password check?"""
    hammer(app)
    return phone.login().status_code == 429


def test_a_device_is_a_row_bound_to_the_account_and_the_cookie_holds_only_a_token(
    registered, limit_of_3
):
    phone = known_phone(limit_of_3)
    cookie = phone.client.get_cookie(DEVICE_COOKIE, path="/auth/").value
    with limit_of_3.app_context():
        hashes = set(db.session.scalars(select(KnownDevice.token_hash)))
        # Registering made one (its browser then forgot it), logging in the phone's.
        assert len(hashes) == 2 and hash_token(cookie) in hashes and cookie not in hashes
    assert "@" not in cookie and "." not in cookie  # no email, no signed payload
    assert not locked_out_by_strangers(limit_of_3, phone)


def test_a_cookie_whose_row_is_gone_earns_nothing(registered, limit_of_3):
    phone = known_phone(limit_of_3)
    with limit_of_3.app_context():
        db.session.execute(KnownDevice.__table__.delete())
        db.session.commit()
    assert locked_out_by_strangers(limit_of_3, phone)


def test_a_password_change_ends_every_other_devices_cookie(registered, limit_of_3):
    phone = known_phone(limit_of_3, "192.0.2.10")
    laptop = from_address(limit_of_3, "192.0.2.20")
    assert laptop.login().status_code == 302
    changed = laptop.client.post(
        "/auth/password", data={"current_password": PASSWORD, "new_password": "a-new-one-22"}
    )
    assert changed.status_code == 302
    with limit_of_3.app_context():
        assert devices_of_the_runner() == 1  # the laptop's own stays
    laptop.logout()
    # Whoever kept the phone's cookie (with the old password) is held like a stranger.
    assert locked_out_by_strangers(limit_of_3, phone)
    assert laptop.login(password="a-new-one-22").status_code == 302


def test_signing_out_of_all_other_devices_ends_their_cookies(registered, limit_of_3):
    phone = known_phone(limit_of_3, "192.0.2.10")
    laptop = from_address(limit_of_3, "192.0.2.20")
    assert laptop.login().status_code == 302
    assert laptop.client.post("/auth/account/sign-out-others").status_code == 302
    with limit_of_3.app_context():
        assert devices_of_the_runner() == 1
    laptop.logout()
    assert locked_out_by_strangers(limit_of_3, phone)
    assert laptop.login().status_code == 302


def test_a_deleted_accounts_cookie_gives_nothing_to_whoever_takes_the_email_next(
    registered, limit_of_3
):
    phone = known_phone(limit_of_3)
    assert phone.login().status_code == 302
    assert phone.client.post("/auth/delete", data={"password": PASSWORD}).status_code == 200
    with limit_of_3.app_context():
        assert devices_of_the_runner() == 0
    assert from_address(limit_of_3, "192.0.2.99").register().status_code == 302
    # The old cookie counts against the email like any stranger's browser.
    for _ in range(3):
        assert phone.login(password="wrong-password").status_code == 400
    assert phone.login().status_code == 429
    with limit_of_3.app_context():
        assert attempts("email:runner@example.com") == 3


def test_an_account_keeps_a_bounded_number_of_devices_the_least_recent_going_first(registered, app):
    browsers = [known_phone(app, f"192.0.2.{n}") for n in range(MAX_DEVICES + 2)]
    with app.app_context():
        assert devices_of_the_runner() == MAX_DEVICES
    app.config["LOGIN_RATE_LIMIT"] = 3
    # The first browser's row went when the eleventh signed in; the last one still counts.
    assert locked_out_by_strangers(app, browsers[0])
    assert not locked_out_by_strangers(app, browsers[-1])


def test_attempts_through_many_devices_stop_at_the_emails_ceiling(registered, limit_of_3):
    """Four device cookies gave 40 password checks for one email in round 2; now every
    attempt counts toward the email's ceiling whatever device it comes through."""
    devices = [known_phone(limit_of_3, f"192.0.2.{n}") for n in range(4)]
    answers = [device.login(password="wrong-password").status_code for device in devices * 3]
    ceiling = 3 * CEILING_TIMES
    assert answers.count(400) == ceiling  # passwords checked
    assert answers[ceiling:] == [429] * (len(answers) - ceiling)
    response = devices[0].login()
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    with limit_of_3.app_context():
        assert attempts("every:email:runner@example.com") == ceiling
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) > 0
