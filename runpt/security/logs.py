"""Share tokens kept out of logs.

A share link's token is in its path (`/shared/<token>/...`) and, for the pages a physio
moves between, in the Referer. Whoever reads a log must not be able to open a runner's
report with it, so the app's own logging (the development server's request lines, error
messages) masks tokens, and every request carries masked copies of its path and Referer
for a server's access log: gunicorn's `%({runpt.logged_path}e)s` and
`%({runpt.logged_referer}e)s` (the format in the README).
"""

import logging
import re

# A token, after /shared/: up to the next /, ?, space or quote.
SHARE_TOKEN = re.compile(r"(/shared/)[^/?#\s\"']+")
MASK = r"\1[link]"
LOGGED_PATH = "runpt.logged_path"
LOGGED_REFERER = "runpt.logged_referer"


def masked(text: str) -> str:
    """`text` with every share token replaced by "[link]"."""
    return SHARE_TOKEN.sub(MASK, text) if "/shared/" in text else text


class MaskShareTokens(logging.Filter):
    """On a logger: a record that mentions a share link is written with it masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = masked(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


class MaskedCopiesForAccessLogs:
    """WSGI middleware, outermost: the path (with its query) and Referer, masked, put
    into the request's own environ, which a server's access log reads after the answer
    (gunicorn: `%({runpt.logged_path}e)s`)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
        if "RAW_URI" not in environ and environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        environ[LOGGED_PATH] = masked(path)
        environ[LOGGED_REFERER] = masked(environ.get("HTTP_REFERER", "-"))
        return self.wsgi_app(environ, start_response)


def mask_share_tokens_in_logs(app) -> None:
    """The app's logger and the development server's request log mask share tokens."""
    for logger in (app.logger, logging.getLogger("werkzeug")):
        if not any(isinstance(f, MaskShareTokens) for f in logger.filters):
            logger.addFilter(MaskShareTokens())
