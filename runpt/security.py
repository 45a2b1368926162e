"""Same-origin checks for unsafe methods and the security headers on every response.

Cross-site request forgery is refused by where a request comes from rather than by an
expiring token: browsers send `Sec-Fetch-Site` (and `Origin`) on every unsafe request,
so a sync replayed days after the page was loaded still works, while a form posted
from another site does not. SameSite=Lax cookies are the second lock on the door.
"""

from urllib.parse import urlsplit

from flask import Flask, jsonify, request
from flask.sessions import SecureCookieSessionInterface

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
DEFAULT_PORTS = {"http": 80, "https": 443}
# The same for every visitor; they keep their own caching headers.
SHARED_ENDPOINTS = {"static", "pwa.service_worker", "pwa.manifest"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)


def is_cross_site(req) -> bool:
    """True when an unsafe request was sent by a page of another site."""
    fetch_site = req.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        # "none" is the runner typing or a bookmark; "same-site" is a sibling
        # subdomain, which can't be trusted with a runner's logs either.
        return fetch_site not in {"same-origin", "none"}
    origin = req.headers.get("Origin")
    if origin is None:
        # Older browsers and non-browser clients (curl, tests): no ambient
        # cross-site credentials to abuse without Origin in a modern browser.
        return False
    return not is_own_origin(origin, req)


def origin_parts(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as `https://runpt.example`, with the
    scheme's default port filled in; None for anything that is not one ("null", a path)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def is_own_origin(origin: str, req) -> bool:
    """Scheme, host and port all match this site's: `https://host` is another origin
    than `http://host`, and so is the same host on another port."""
    theirs = origin_parts(origin)
    return theirs is not None and theirs == origin_parts(f"{req.scheme}://{req.host}")


def refuse_cross_site():
    if request.method not in UNSAFE_METHODS or not is_cross_site(request):
        return None
    message = "Cross-site request refused: submit this from runpt itself."
    if request.path.startswith("/api/"):
        return jsonify(error=message), 403
    return message, 403, {"Content-Type": "text/plain; charset=utf-8"}


def keep_personal_data_out_of_caches(response):
    """Nothing with a runner's data is stored by a browser's or proxy's HTTP cache
    (`no-store`): the API, exports, the offline URL list and every page for a signed-in
    runner. The service worker keeps what it means to keep in its own caches, which
    `no-store` doesn't touch; pages say whose they are (`X-Runpt-User`), and the worker
    keeps a page only for the runner named there."""
    from flask_login import current_user

    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
        return response
    # Files that are the same for everyone: answered without loading the runner at all.
    if request.endpoint in SHARED_ENDPOINTS or not current_user.is_authenticated:
        return response
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    if response.mimetype == "text/html":
        response.headers["X-Runpt-User"] = str(current_user.id)
    return response


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


class CookieSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions, except that the service worker's background copies of
    pages never set a cookie: sent with the cookies of a moment ago, their answer could
    land after a login, logout or account deletion and put the old session back."""

    def should_set_cookie(self, app, session) -> bool:
        if request.headers.get("X-Runpt-Offline-Copy"):
            return False
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    app.before_request(refuse_cross_site)
    app.after_request(add_security_headers)
    app.after_request(keep_personal_data_out_of_caches)
