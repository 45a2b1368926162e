"""The app's guard at the door, one module per concern:

- `origins`: unsafe methods only from the app's own origin (no expiring CSRF token);
- `hosts`: a malformed Host header answered 400;
- `bodies`: body size limits, chunked bodies included;
- `come_back`: the page to return to after logging in, never another site;
- `link_pages`: pages opened with a share link stay private and never look at who is
  signed in;
- `headers`: the security headers, and no HTTP cache keeping a runner's data;
- `sessions`: signed-cookie sessions, decoded once per distinct cookie;
- `flood`: anonymous pages that cost something, limited per address in memory, and a
  gate in front of them that refuses a flood before Flask and bounds their threads;
- `logs`: share tokens masked in the app's logs and in what access logs read.

The hooks below run them in order; the names other packages use are re-exported here.
"""

from flask import Flask

from runpt.security.bodies import accepts_bodies_up_to, read_streamed_body
from runpt.security.come_back import referring_path, site_path
from runpt.security.flood import AnonymousPageGate
from runpt.security.headers import AddSecurityHeaders, keep_personal_data_out_of_caches
from runpt.security.hosts import RefuseMalformedHosts, refuse_malformed_host
from runpt.security.link_pages import LINK_PAGES, is_link_page, keep_link_pages_private
from runpt.security.logs import MaskedCopiesForAccessLogs, mask_share_tokens_in_logs
from runpt.security.origins import refuse_cross_site
from runpt.security.sessions import CookieSessions

__all__ = [
    "LINK_PAGES",
    "accepts_bodies_up_to",
    "init_app",
    "is_link_page",
    "referring_path",
    "site_path",
]


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
    app.wsgi_app = MaskedCopiesForAccessLogs(
        RefuseMalformedHosts(
            AddSecurityHeaders(
                AnonymousPageGate(app.wsgi_app, app), bool(app.config.get("SESSION_COOKIE_SECURE"))
            )
        )
    )
    mask_share_tokens_in_logs(app)
    app.before_request(check_request)
    app.after_request(finish_response)
