"""Pages to come back to after logging in: only paths on this site, never an open
redirect to another host."""

import re
from urllib.parse import urlsplit

from runpt.security.origins import is_own_origin

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
