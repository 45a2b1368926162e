"""A Host header the app can't build its own links with is answered 400."""

import re

from flask import abort, request

# A Host header: a host name (labels of letters, digits, "-" or "_", at most 63 each; an
# IPv4 address is one too) or a bracketed IPv6 address, and an optional port. Browsers
# send non-ASCII names as xn-- labels.
LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
HOST = re.compile(
    rf"(?:(?P<name>{LABEL}(?:\.{LABEL})*\.?)|\[[0-9A-Fa-f:.]{{2,45}}\])(?::(?P<port>[0-9]{{1,5}}))?"
)
MAX_HOST_NAME = 253


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
