"""Anonymous pages that cost something (a routine's link page, pages opened with a share
link) are limited per address, in this process's memory: no database write for a
visitor who isn't signed in, and a flood from one address is turned away before it
costs more than a dictionary look-up.

Each limit is a token bucket: `limit` requests at once, then one more every
window/limit seconds, so a page left open and reloaded is never held up for long and
nothing stays locked for the whole window. With several app processes each keeps its own
buckets: an address gets at most `limit` per process, which bounds cost, the point here.
A bucket for everyone together bounds what a flood from many addresses can take from
runners' syncs.
(Share tokens are 256 bits: no number of guesses finds one; runpt/sharing/links.py.)
"""

import fcntl
import os
import threading
import time
import weakref
from math import ceil
from pathlib import Path
from urllib.parse import parse_qs

from flask import current_app

# Addresses remembered at most, per limit: past it, those with a full bucket again (no
# request for a while) are forgotten; they'd start full anyway.
MAX_ADDRESSES = 10_000


class PerAddress:
    """A token bucket per address: `limit` at once, refilled over `window` seconds."""

    def __init__(self, limit: int, window: float):
        self.limit, self.refill_every = limit, window / max(limit, 1)
        self.buckets: dict[str, tuple[float, float]] = {}  # address: (tokens, when)
        self.lock = threading.Lock()

    def allows(self, address: str | None, now: float | None = None) -> bool:
        """Counts one request from `address`; False when its bucket is empty."""
        now = time.monotonic() if now is None else now
        address = address or "unknown"
        with self.lock:
            tokens, when = self.buckets.get(address, (float(self.limit), now))
            tokens = min(float(self.limit), tokens + (now - when) / self.refill_every)
            allowed = tokens >= 1
            self.buckets[address] = (tokens - 1 if allowed else tokens, now)
            if len(self.buckets) > MAX_ADDRESSES:
                self.forget_the_refilled(now)
            return allowed

    def wait_for(self, address: str | None, now: float | None = None) -> float:
        """Seconds until `address` would be allowed a request (0: now), counting nothing."""
        now = time.monotonic() if now is None else now
        tokens, when = self.buckets.get(address or "unknown", (float(self.limit), now))
        missing = 1 - (tokens + (now - when) / self.refill_every)
        return max(0.0, missing * self.refill_every)

    def forget_the_refilled(self, now: float) -> None:
        full = [
            address
            for address, (tokens, when) in self.buckets.items()
            if tokens + (now - when) / self.refill_every >= self.limit
        ]
        for address in full:
            del self.buckets[address]
        if len(self.buckets) > MAX_ADDRESSES:
            self.buckets.clear()  # a flood from everywhere: start again


def limiter(name: str, setting: str, window: float, times: float = 1) -> PerAddress:
    """The app's limiter `name`: `times` the setting (as it is now: tests change it)
    requests in `window` seconds."""
    return _limiter(current_app, name, current_app.config[setting] * times, window)


# --- the gate in front of anonymous pages ------------------------------------------------

# The limits runpt/pages/sharing.py counts anonymous pages against (`count_page`), and
# what a refused request is told.
MINUTE = 60.0
# Anonymous pages all together, per process: ANONYMOUS_PAGES_PER_SECOND, and bursts of
# this many seconds' worth.
BURST_SECONDS = 2.0
RETRY_BUSY_S = 2
TOO_MANY = "Too many pages opened from this address. Wait a minute and try again."
BUSY = "Many people are opening pages right now. Try again in a few seconds."
REFUSED_HEADERS = (
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Cache-Control", "no-store"),
)
ROUTINE_LINK_PAGE = "/routines/open"
SHARE_LINK_PAGES = "/shared/"


def page_limits(app) -> tuple[PerAddress, PerAddress]:
    """The per-address and the everyone-together limits of anonymous pages, from the
    app's settings as they are now (tests change them)."""
    config = app.config
    per_address = _limiter(app, "pages", config["PAGE_RATE_LIMIT"], MINUTE)
    everyone_limit = config["ANONYMOUS_PAGES_PER_SECOND"] * BURST_SECONDS
    return per_address, _limiter(app, "all anonymous pages", everyone_limit, BURST_SECONDS)


def _limiter(app, name: str, limit: float, window: float) -> PerAddress:
    limit = max(1, round(limit))
    limiters = app.extensions.setdefault("runpt.per_address", {})
    key = (name, limit, window)
    if key not in limiters:
        limiters[key] = PerAddress(limit, window)
    return limiters[key]


def is_anonymous_page(environ) -> bool:
    """A page anyone can open that costs something: one opened with a share link, and a
    routine's link page (`/routines/open?r=...`, or a routine file sent to it)."""
    path = environ.get("PATH_INFO", "")
    if path.startswith(SHARE_LINK_PAGES):
        return True
    if path != ROUTINE_LINK_PAGE:
        return False
    if environ.get("REQUEST_METHOD") == "POST":
        return True
    # Without `r` it is the form to open a file: nothing drawn, nothing read.
    return "r" in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)


class AnonymousPageGate:
    """WSGI middleware in front of the app: at most ANONYMOUS_PAGES_AT_ONCE anonymous
    pages are made at once by the whole server (`Turns`), and a request that the limits
    would refuse anyway is refused here, before Flask, the session, the database or a
    template: a flood of them from many addresses then costs what the cheapest answer
    costs, and leaves the server's threads and cores to runners' syncs
    (docs/security.md). The limits are counted where the page is served
    (runpt/pages/sharing.py); this only looks."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app
        self.turns = Turns(Path(app.instance_path) / "anonymous-page-turns")

    def __call__(self, environ, start_response):
        if not is_anonymous_page(environ):
            return self.wsgi_app(environ, start_response)
        per_address, everyone = page_limits(self.app)
        if wait := per_address.wait_for(environ.get("REMOTE_ADDR")):
            return refuse(start_response, "429 Too Many Requests", TOO_MANY, ceil(wait))
        if everyone.wait_for("everyone"):
            return refuse(start_response, "503 Service Unavailable", BUSY, RETRY_BUSY_S)
        turn = self.turns.take(self.app.config["ANONYMOUS_PAGES_AT_ONCE"])
        if turn is None:
            return refuse(start_response, "503 Service Unavailable", BUSY, RETRY_BUSY_S)
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            # Given back whatever happened in the page, an error included. The page is
            # made by now: runpt answers whole bodies, none streamed after this returns.
            self.turns.give_back(turn)


def refuse(start_response, status: str, message: str, retry_after: int) -> list[bytes]:
    start_response(status, [*REFUSED_HEADERS, ("Retry-After", str(retry_after))])
    return [message.encode()]


class Turns:
    """At most `count` anonymous pages made at once by the whole server, every worker
    process together (gunicorn's workers are processes: counted in each, five workers
    would make five times as many at once). Turn n is a lock file in `directory`, held
    with a non-blocking `flock` on this process's own open of it, which no other process
    can hold meanwhile; within the process a turn is one thread's at a time. The kernel
    lets go of a turn if its process dies. Taking one is a few system calls; nothing
    waits. Without the directory (not writable), turns are counted in this process."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.lock = threading.Lock()
        self.files: dict[int, int] = {}  # turn: this process's descriptor of its file
        self.held: set[int] = set()
        # Closed with this object (an app made and dropped, as tests do), not left open.
        weakref.finalize(self, close_all, self.files)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self.shared = True
        except OSError:
            self.shared = False

    def take(self, count: int) -> int | None:
        """A free turn's number, now held, or None when all `count` are taken."""
        with self.lock:
            for turn in range(count):
                if turn not in self.held and self._lock_file(turn):
                    self.held.add(turn)
                    return turn
        return None

    def give_back(self, turn: int) -> None:
        with self.lock:
            self.held.discard(turn)
            if turn in self.files:
                fcntl.flock(self.files[turn], fcntl.LOCK_UN)

    def _lock_file(self, turn: int) -> bool:
        if not self.shared:
            return True
        try:
            if turn not in self.files:
                path = self.directory / f"turn-{turn}"
                self.files[turn] = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fcntl.flock(self.files[turn], fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False  # another process's
        except OSError:
            return True  # no file to share it by: counted in this process only


def close_all(descriptors: dict[int, int]) -> None:
    for descriptor in descriptors.values():
        os.close(descriptor)
