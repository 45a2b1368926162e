"""Sign-in edges (issue 28, item 4): password guesses behind a signed-in session count
against the login limits, an unknown email costs what a wrong password costs, share
links are listed for revoking after a password change or signing out elsewhere, the
"shown once" link is never kept offline, and share tokens stay out of logs."""

import hashlib
import logging
import re
import shlex
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms
from werkzeug.test import EnvironBuilder

from tests.helpers import AuthActions
from tests.test_auth import PASSWORD, field_error
from tests.test_login_limit import TOO_MANY, attempts
from tests.test_share_links import make_link

ROOT = Path(__file__).resolve().parent.parent


# --- password guesses behind a signed-in session ----------------------------------------


def test_change_password_guesses_count_against_the_login_limits(signed_in, app):
    app.config["LOGIN_RATE_LIMIT"] = 3
    for n in range(3):
        guess = {"current_password": f"guess-{n}-guess", "new_password": "a-new-secret"}
        response = signed_in.post("/auth/password", data=guess)
        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert field_error(body, "current_password") == "That is not your current password."
    # The fourth is not even checked, the right password included.
    right = {"current_password": PASSWORD, "new_password": "a-new-secret"}
    refused = signed_in.post("/auth/password", data=right)
    assert refused.status_code == 429
    assert field_error(refused.get_data(as_text=True), "current_password") == TOO_MANY
    with app.app_context():
        assert attempts("every:email:runner@example.com") == 3
    # And the login form from this browser is held by the same count.
    AuthActions(signed_in).logout()
    assert AuthActions(signed_in).login().status_code == 429


def test_delete_account_guesses_count_against_the_login_limits_too(signed_in, app):
    app.config["LOGIN_RATE_LIMIT"] = 2
    for _ in range(2):
        assert signed_in.post("/auth/delete", data={"password": "wrong-guess"}).status_code == 400
    refused = signed_in.post("/auth/delete", data={"password": PASSWORD})
    assert refused.status_code == 429
    assert field_error(refused.get_data(as_text=True), "password") == TOO_MANY
    assert signed_in.get("/routines").status_code == 200  # nothing was deleted


def test_the_right_current_password_takes_its_attempt_back(signed_in, app):
    data = {"current_password": PASSWORD, "new_password": "a-new-secret"}
    assert signed_in.post("/auth/password", data=data).status_code == 302
    with app.app_context():
        assert attempts("every:email:runner@example.com") == 0


# --- an unknown email costs what a wrong password costs ----------------------------------


@pytest.fixture
def hashes_checked(monkeypatch):
    """The scrypt cost (n, r, p) of every password hash checked."""
    checked = []
    scrypt = hashlib.scrypt

    def spy(password, **kwargs):
        checked.append((kwargs["n"], kwargs["r"], kwargs["p"]))
        return scrypt(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", spy)
    return checked


def test_an_unknown_email_hashes_like_the_accounts_real_passwords(app, client, hashes_checked):
    """Round 2 hashed a stand-in with the setting's method: accounts made before the
    setting changed (a stronger hash) answered a wrong password slower (532 ms against
    314 ms), telling which emails have accounts."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:8192:8:1"
    assert AuthActions(client).register().status_code == 302
    AuthActions(client).logout()
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:4096:8:1"  # lowered since
    stranger = AuthActions(app.test_client())
    hashes_checked.clear()
    assert stranger.login(password="wrong-password").status_code == 400
    wrong_password = list(hashes_checked)
    hashes_checked.clear()
    assert stranger.login(email="nobody@example.com", password="wrong-1").status_code == 400
    assert hashes_checked[-1:] == wrong_password == [(8192, 8, 1)]


# --- share links after a password change or signing out elsewhere -------------------------


def open_links_listed(page: str) -> list[str]:
    section = page.split("data-account-share-links", 1)
    if len(section) == 1:
        return []
    return re.findall(r'<li class="session-row" data-link="(\d+)"', section[1].split("</ul>")[0])


def test_a_password_change_lists_open_share_links_with_a_revoke(signed_in, app):
    link = make_link(signed_in, label="Made by someone else")
    data = {"current_password": PASSWORD, "new_password": "a-new-secret"}
    changed = signed_in.post("/auth/password", data=data, follow_redirects=True)
    page = changed.get_data(as_text=True)
    assert "Password changed." in page
    assert "Share links that work now" in page and "Made by someone else" in page
    [link_id] = open_links_listed(page)
    revoked = signed_in.post(f"/sharing/{link_id}/revoke", data={"back": "account"})
    assert revoked.status_code == 303 and revoked.headers["Location"] == "/auth/account"
    assert app.test_client().get(link).status_code == 404
    assert open_links_listed(signed_in.get("/auth/account").get_data(as_text=True)) == []


def test_signing_out_of_other_devices_lists_open_share_links_too(signed_in):
    make_link(signed_in, label="Anna, physio")
    page = signed_in.post("/auth/account/sign-out-others", follow_redirects=True)
    body = page.get_data(as_text=True)
    assert "Signed out of" in body and "Anna, physio" in body
    assert len(open_links_listed(body)) == 1


# --- the "shown once" link is never kept offline -----------------------------------------


def test_the_page_showing_a_new_link_is_marked_never_to_keep_offline(signed_in):
    assert signed_in.post("/sharing", data={"days": "7"}).status_code == 303
    shown = signed_in.get("/sharing")
    assert "new-link-url" in shown.get_data(as_text=True)
    assert shown.headers.get("X-Runpt-Not-Offline") == "1"
    # The same page without the link is kept as usual.
    again = signed_in.get("/sharing")
    assert "new-link-url" not in again.get_data(as_text=True)
    assert "X-Runpt-Not-Offline" not in again.headers


def test_the_service_worker_keeps_no_page_marked_never_to_keep_offline():
    # The worker's one `remember` (sw-shared.js); tests/browser/test_share_link_once.py
    # shows the page isn't kept.
    worker = (ROOT / "runpt/static/sw-shared.js").read_text()
    remember = worker.split("async function remember(", 1)[1].split("\n  }\n", 1)[0]
    assert 'if (response.headers.get("X-Runpt-Not-Offline")) return;' in remember
    assert remember.index("X-Runpt-Not-Offline") < remember.index("cache.put")


# --- share tokens out of logs -------------------------------------------------------------

TOKEN = "Zx9secretTOKENvalue_-0123456789abcdefghijkl"


def test_the_apps_own_logging_masks_share_tokens(app, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info(
            '%s - - [%s] "%s" %s %s', "127.0.0.1", "now", f"GET /shared/{TOKEN}/progress HTTP/1.1",
            "200", "-",
        )  # fmt: skip
        app.logger.error("Exception on /shared/%s [GET]", TOKEN)
    assert TOKEN not in caplog.text
    assert "GET /shared/[link]/progress HTTP/1.1" in caplog.text
    assert "Exception on /shared/[link] [GET]" in caplog.text


def deployed_access_log_format() -> str:
    """The access-log format the app hosts run with (deploy/runpt@.service's ExecStart,
    its continued lines joined and systemd's %% read back as %); the README shows it."""
    unit = (ROOT / "deploy" / "runpt@.service").read_text().replace("\\\n", " ")
    command = re.search(r"^ExecStart=(.*gunicorn .*)$", unit, re.M).group(1)
    words = shlex.split(command.replace("%%", "%"))
    log_format = words[words.index("--access-logformat") + 1]
    assert log_format in (ROOT / "README.md").read_text()
    return log_format


def test_the_deployed_gunicorn_access_log_format_masks_share_tokens(signed_in, app):
    link = make_link(signed_in)
    token = link.removeprefix("/shared/")
    # As gunicorn calls the app: its own environ, read again by its access log after.
    referer = f"http://localhost{link}"
    environ = EnvironBuilder(f"{link}/progress", headers={"Referer": referer}).get_environ()
    environ["RAW_URI"] = f"{link}/progress"
    statuses = []
    body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    assert statuses == ["200 OK"]
    response = SimpleNamespace(status="200 OK", headers=[], sent=123)
    atoms = Logger(Config()).atoms(response, [], environ, timedelta(milliseconds=5))
    line = deployed_access_log_format() % SafeAtoms(atoms)
    assert token not in line
    assert '"GET /shared/[link]/progress HTTP/1.1" 200 123 "http://localhost/shared/[link]"' in line
