"""Cookies and replays: what lets a runner's phone sync days later, and what keeps
another site out."""

import re
from datetime import timedelta

from runpt import create_app
from tests.events import logged, new_session

SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


def login_with_remember(client):
    client.post("/auth/register", data={"email": "days@example.com", "password": "long-enough-1"})
    client.post("/auth/logout")
    return client.post(
        "/auth/login",
        data={"email": "days@example.com", "password": "long-enough-1", "remember": "1"},
    )


def set_cookie_lines(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_a_sync_replayed_days_later_still_works_with_no_token(client):
    """The browser session is long gone (phone restarted); only the 90-day remember-me
    cookie is left. No CSRF token expires in between: the same-origin check is enough."""
    login_with_remember(client)
    client.delete_cookie("session")
    assert client.get_cookie("remember_token") is not None
    event = logged(new_session())
    response = client.post("/api/sync", json={"events": [event]}, headers=SAME_ORIGIN)
    assert response.status_code == 200
    assert response.get_json()["results"][0]["status"] == "accepted"


def test_the_same_replay_from_another_site_is_refused(client):
    login_with_remember(client)
    cross = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    response = client.post("/api/sync", json={"events": [logged(new_session())]}, headers=cross)
    assert response.status_code == 403
    assert "Cross-site request refused" in response.get_json()["error"]


def test_a_replay_from_another_site_with_only_an_origin_is_refused(client):
    """Browsers without Sec-Fetch-Site (Safari before 16.4) send only `Origin`: the
    check falls back to it (runpt/security/origins.py), and the sync stores nothing."""
    login_with_remember(client)
    response = client.post(
        "/api/sync",
        json={"events": [logged(new_session())]},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "Cross-site request refused" in response.get_json()["error"]
    assert client.get("/api/sessions").get_json()["sessions"] == []
    # The same request from runpt's own origin, with no Sec-Fetch-Site either, goes in.
    own = client.post(
        "/api/sync",
        json={"events": [logged(new_session())]},
        headers={"Origin": "http://localhost"},
    )
    assert own.get_json()["results"][0]["status"] == "accepted"
    assert len(client.get("/api/sessions").get_json()["sessions"]) == 1


def test_cookies_are_httponly_lax_and_not_secure_by_default(client):
    answer = login_with_remember(client)
    cookies = set_cookie_lines(answer)
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]
    # Served over plain HTTP (development): no HSTS, which would lock a browser out.
    assert "Strict-Transport-Security" not in answer.headers


def test_cookies_are_secure_when_served_over_https(tmp_path, monkeypatch, _schema):
    monkeypatch.setenv("SECURE_COOKIES", "1")
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "AUTO_MIGRATE": False, "SQLALCHEMY_DATABASE_URI": _schema,
         "PASSWORD_HASH_METHOD": "scrypt:4096:8:1", "SECRET_KEY": "x"}
    )  # fmt: skip
    client = app.test_client()
    try:
        answer = login_with_remember(client)
        cookies = set_cookie_lines(answer)
        for name in ("session", "remember_token"):
            assert "Secure" in cookies[name] and "HttpOnly" in cookies[name]
        # Browsers that have been here once never try plain HTTP for a year.
        for response in (answer, client.get("/library/"), client.get("/api/sessions")):
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    finally:
        from runpt.extensions import db
        from tests.helpers import wipe_runner_data

        with app.app_context():
            wipe_runner_data()
            db.engine.dispose()  # or its pooled connections leak into later tests


def test_background_offline_copies_never_set_a_cookie(client):
    """A copy is sent with the cookies of a moment ago; if its answer set a cookie it
    could land after a logout or deletion and put the old session back."""
    login_with_remember(client)
    client.delete_cookie("session")  # only the remember-me cookie is left
    copy = client.get("/", headers={"X-Runpt-Offline-Copy": "1"})
    assert "Your routines" in copy.get_data(as_text=True)
    assert "session=" not in " ".join(copy.headers.getlist("Set-Cookie"))
    # The runner's own request restores the session from the remember-me cookie.
    own = client.get("/")
    assert "session=" in " ".join(own.headers.getlist("Set-Cookie"))


# --- session cookies: checked once per distinct cookie, still checked every time --------


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_tampered_session_cookie_signs_no_one_in_even_after_the_real_one_was_seen(client, auth):
    auth.register()
    client.delete_cookie("remember_token")  # the session cookie alone signs them in
    real = session_cookie(client)
    assert client.get("/api/sessions").status_code == 200  # the real cookie, decoded once
    tampered = real[:-2] + ("AA" if not real.endswith("AA") else "BB")
    client.set_cookie("session", tampered)
    assert client.get("/api/sessions").status_code == 401


def test_an_expired_session_cookie_signs_no_one_in_though_it_was_decoded_before(client, auth, app):
    auth.register()
    client.delete_cookie("remember_token")  # the session cookie alone signs them in
    assert client.get("/api/sessions").status_code == 200
    app.permanent_session_lifetime = timedelta(seconds=-1)  # every cookie is now too old
    assert client.get("/api/sessions").status_code == 401


def test_what_one_request_puts_in_its_session_never_reaches_another(app):
    """Each request gets its own copy of a decoded session: a flash added while one
    request runs must not appear in another with the same cookie."""
    interface = app.session_interface
    with app.test_request_context("/"):
        from flask import session

        session["_flashes"] = [("info", "one")]
        cookie = interface.get_signing_serializer(app).dumps(dict(session))
    headers = {"Cookie": f"session={cookie}"}
    with app.test_request_context("/", headers=headers):
        first = interface.open_session(app, __import__("flask").request)
        first["_flashes"].append(("info", "two"))
    with app.test_request_context("/", headers=headers):
        second = interface.open_session(app, __import__("flask").request)
    assert second["_flashes"] == [("info", "one")]


def test_a_page_opened_with_a_share_link_never_touches_the_viewers_cookies(client, app):
    """The viewer may be signed in to runpt themselves: a link page doesn't load them, so
    it can't refresh, restore or end their session, nor use up a message waiting for
    their next page (runpt/security/link_pages.py, LINK_PAGES)."""
    login_with_remember(client)
    for _ in range(2):
        assert client.post("/sharing", data={"days": "7"}).status_code == 303
        page = client.get("/sharing").get_data(as_text=True)
    link = re.search(r'value="http://localhost(/shared/[^"]+)"', page)[1]
    older = re.findall(r'data-link="(\d+)"', page)[-1]
    # "Link revoked" waits in the session for the runner's next page of their own.
    assert client.post(f"/sharing/{older}/revoke").status_code == 303
    paths = (link, f"{link}/progress", "/shared/no-such-token")
    for path in paths:
        response = client.get(path)
        assert response.headers.getlist("Set-Cookie") == [], path
        assert "Cookie" not in response.headers.get("Vary", "")
    assert "Link revoked" in client.get("/sharing").get_data(as_text=True)
    client.delete_cookie("session")  # now only the remember-me cookie is sent
    for path in paths:
        assert client.get(path).headers.getlist("Set-Cookie") == [], path
    # The runner's own next request restores the session from remember-me, as always.
    assert "session=" in " ".join(client.get("/").headers.getlist("Set-Cookie"))
