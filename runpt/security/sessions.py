"""Signed-cookie sessions, decoded once per distinct cookie."""

import copy
import time

from flask import request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from runpt.security.link_pages import is_link_page


class CookieSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions, except that the service worker's background copies of
    pages never set a cookie: sent with the cookies of a moment ago, their answer could
    land after a login, logout or account deletion and put the old session back.

    Checking and decoding a cookie (HMAC, base64, zlib, tagged JSON) was the largest cost
    every request paid, and a runner's phone sends the same cookie until its session
    changes: each distinct cookie is checked once per process and kept with the time it
    was signed, so its age is still checked on every request. Each request gets its own
    copy of the session, so nothing one request changes reaches another."""

    remembered_cookies = 2048

    def __init__(self):
        self.decoded: dict[tuple[str, str], tuple[dict, float]] = {}

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not app.secret_key or not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (app.secret_key, value)
        found = self.decoded.get(key)
        if found is None:
            # Made only for a cookie not seen before: building it is most of what a
            # known cookie would otherwise cost.
            serializer = self.get_signing_serializer(app)
            try:
                data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            found = (data, signed.timestamp())
            if len(self.decoded) >= self.remembered_cookies:
                self.decoded.clear()  # simpler than an LRU, and a miss costs one decode
            self.decoded[key] = found
        data, signed_at = found
        # The system clock, not runpt.timestamps: itsdangerous stamps the cookie with
        # time.time() and checks max_age on it too, so this must read the same clock
        # (a pinned test clock days away would otherwise sign every runner out).
        if time.time() - signed_at > max_age:
            return self.session_class()
        return self.session_class(copy.deepcopy(data))

    def should_set_cookie(self, app, session) -> bool:
        if request.headers.get("X-Runpt-Offline-Copy"):
            return False
        return super().should_set_cookie(app, session)

    def save_session(self, app, session, response) -> None:
        """A link page never sets, refreshes or deletes a cookie, whoever is signed in on
        the browser: the session is this interface's to save, and the last word on the
        response's headers, so anything that set one on the way out is undone here."""
        if is_link_page():
            del response.headers["Set-Cookie"]
            return
        super().save_session(app, session, response)
