"""Shared helpers for the benchmarks: a throwaway gunicorn server on 127.0.0.1, a
registered runner's session cookie, and the built-in routines' ids."""

import http.cookiejar
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
# Measure this checkout's runpt, not whichever one the venv's editable install points at
# (a git worktree shares the main checkout's venv).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.live_server import LiveServer, free_port  # noqa: E402,F401

CHROMIUM = os.environ.get("RUNPT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "long-enough-bench-1"
# Every client a benchmark runs (urllib, wrk, Locust) says the same: a phone keeps one
# User-Agent, and Flask-Login's session protection compares it on every request (a
# different one makes the session re-sign its cookie on every answer, as no phone would).
USER_AGENT = "runpt-bench"


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "python": sys.version.split()[0]}


class Server(LiveServer):
    """gunicorn serving bench/hello_app.py (the real app + /bench/hello), started the way
    every test and benchmark starts one (tests/live_server.py), and refused if it runs
    any runpt but this checkout's."""

    def __init__(
        self,
        database_url: str | None = None,
        workers: int = 2,
        threads: int = 1,
        worker_class: str | None = None,
        port: int | None = None,
        app: str = "hello_app:app",
    ):
        self.tmp = Path(tempfile.mkdtemp(prefix="runpt-bench-"))
        super().__init__(
            database_url or "sqlite:///" + str(self.tmp / "runpt.sqlite3"),
            self.tmp,
            port=port,
            app=app,  # a module in bench/ (gzip_app:app puts a compressing proxy in front)
            workers=workers,
            threads=threads,
            pythonpath=[BENCH],
            settings={"SECRET_KEY": "bench-secret"},
            access_log=False,  # writing a line per request would be measured too
        )
        self.worker_class = worker_class

    def describe(self) -> str:
        text = super().describe()
        return text + (f" --worker-class {self.worker_class}" if self.worker_class else "")

    def command(self) -> list[str]:
        command = super().command()
        command[-1:-1] = ["--log-level", "warning"]
        if self.worker_class:
            command[-1:-1] = ["--worker-class", self.worker_class]
        return command

    def wait_until_up(self, seconds: float = 60) -> "Server":
        super().wait_until_up(seconds)
        with urllib.request.urlopen(self.url + "/bench/source", timeout=5) as answer:
            self.source = answer.read().decode()
        if not self.source.startswith(str(ROOT)):
            self.stop()
            raise RuntimeError(f"server runs {self.source}, not this checkout's runpt")
        return self


@contextmanager
def running(server: Server):
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Runner:
    """A registered runner talking to the server with its cookies (like a phone)."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", USER_AGENT)]
        self.email = f"bench-{os.getpid()}-{time.monotonic_ns()}@example.com"

    def register(self):
        body = urllib.parse.urlencode({"email": self.email, "password": PASSWORD}).encode()
        request = urllib.request.Request(
            self.base + "/auth/register", data=body, headers={"Origin": self.base}
        )
        with self.opener.open(request) as answer:
            assert answer.status == 200, answer.status
        assert self.cookie_header(), "no session cookie after register"
        return self

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """The answer as sent: urllib does not decode a compressed body."""
        request = urllib.request.Request(self.base + path, headers=headers or {})
        with self.opener.open(request) as answer:
            return answer.status, dict(answer.headers), answer.read()

    def get_json(self, path: str):
        return json.loads(self.get(path)[2])

    def post_json(self, path: str, payload) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Origin": self.base},
        )
        with self.opener.open(request) as answer:
            return answer.status, json.loads(answer.read())

    def offline_set(self) -> dict:
        return self.get_json("/offline/urls")


def checkout() -> dict:
    """Which code was measured: this checkout's path, commit and whether it had edits."""

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "path": str(ROOT),
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", "runpt")),
    }


def write_result(name: str, payload: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": machine(),
        "checkout": checkout(),
        "loadavg_at_end": os.getloadavg(),
        **payload,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


EXERCISES_FALLBACK = ["glute-bridge", "clamshell", "calf-raise", "side-plank"]


def time_ordered_uuid(moment, rng) -> str:
    """A UUID version 7 made at `moment`, as the phone's outbox makes ids
    (runpt/static/outbox.js): 48 bits of Unix milliseconds, then random bits."""
    import uuid

    ms = int(moment.timestamp() * 1000) & ((1 << 48) - 1)
    value = (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62)
    return str(uuid.UUID(int=value | rng.getrandbits(62)))


def random_uuid(moment, rng) -> str:
    """A UUID version 4, as older clients (crypto.randomUUID()) made ids."""
    import uuid

    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def make_session_events(
    routine_ref, exercises: list[str], sets: int, start, rng, new_id=time_ordered_uuid
) -> list[dict]:
    """One realistic session as the phone makes it: started, `sets` set.logged, finished."""
    from datetime import timedelta

    session = new_id(start, rng)

    def event(kind, at, data):
        return {
            "id": new_id(at, rng),
            "type": kind,
            "at": at.isoformat(timespec="milliseconds"),
            "session": session,
            "data": data,
        }

    events = [event("session.started", start, {"routine": routine_ref})]
    for n in range(sets):
        exercise = exercises[n % len(exercises)]
        events.append(
            event(
                "set.logged",
                start + timedelta(seconds=40 * (n + 1)),
                {
                    "exercise": exercise,
                    "set": 1 + n % 3,
                    "side": rng.choice([None, "left", "right"]),
                    "reps": rng.randint(8, 15),
                    "hold_s": None,
                    "load_kg": rng.choice([None, 5, 7.5]),
                    "rpe": rng.randint(5, 8),
                    "pain": rng.randint(0, 3),
                    "note": rng.choice([None, None, "felt fine", "left hip a bit tight today"]),
                },
            )
        )
    events.append(event("session.finished", start + timedelta(seconds=40 * (sets + 1)), {}))
    return events


def make_events(
    count: int, exercises: list[str], seed: int = 1, new_id=time_ordered_uuid
) -> list[dict]:
    """`count` events in sessions of 1 start + 22 sets + 1 finish, spread over past days;
    ids as the phone makes them (`random_uuid` for older clients' ids)."""
    import random
    from datetime import datetime, timedelta, timezone

    rng = random.Random(seed)
    zone = timezone(timedelta(hours=1))
    start = datetime.now(zone) - timedelta(days=1500)
    events: list[dict] = []
    while len(events) < count:
        events += make_session_events("runners-essentials", exercises, 22, start, rng, new_id)
        start += timedelta(hours=6)
    return events[:count]
