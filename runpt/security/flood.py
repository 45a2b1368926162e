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

import threading
import time

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
    limit = max(1, round(current_app.config[setting] * times))
    limiters = current_app.extensions.setdefault("runpt.per_address", {})
    key = (name, limit, window)
    if key not in limiters:
        limiters[key] = PerAddress(limit, window)
    return limiters[key]
