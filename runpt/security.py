"""Same-origin checks for unsafe methods and the security headers on every response.

Cross-site request forgery is refused by where a request comes from rather than by an
expiring token: browsers send `Sec-Fetch-Site` (and `Origin`) on every unsafe request,
so a sync replayed days after the page was loaded still works, while a form posted
from another site does not. SameSite=Lax cookies are the second lock on the door.
"""

import copy
import io
import re
import time
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, jsonify, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
DEFAULT_PORTS = {"http": 80, "https": 443}
# The same for every visitor; they keep their own caching headers.
SHARED_ENDPOINTS = {"static", "pwa.service_worker", "pwa.manifest"}
# Pages opened with a runner's share link (runpt/pages/sharing.py), error pages included.
# They show the runner who made the link, never whoever is signed in on the browser that
# opens it: they never load a signed-in runner, set no cookie and are never indexed.
LINK_PAGES = "/shared/"

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


# A page to come back to after logging in: the longest routine link (a 16 KB code, see
# runpt/sharing/documents.py) with room to spare; anything longer is not one of ours.
MAX_COME_BACK = 20 * 1024
# Characters a browser drops from a URL (tab, newline) or reads as "/" (backslash): in a
# path they could turn `/\evil.example` into `//evil.example`, another site.
NOT_IN_A_PATH = re.compile(r"[\x00-\x20\x7f\\]")


def site_path(target: str) -> str | None:
    """`target` when it is a path on this site (`/routines/open?r=...`), to send the
    browser back to after logging in; None for anything that could lead elsewhere: another
    host (`https://evil.example`, `//evil.example`), a scheme (`javascript:`), a path a
    browser would read as another host (`/\\evil.example`, or `//evil.example` with a tab
    between the slashes)."""
    if not target or len(target) > MAX_COME_BACK or NOT_IN_A_PATH.search(target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def referring_path(req) -> str | None:
    """The page of this site that sent `req` (its Referer, when it is one of ours), as a
    path: where a runner goes back to when what they sent can't be sent again."""
    referer = req.headers.get("Referer", "")
    try:
        parts = urlsplit(referer)
    except ValueError:
        return None
    if not is_own_origin(f"{parts.scheme}://{parts.netloc}", req):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return site_path(path)


def is_own_origin(origin: str, req) -> bool:
    """Scheme, host and port all match this site's: `https://host` is another origin
    than `http://host`, and so is the same host on another port."""
    theirs = origin_parts(origin)
    return theirs is not None and theirs == origin_parts(f"{req.scheme}://{req.host}")


# A Host header: a host name (labels of letters, digits, "-" or "_", at most 63 each; an
# IPv4 address is one too) or a bracketed IPv6 address, and an optional port. Browsers
# send non-ASCII names as xn-- labels.
LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
HOST = re.compile(
    rf"(?:(?P<name>{LABEL}(?:\.{LABEL})*\.?)|\[[0-9A-Fa-f:.]{{2,45}}\])(?::(?P<port>[0-9]{{1,5}}))?"
)
MAX_HOST_NAME = 253
READ_CHUNK = 64 * 1024
# HSTS's max-age in seconds: a year.
HSTS = "max-age=31536000"


def is_valid_host(host: str) -> bool:
    """A Host header the app can build its own links with."""
    match = HOST.fullmatch(host)
    if match is None or int(match["port"] or 0) > 65535:
        return False
    name = match["name"]
    if name is None:
        return True  # [IPv6]
    if len(name) > MAX_HOST_NAME:
        return False
    try:
        name.encode("ascii").decode("idna")  # an xn-- label must be real punycode
    except UnicodeError:
        return False
    return True


class RefuseMalformedHosts:
    """WSGI middleware: a request with a Host the app can't build links for (a 300-
    character label, spaces, control characters) is answered 400 with the app's own error
    page. Flask can't even begin such a request, so the header is replaced before it sees
    it and `refuse_malformed_host` answers."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST")
        if host is not None and not is_valid_host(host):
            environ = {**environ, "HTTP_HOST": "localhost", "runpt.malformed_host": host}
        return self.wsgi_app(environ, start_response)


def refuse_malformed_host():
    if "runpt.malformed_host" in request.environ:
        abort(400)


def accepts_bodies_up_to(limit: int):
    """Marks a view that takes a larger body than MAX_CONTENT_LENGTH (a watch file to
    import): its own limit, applied before anything reads the body."""

    def mark(view):
        view.body_limit = limit
        return view

    return mark


def read_streamed_body():
    """A body sent without Content-Length (chunked) is read here, at most the size limit,
    so one over it is a 413 like any other. Left to Werkzeug, it would be cut at the limit
    and handed on, and a sync batch would answer "not valid JSON". A view marked with
    `accepts_bodies_up_to` gets its own limit, for bodies with a length too."""
    if request.method not in UNSAFE_METHODS:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "body_limit", None):
        request.max_content_length = view.body_limit
    limit = request.max_content_length
    if request.content_length is not None or limit is None:
        return
    if not request.environ.get("wsgi.input_terminated"):
        return  # the server can't end such a body: Werkzeug reads it as empty
    stream, body = request.environ["wsgi.input"], bytearray()
    while len(body) <= limit and (chunk := stream.read(READ_CHUNK)):
        body += chunk
    if len(body) > limit:
        abort(413)
    request.environ["wsgi.input"] = io.BytesIO(bytes(body))
    request.environ["CONTENT_LENGTH"] = str(len(body))


def refuse_cross_site():
    if request.method not in UNSAFE_METHODS or not is_cross_site(request):
        return None
    message = "Cross-site request refused: submit this from runpt itself."
    if request.path.startswith("/api/"):
        return jsonify(error=message), 403
    return message, 403, {"Content-Type": "text/plain; charset=utf-8"}


def is_link_page() -> bool:
    """This request is for a page opened with a share link."""
    return request.path.startswith(LINK_PAGES)


def keep_link_pages_private(response):
    """A shared report is health data: no cache keeps it, no search engine lists it
    (the page says so too, for crawlers that read only the markup)."""
    if is_link_page():
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


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
    # A response made without ever loading the runner (static files, the manifest, the
    # health check) holds nothing of theirs: no need to load them just to say so. Every
    # view with a runner's data loads them (login_required, or the page's header). Link
    # pages are answered without asking who is signed in: it doesn't matter to them.
    if "_login_user" not in g or request.endpoint in SHARED_ENDPOINTS or is_link_page():
        return response
    if not current_user.is_authenticated:
        return response
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    if response.mimetype == "text/html":
        response.headers["X-Runpt-User"] = str(current_user.id)
    return response


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


class AddSecurityHeaders:
    """WSGI middleware: every response leaves with the security headers, unless the app
    set its own. Added to the plain header list on the way out: the same headers set
    through Werkzeug's `Headers`, each value checked again, cost more than the rest of a
    small response's hooks together."""

    def __init__(self, wsgi_app, served_over_https: bool):
        self.wsgi_app = wsgi_app
        self.headers = SECURITY_HEADERS
        if served_over_https:
            # SECURE_COOKIES=1: browsers never try plain HTTP again.
            self.headers += (("Strict-Transport-Security", HSTS),)

    def __call__(self, environ, start_response):
        def start_with_security_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend(pair for pair in self.headers if pair[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_security_headers)


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


def check_request():
    """Every request, before its view: a malformed Host, a chunked body over the limit and
    an unsafe request from another site are refused. One hook, not three: Flask's cost of
    calling a hook is paid by every request, static files and all."""
    refuse_malformed_host()
    read_streamed_body()
    return refuse_cross_site()


def finish_response(response):
    """Every response: no HTTP cache keeps a runner's data, and a link page stays out of
    caches and search engines. (The security headers are added on the way out, by
    `AddSecurityHeaders`.)"""
    return keep_link_pages_private(keep_personal_data_out_of_caches(response))


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    app.wsgi_app = RefuseMalformedHosts(
        AddSecurityHeaders(app.wsgi_app, bool(app.config.get("SESSION_COOKIE_SECURE")))
    )
    app.before_request(check_request)
    app.after_request(finish_response)
