"""Simulated phones running sessions against runpt: the Locust scenario behind
bench/capacity.py (issue 19, item 5).

One Locust user is one runner's phone:

- **Once** (`on_start`): sign up (`POST /auth/register`, which answers with the session
  cookie), then fetch the offline set as the service worker does: the manifest
  `GET /offline/urls`, then the units it lists, four to a request
  (`GET /offline/units?routine=..&library=1&pages=1`, `UNITS_PER_REQUEST` in
  runpt/static/sw-offline-set.js).
- **Each task is one runner-session** of a built-in routine picked at random: every
  step fragment in turn (`GET /session/<id>/steps/<n>` with htmx's `HX-Request`), the
  runner "doing the set" between two steps; then the session's events in one batch
  (`POST /api/sync`: `session.started`, one `set.logged` per step, `session.finished`;
  26-37 events, as the built-in routines have 24-35 steps), then
  `GET /api/sessions?since=<last server_time>` as another device of the runner pulls.
  With `--refresh`, also what the service worker does at the next opening of the app:
  the manifest again and every unit whose version moved (the session's logs move the
  version of each routine sharing an exercise with it, and of the runner's pages).

**Think time.** A real session is ~25 minutes for ~30 steps, ~50 s a step (the set, a
hold, the rest between sets). `--think` scales every wait: the default 0.02 makes a
25-minute session last ~30 s, so one simulated phone asks for about what 50 real
runners in the middle of a session ask for (1/think). There is no pause of days
between sessions: every simulated phone is always in a session, the busy hour.

Run it alone (`-u 50 -r 2 -t 2m`, or Locust's web UI), or with `--ladder 20,40,80`:
then `Ladder` below adds users step by step and, at each step, once every phone has
signed up and holds its offline set, resets Locust's statistics, measures for
`--measure` seconds and writes the step's figures (p50/p95/p99, failures, sessions
completed, and the CPU time of the server, of PostgreSQL and of Locust itself, from
/proc) to `--ladder-out`. bench/capacity.py starts the server and reads that file.
"""

import json
import os
import random
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import gevent
from locust import LoadTestShape, events, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from process_cpu import busy_s_per_cpu, tree_cpu_s  # noqa: E402  (bench/, beside this folder)

PASSWORD = "long-enough-bench-1"
UNITS_PER_REQUEST = 4  # as the service worker asks (sw-offline-set.js)
REAL_SESSION_S = 25 * 60  # a session of a built-in routine, by the app's own estimate
REAL_BETWEEN_SESSIONS_S = 20  # opening the app and tapping Start, not the days between
PULL_OVERLAP = timedelta(seconds=5)  # docs/sync-protocol.md: pull with a small overlap
# The runner's clock: events carry their UTC offset (days count in the runner's time).
RUNNER_ZONE = timezone(timedelta(hours=1))
# A real phone asks as Chromium does; the app then sends gzip (runpt/compression.py).
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
STEP_TAG = re.compile(r'<article class="step" id="step"[^>]*>')
ATTRIBUTE = re.compile(r'data-([a-z-]+)="([^"]*)"')
ROUTINE_REFERENCE = re.compile(r'data-routine="([^"]+)"')
STEP_NAME = "/session/[id]/steps/[n]"  # every step fragment under one name in the statistics


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument(
        "--think", type=float, default=0.02,
        help="scale of the runner's real waits (1 = a 25-minute session; 0.02 = 30 s)",
    )  # fmt: skip
    parser.add_argument(
        "--refresh", action="store_true",
        help="after each session, refetch the offline units whose version moved, as the "
        "service worker does at the next opening of the app",
    )  # fmt: skip
    parser.add_argument("--ladder", default="", help="user counts, e.g. 20,40,80 (see Ladder)")
    parser.add_argument("--ladder-spawn-rate", type=float, default=2.0, help="new phones/s")
    parser.add_argument("--settle", type=float, default=10, help="s before each measurement")
    parser.add_argument("--measure", type=float, default=60, help="s measured at each step")
    parser.add_argument("--p99-ms", type=float, default=250, help="a step holds below this")
    parser.add_argument("--keep-going", action="store_true", help="climb past a failed step")
    parser.add_argument("--ladder-out", default="", help="JSON file for the ladder's figures")
    parser.add_argument("--server-pid", type=int, default=0, help="gunicorn's master, for CPU")
    parser.add_argument("--postgres-pid", type=int, default=0, help="the postmaster, for CPU")


@dataclass
class Progress:
    """Shared by every phone in this Locust process (one process: no workers)."""

    ready: int = 0  # phones signed up and holding their offline set
    sessions: int = 0  # runner-sessions completed: synced and pulled
    events: int = 0  # events accepted by the server


PROGRESS = Progress()


@dataclass(frozen=True)
class StepLog:
    """What the phone logs for one step, read from the step fragment's data attributes."""

    exercise: str
    set_no: int
    side: str | None
    level: int
    hold_s: int | None


@dataclass
class Routine:
    id: int
    reference: str  # a built-in routine's slug, as session.started names it
    step_urls: list[str]
    steps: list[StepLog]
    planned_sets: int | None


@dataclass
class PhoneState:
    routines: list[Routine] = field(default_factory=list)
    held: dict[tuple, str] = field(default_factory=dict)  # unit -> version on the phone
    since: datetime | None = None  # the last pull's server_time


def step_log(fragment: str) -> StepLog:
    tag = STEP_TAG.search(fragment)
    if tag is None:
        raise ValueError("no step in fragment: " + fragment[:120])
    data = dict(ATTRIBUTE.findall(tag.group(0)))
    return StepLog(
        exercise=data["exercise"],
        set_no=int(data["set"]),
        side=data["side"] or None,
        level=int(data["level"]),
        hold_s=int(data["hold"]) if data["hold"] else None,
    )


def routine_from_unit(unit: dict, entry: dict) -> Routine:
    """A routine as the phone keeps it: its unit (pages and every step) and its entry
    in the manifest (the step URLs)."""
    player = next(page for path, page in unit["pages"].items() if path.startswith("/session/"))
    return Routine(
        id=unit["id"],
        reference=ROUTINE_REFERENCE.search(player).group(1),
        step_urls=[url for url in entry["urls"] if "/steps/" in url],
        steps=[step_log(fragment) for fragment in unit["steps"]],
        planned_sets=unit.get("strength_steps"),
    )


def unit_key(unit: dict) -> tuple:
    return (unit["kind"], unit.get("id"))


def manifest_versions(manifest: dict) -> dict[tuple, str]:
    """{unit: version} for every unit the manifest lists."""
    versions = {("routine", r["id"]): r["version"] for r in manifest["routines"]}
    versions[("library", None)] = manifest["library"]["version"]
    versions[("pages", None)] = manifest["pages"]["version"]
    return versions


def units_query(batch: list[tuple]) -> str:
    return "&".join(f"routine={key}" if kind == "routine" else f"{kind}=1" for kind, key in batch)


def event(kind: str, session: str, data: dict) -> dict:
    """An event as the phone makes it: a new lower-case UUID at the moment of the action."""
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "at": datetime.now(RUNNER_ZONE).isoformat(timespec="milliseconds"),
        "session": session,
        "data": data,
    }


def set_logged(session: str, step: StepLog) -> dict:
    """A set as a runner logs it: reps or the hold done, effort, a little pain at most."""
    return event(
        "set.logged",
        session,
        {
            "exercise": step.exercise,
            "set": step.set_no,
            "side": step.side,
            "reps": None if step.hold_s else random.randint(8, 15),
            "hold_s": step.hold_s,
            "load_kg": random.choice([None, None, None, 5, 7.5]),
            "rpe": random.randint(4, 8),
            "pain": random.choice([0, 0, 1, 1, 2, 3]),
            "note": random.choice([None] * 9 + ["left hip a bit tight today"]),
            "level": step.level,
        },
    )


class Phone(FastHttpUser):
    """One runner's phone: signs up, keeps the offline set, runs sessions back to back."""

    def wait_time(self) -> float:
        return random.uniform(0.5, 1.5) * REAL_BETWEEN_SESSIONS_S * self.think

    def on_start(self):
        self.think = self.environment.parsed_options.think
        self.phone = PhoneState()
        try:
            self.sign_up()
            self.fetch_offline_set()
        finally:
            # Counted even when it failed (the failure is in the statistics), so the
            # ladder never waits for a phone that will never be ready.
            PROGRESS.ready += 1

    # --- once per phone ---------------------------------------------------------------

    def sign_up(self):
        form = {"email": f"phone-{uuid.uuid4().hex}@example.com", "password": PASSWORD}
        # A browser then follows the redirect to the home page: that is counted here too.
        with self.client.post(
            "/auth/register", data=form, headers=self.unsafe(), catch_response=True,
            name="/auth/register (then /)",
        ) as answer:  # fmt: skip
            if answer.status_code != 200 or "session" not in self.cookie_names():
                answer.failure(f"sign-up: {answer.status_code}, no session cookie")

    def fetch_offline_set(self):
        manifest = self.get_json("/offline/urls", "/offline/urls")
        if manifest is None:
            return
        entries = {entry["id"]: entry for entry in manifest["routines"]}
        everything = list(manifest_versions(manifest))
        self.fetch_units(manifest, everything, entries, "/offline/units?[all]")

    def fetch_units(self, manifest: dict, wanted: list[tuple], entries: dict, name: str):
        """The units wanted, four to a request; each one kept in the manifest's version."""
        versions = manifest_versions(manifest)
        for start in range(0, len(wanted), UNITS_PER_REQUEST):
            batch = wanted[start : start + UNITS_PER_REQUEST]
            path = f"{manifest['units']}?{units_query(batch)}"
            answer = self.get_json(path, name, offline_copy=True)
            for unit in (answer or {}).get("units", []):
                key = unit_key(unit)
                self.phone.held[key] = versions.get(key, unit["version"])
                if unit["kind"] == "routine":
                    self.keep_routine(routine_from_unit(unit, entries[unit["id"]]))

    def keep_routine(self, routine: Routine):
        self.phone.routines = [r for r in self.phone.routines if r.id != routine.id]
        self.phone.routines.append(routine)

    # --- a runner-session -------------------------------------------------------------

    @task
    def run_session(self):
        if not self.phone.routines:
            gevent.sleep(1)  # sign-up or the offline set failed: already counted
            return
        routine = random.choice(self.phone.routines)
        session = str(uuid.uuid4())
        started = {"routine": routine.reference, "planned_sets": routine.planned_sets}
        logs = [event("session.started", session, started)]
        step_s = REAL_SESSION_S / len(routine.step_urls)
        for url, step in zip(routine.step_urls, routine.steps, strict=True):
            self.fetch_step(url)
            # The runner does the set (and rests) before tapping Log set.
            gevent.sleep(random.uniform(0.5, 1.5) * step_s * self.think)
            logs.append(set_logged(session, step))
        logs.append(event("session.finished", session, {}))
        if self.sync(logs) and self.pull(session):
            PROGRESS.sessions += 1
        if self.environment.parsed_options.refresh:
            self.refresh_offline_set()

    def fetch_step(self, url: str):
        headers = {"HX-Request": "true", "Accept-Encoding": ACCEPT_ENCODING}
        with self.client.get(url, headers=headers, name=STEP_NAME, catch_response=True) as answer:
            if answer.status_code != 200 or 'id="step"' not in (answer.text or ""):
                answer.failure(f"step: {answer.status_code}")

    def sync(self, logs: list[dict]) -> bool:
        """The session's events in one batch; every one must be accepted."""
        with self.client.post(
            "/api/sync", json={"events": logs}, headers=self.unsafe(), catch_response=True,
            name="/api/sync",
        ) as answer:  # fmt: skip
            if answer.status_code != 200:
                answer.failure(f"sync: {answer.status_code}")
                return False
            results = answer.json()["results"]
            refused = [r for r in results if r["status"] != "accepted"]
            if refused or len(results) != len(logs):
                answer.failure(f"sync: {len(refused)} not accepted, e.g. {refused[:1]}")
                return False
        PROGRESS.events += len(logs)
        return True

    def pull(self, session: str) -> bool:
        """What another device of the runner does: the sessions changed since its last
        pull (a few seconds of overlap), which must include the one just synced."""
        since = self.phone.since or datetime.now(UTC) - timedelta(hours=1)
        path = "/api/sessions?since=" + quote((since - PULL_OVERLAP).isoformat())
        with self.client.get(path, name="/api/sessions?since=[t]", catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"pull: {answer.status_code}")
                return False
            body = answer.json()
            if session not in {s["id"] for s in body["sessions"]}:
                answer.failure("pull: the session just synced is missing")
                return False
        self.phone.since = datetime.fromisoformat(body["server_time"])
        return True

    def refresh_offline_set(self):
        """The service worker at the next opening: the manifest, then every unit whose
        version moved since the phone fetched it."""
        manifest = self.get_json("/offline/urls", "/offline/urls (again)")
        if manifest is None:
            return
        versions = manifest_versions(manifest)
        moved = [key for key, version in versions.items() if self.phone.held.get(key) != version]
        entries = {entry["id"]: entry for entry in manifest["routines"]}
        self.fetch_units(manifest, moved, entries, "/offline/units?[moved]")

    # --- plumbing -----------------------------------------------------------------------

    def cookie_names(self) -> set[str]:
        return {cookie.name for cookie in self.client.cookiejar}

    def unsafe(self) -> dict:
        """Unsafe requests are accepted only from the app's own origin (runpt/security.py)."""
        return {"Origin": self.host, "Accept-Encoding": ACCEPT_ENCODING}

    def get_json(self, path: str, name: str, offline_copy: bool = False) -> dict | None:
        headers = {"Accept-Encoding": ACCEPT_ENCODING}
        if offline_copy:
            headers["X-Runpt-Offline-Copy"] = "1"  # as the service worker marks its copies
        with self.client.get(path, headers=headers, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{name}: {answer.status_code}")
                return None
            try:
                return answer.json()
            except ValueError:
                answer.failure(f"{name}: not JSON")
                return None


# --- the ladder -----------------------------------------------------------------------------


@dataclass
class Reading:
    """Counters at one moment, to take differences over a measured window."""

    at: float
    sessions: int
    events: int
    server_cpu_s: float
    postgres_cpu_s: float
    locust_cpu_s: float
    exceptions: int
    busy_s: dict[int, float]

    @classmethod
    def now(cls, options, runner) -> "Reading":
        own = os.times()
        return cls(
            at=time.monotonic(),
            sessions=PROGRESS.sessions,
            events=PROGRESS.events,
            server_cpu_s=tree_cpu_s(options.server_pid) if options.server_pid else 0.0,
            postgres_cpu_s=tree_cpu_s(options.postgres_pid) if options.postgres_pid else 0.0,
            locust_cpu_s=own.user + own.system,
            exceptions=sum(e["count"] for e in runner.exceptions.values()),
            busy_s=busy_s_per_cpu(),
        )


def percentiles(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50_ms": entry.get_response_time_percentile(0.50),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "max_ms": round(entry.max_response_time or 0),
    }


def window_figures(users: int, start: Reading, end: Reading, runner, options) -> dict:
    """One step of the ladder: latency and failures over the window, and the CPU time
    of the server, of PostgreSQL and of Locust per second and per runner-session."""
    seconds = end.at - start.at
    sessions = end.sessions - start.sessions
    total = runner.stats.total
    server = end.server_cpu_s - start.server_cpu_s
    postgres = end.postgres_cpu_s - start.postgres_cpu_s
    figures = {
        "users": users,
        "seconds": round(seconds, 1),
        "sessions": sessions,
        "events_accepted": end.events - start.events,
        "requests_per_s": round(total.num_requests / seconds, 1),
        **percentiles(total),
        "exceptions": end.exceptions - start.exceptions,
        "by_request": {
            name: percentiles(entry) for (name, _), entry in runner.stats.entries.items()
        },
        "errors": [
            {"name": e.name, "error": str(e.error), "count": e.occurrences}
            for e in runner.stats.errors.values()
        ][:5],
        "server_cpu_s": round(server, 2),
        "postgres_cpu_s": round(postgres, 2),
        "locust_cpu_s": round(end.locust_cpu_s - start.locust_cpu_s, 2),
        # Cores busy on average: 1.0 is one core flat out.
        "server_cores": round(server / seconds, 3),
        "postgres_cores": round(postgres / seconds, 3),
        "locust_cores": round((end.locust_cpu_s - start.locust_cpu_s) / seconds, 3),
        "server_cpu_s_per_session": round(server / sessions, 4) if sessions else None,
        "postgres_cpu_s_per_session": round(postgres / sessions, 4) if sessions else None,
        # Each core's busy share, whoever ran: on the server's pinned core, what gunicorn
        # and PostgreSQL did not use was other people's work.
        "cpu_busy": {
            cpu: round((end.busy_s[cpu] - start.busy_s[cpu]) / seconds, 3) for cpu in end.busy_s
        },
        "loadavg": os.getloadavg(),
    }
    clean = bool(sessions and figures["failures"] == 0 and figures["exceptions"] == 0)
    figures["held"] = clean and figures["p99_ms"] < options.p99_ms
    # The step fragment alone: what the runner waits for between two sets. Sync, pull
    # and the service worker's refetches run in the background (outbox first).
    steps = figures["by_request"].get(STEP_NAME, {})
    figures["held_on_steps"] = clean and steps.get("p99_ms", 0) < options.p99_ms
    return figures


class Ladder(LoadTestShape):
    """Adds phones step by step (`--ladder`); measures each step once every phone is
    ready (signed up, offline set held) and `--settle` seconds have passed, so sign-ups
    and first offline sets are never in a measured window. Stops after the first step
    that misses p99 < `--p99-ms` with no errors (unless `--keep-going`).

    Without `--ladder`, Locust's own -u, -r and -t apply."""

    use_common_options = True

    def __init__(self):
        super().__init__()
        self.index, self.phase, self.since = 0, "ramp", time.monotonic()
        self.start: Reading | None = None
        self.steps: list[dict] = []

    def tick(self):
        options = self.runner.environment.parsed_options
        if not options.ladder:
            if options.run_time and self.get_run_time() > options.run_time:
                return None
            return options.num_users, options.spawn_rate
        ladder = [int(users) for users in options.ladder.split(",")]
        users, now = ladder[self.index], time.monotonic()
        if self.phase == "ramp" and self.runner.user_count >= users and PROGRESS.ready >= users:
            self.phase, self.since = "settle", now
        elif self.phase == "settle" and now - self.since >= options.settle:
            self.runner.stats.reset_all()
            self.start = Reading.now(options, self.runner)
            self.phase, self.since = "measure", now
        elif self.phase == "measure" and now - self.since >= options.measure:
            end = Reading.now(options, self.runner)
            step = window_figures(users, self.start, end, self.runner, options)
            self.record(step, options)
            if (not step["held"] and not options.keep_going) or self.index + 1 == len(ladder):
                return None
            self.index, self.phase = self.index + 1, "ramp"
            users = ladder[self.index]
        return users, options.ladder_spawn_rate

    def record(self, step: dict, options):
        self.steps.append(step)
        print(
            f"ladder: {step['users']:4} phones  p50 {step['p50_ms']} p95 {step['p95_ms']} "
            f"p99 {step['p99_ms']} ms  failures {step['failures']}  {step['requests_per_s']} "
            f"req/s  {step['sessions']} sessions  server {step['server_cores']} + postgres "
            f"{step['postgres_cores']} cores, locust {step['locust_cores']}  "
            f"load {step['loadavg'][0]:.1f}  {'held' if step['held'] else 'NOT held'}",
            flush=True,
        )
        if options.ladder_out:
            Path(options.ladder_out).write_text(json.dumps({"steps": self.steps}, indent=2))
