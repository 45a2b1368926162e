"""The device cookie: a browser that has signed in to an account before earns a login
allowance of its own for that account.

Without it, anyone could lock a runner out by failing to log in as them from anywhere
(the per-email limit). With it, the runner's own phone or laptop counts its attempts
against itself alone (runpt/auth/ratelimit.py), so strangers' failures never stop it.
The cookie is signed with SECRET_KEY, names the account only by a digest of its email,
is sent only to /auth/ and grants nothing but attempts: it signs no one in.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "runpt_device"
LASTS = timedelta(days=365)
PATH = "/auth/"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="runpt-device")


def email_digest(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode("utf-8", "replace")).hexdigest()


def known_device(cookie: str | None, email: str) -> str | None:
    """The device id, when the cookie is genuine and was earned with this email."""
    if not cookie:
        return None
    try:
        value = _serializer().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.get("email") != email_digest(email):
        return None
    device = value.get("device")
    return device if isinstance(device, str) and device else None


def remember_device(response, email: str, device: str | None) -> None:
    """After a successful sign-in: this browser is known for this account (a year)."""
    value = {"device": device or secrets.token_urlsafe(16), "email": email_digest(email)}
    response.set_cookie(
        COOKIE,
        _serializer().dumps(value),
        max_age=int(LASTS.total_seconds()),
        path=PATH,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
