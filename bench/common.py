"""Shared helpers for the benchmarks: a throwaway gunicorn server on 127.0.0.1, a
registered runner's session cookie, and the built-in routines' ids."""

import http.cookiejar
import json
import os
import signal
import socket
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


class Server:
    """gunicorn serving bench/hello_app.py (the real app + /bench/hello)."""

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
        self.database_url = database_url or "sqlite:///" + str(self.tmp / "runpt.sqlite3")
        self.workers, self.threads, self.worker_class = workers, threads, worker_class
        self.app = app  # a module in bench/ (gzip_app:app puts a compressing proxy in front)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def describe(self) -> str:
        text = f"gunicorn --workers {self.workers} --threads {self.threads}"
        if self.worker_class:
            text += f" --worker-class {self.worker_class}"
        return text

    def start(self):
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "bench-secret",
            "AUTO_MIGRATE": "1",
            "FLASK_DEBUG": "0",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            # The checkout's own runpt first, not whichever one the venv has installed
            # (an editable install may point at another worktree).
            "--pythonpath",
            f"{ROOT},{BENCH}",
            "--graceful-timeout",
            "2",
            "--log-level",
            "warning",
            "--chdir",
            str(self.tmp),
        ]
        if self.worker_class:
            command += ["--worker-class", self.worker_class]
        command.append(self.app)
        self.log = (self.tmp / "server.log").open("ab")
        self.process = subprocess.Popen(
            command, cwd=self.tmp, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {self.tmp / 'server.log'}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        with urllib.request.urlopen(self.url + "/bench/source", timeout=5) as answer:
            self.source = answer.read().decode()
        if not self.source.startswith(str(ROOT)):
            raise RuntimeError(f"server runs {self.source}, not this checkout's runpt")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


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


def make_session_events(routine_ref, exercises: list[str], sets: int, start, rng) -> list[dict]:
    """One realistic session as the phone makes it: started, `sets` set.logged, finished."""
    import uuid
    from datetime import timedelta

    session = str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def event(kind, at, data):
        return {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
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


def make_events(count: int, exercises: list[str], seed: int = 1) -> list[dict]:
    """`count` events in sessions of 1 start + 22 sets + 1 finish, spread over past days."""
    import random
    from datetime import datetime, timedelta, timezone

    rng = random.Random(seed)
    zone = timezone(timedelta(hours=1))
    start = datetime.now(zone) - timedelta(days=1500)
    events: list[dict] = []
    while len(events) < count:
        events += make_session_events("runners-essentials", exercises, 22, start, rng)
        start += timedelta(hours=6)
    return events[:count]
