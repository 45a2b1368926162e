"""runpt served by gunicorn in its own process, as deployed: the one way the browser
tests, the server-process tests and the benchmarks start a server.

The server runs in its own process group (master and workers), so it can be stopped
gracefully, killed at once like a crash, or paused with SIGSTOP: a paused server is a
signal that answers nothing (connections are accepted, no reply ever comes)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def group_members(group: int) -> list[int]:
    """Live (not zombie) processes in a process group, from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state not in {"Z", "X"}:
            members.append(int(stat.parent.name))
    return members


class LiveServer:
    """One gunicorn serving runpt (or a module that wraps it, e.g. a benchmark's app)."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        *,
        port: int | None = None,
        app: str = "wsgi:app",
        workers: int = 2,
        threads: int = 4,
        pythonpath: list[Path] = (),
        settings: dict | None = None,
        access_log: bool = True,
    ):
        self.database_url = database_url
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.app, self.workers, self.threads = app, workers, threads
        self.pythonpath = [ROOT, *pythonpath]
        self.settings = settings or {}
        self.log = self.workdir / f"server-{self.port}.log"
        self.access_log = self.workdir / f"access-{self.port}.log" if access_log else None
        self.process = None
        self.paused = False

    def describe(self) -> str:
        return f"gunicorn --workers {self.workers} --threads {self.threads}"

    def environment(self, release: str) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "live-server-secret",
            "AUTO_MIGRATE": "1",
            # Cheaper than production's scrypt: tests and benchmarks sign many runners in,
            # all from 127.0.0.1, far more than the login limit allows one address.
            "PASSWORD_HASH_METHOD": "scrypt:4096:8:1",
            "LOGIN_RATE_LIMIT": "1000",
            "FLASK_DEBUG": "0",
            # A different release is a new service worker, as after a deployment.
            "RELEASE": release,
            **self.settings,
        }

    def command(self) -> list[str]:
        command = [
            sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers), "--threads", str(self.threads),
            "--graceful-timeout", "1",
            # This checkout's runpt first, whichever one the venv's editable install names.
            "--pythonpath", ",".join(str(path) for path in self.pythonpath),
        ]  # fmt: skip
        if self.access_log:
            command += ["--access-logfile", str(self.access_log)]
            # The last field: whether the service worker asked for a background copy.
            command += ["--access-logformat", "%(m)s %(U)s %(s)s %(B)s %({x-runpt-offline-copy}i)s"]
        return [*command, self.app]

    def spawn(self, release: str = "") -> "LiveServer":
        with self.log.open("ab") as log:
            # Its own process group: a pause or a kill reaches the master and its workers.
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.environment(release), stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        return self

    def wait_until_up(self, seconds: float = 30) -> "LiveServer":
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"no /healthz answer within {seconds} s:\n{self.log_tail()}")

    def start(self, release: str = "") -> "LiveServer":
        return self.spawn(release).wait_until_up()

    def stop(self) -> None:
        """A graceful shutdown (SIGTERM), as a deployment stops; a kill if it hangs."""
        if self.process is None:
            return
        if self.paused:
            self.resume()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        self.process = None

    def kill(self) -> None:
        """SIGKILL master and workers at once, like a crash, and wait until they are gone."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while (left := group_members(self.process.pid)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not left, f"server processes {left} still running after SIGKILL"
        self.process, self.paused = None, False

    def pause(self) -> None:
        os.killpg(self.process.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)
        self.paused = False

    def requests_made(self) -> list[tuple[str, str, int, int, bool]]:
        """Every request the server answered so far: (method, path, status, body bytes,
        whether it was the service worker's background copy)."""
        if self.access_log is None or not self.access_log.exists():
            return []
        made = []
        for line in self.access_log.read_text().splitlines():
            method, path, status, size, copy = line.split()
            made.append((method, path, int(status), 0 if size == "-" else int(size), copy == "1"))
        return made

    def quiet_for(self, seconds: float, limit: float = 30) -> bool:
        """Wait until the server has answered nothing new for `seconds` (its access log
        stops growing): a service worker's refresh is over. False after `limit`."""
        deadline = time.monotonic() + limit
        count, since = len(self.requests_made()), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = len(self.requests_made())
            if now != count:
                count, since = now, time.monotonic()
            elif time.monotonic() - since >= seconds:
                return True
        return False

    def errors(self) -> list[str]:
        """The log's exception lines (e.g. `psycopg.errors.DeadlockDetected: ...`)."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if line.startswith(("sqlalchemy.", "psycopg."))]

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
