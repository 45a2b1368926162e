"""The security headers on every response, and no HTTP cache keeping a runner's data."""

from flask import g, request
from flask.globals import request_ctx

from runpt.security.link_pages import is_link_page

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
# HSTS's max-age in seconds: a year.
HSTS = "max-age=31536000"


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
        if showed_one_time_messages():
            response.headers[NOT_KEPT_OFFLINE] = "1"
    return response


# A page the service worker must not keep (static/sw-shared.js `remember` reads it).
NOT_KEPT_OFFLINE = "X-Runpt-Not-Offline"


def showed_one_time_messages() -> bool:
    """Whether this page showed the runner one-time messages ("Settings saved.", a new
    problem's red flags). Its copy on the phone would show them again whenever it
    stands in for the server, and do again what they do: the new problems' message
    makes the phone forget its answers to those routines' checks (js/start-check.js),
    so a runner's later answers were erased by the old page."""
    return bool(request_ctx.flashes)


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
