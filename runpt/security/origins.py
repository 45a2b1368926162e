"""Same-origin checks for unsafe methods.

Cross-site request forgery is refused by where a request comes from rather than by an
expiring token: browsers send `Sec-Fetch-Site` (and `Origin`) on every unsafe request,
so a sync replayed days after the page was loaded still works, while a form posted
from another site does not. SameSite=Lax cookies are the second lock on the door.
"""

from urllib.parse import urlsplit

from flask import jsonify, request

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
DEFAULT_PORTS = {"http": 80, "https": 443}


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
