"""Issue 19 item 5: capacity under realistic load. How many simulated runners one core
holds at p99 < 250 ms with no errors, and the server's CPU time per runner-session,
against gunicorn on PostgreSQL.

    .venv/bin/pip install locust      # bench only, not a runpt dependency
    .venv/bin/python bench/capacity.py --postgres postgresql://postgres@127.0.0.1:54351/postgres
    .venv/bin/python bench/capacity.py --postgres ... --ladder 40,80,120 --measure 45 --refresh

gunicorn (`--workers`, default 2 x cores + 1, sync workers) serves this checkout's
runpt on a fresh database made on that PostgreSQL server (dropped at the end). Locust
runs headless as a subprocess with bench/locust/locustfile.py: simulated phones that
sign up, fetch the offline set once, then run sessions back to back (every step
fragment with think time, ~30 events synced in one batch, a pull of
/api/sessions?since=). Its `Ladder` adds phones step by step (`--ladder`) and measures
each step for `--measure` s once every phone holds its offline set; the first step that
misses p99 < `--p99-ms` or has an error ends the climb.

The load generator shares this machine. By default (two cores or more) gunicorn and
PostgreSQL are pinned to one core (`--server-cpus 1`: the postmaster and every backend,
which inherit it) and Locust to another (`--locust-cpus 0`), so the figure is what one
core of app *and* database holds, and Locust's own CPU and each core's busy share
(other people's jobs included) are recorded at every step. `--server-cpus ''` pins
nothing. Writes bench/results/<--name>.json (load average included).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import BENCH, Runner, Server, write_result  # noqa: E402
from process_cpu import pin, tree_cpu_s  # noqa: E402

LOCUSTFILE = BENCH / "locust" / "locustfile.py"
DEFAULT_LADDER = "20,40,60,80,100,120,140,160,200,240"


class PinnedServer(Server):
    """bench/common.Server started under `taskset`, so the master and every worker it
    forks (a restarted one too) run on the given cores only."""

    def __init__(self, cpus: str, **kwargs):
        super().__init__(**kwargs)
        self.cpus = cpus

    def command(self) -> list[str]:
        command = super().command()
        return ["taskset", "-c", self.cpus, *command] if self.cpus else command


def fresh_database(admin_url: str) -> tuple[str, str]:
    """(database name, SQLAlchemy URL) of a new database on the admin URL's server."""
    import psycopg

    name = "bench_capacity_" + uuid.uuid4().hex[:8]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return name, f"{base}/{name}"


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def postgres_facts(admin_url: str) -> dict:
    """The postmaster's pid (from its data directory: needs to run as root or postgres)
    and the settings that matter for a write-heavy load."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:

        def show(setting: str) -> str:
            return connection.execute(f"SHOW {setting}").fetchone()[0]

        facts = {
            setting: show(setting)
            for setting in ("server_version", "max_connections", "fsync", "synchronous_commit")
        }
        data_directory = show("data_directory")
    facts["postmaster_pid"] = int(Path(data_directory, "postmaster.pid").read_text().split()[0])
    return facts


def locust_command(args, server: Server, postgres_pid: int, out: Path) -> list[str]:
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--host", server.url, "--ladder", args.ladder, "--think", str(args.think),
        "--ladder-spawn-rate", str(args.spawn_rate), "--settle", str(args.settle),
        "--measure", str(args.measure), "--p99-ms", str(args.p99_ms),
        "--ladder-out", str(out), "--server-pid", str(server.process.pid),
        "--postgres-pid", str(postgres_pid), "--loglevel", "WARNING", "--only-summary",
    ]  # fmt: skip
    if args.refresh:
        command.append("--refresh")
    if args.keep_going:
        command.append("--keep-going")
    return ["taskset", "-c", args.locust_cpus, *command] if args.locust_cpus else command


def run_ladder(args, server: Server, postgres_pid: int, workdir: Path) -> list[dict]:
    """Locust's ladder against the running server; every step's figures."""
    out, log = workdir / "ladder.json", workdir / "locust.log"
    steps = len(args.ladder.split(","))
    users = max(int(n) for n in args.ladder.split(","))
    # Each step: the new phones' sign-ups and offline sets, settling, measuring.
    budget = users / args.spawn_rate + steps * (args.settle + args.measure + 60) + 120
    with log.open("w") as output:
        subprocess.run(
            locust_command(args, server, postgres_pid, out),
            stdout=output, stderr=subprocess.STDOUT, timeout=budget, check=False,
        )  # fmt: skip
    print(log.read_text()[-6000:], flush=True)
    if not out.exists():
        raise RuntimeError(f"Locust wrote no figures; see {log}")
    steps = json.loads(out.read_text())["steps"]
    shutil.rmtree(workdir)
    return steps


def first_contact_cost(server: Server, postgres_pid: int, phones: int) -> dict:
    """CPU time of a phone's first contact, one phone after another on a quiet server:
    sign-up (then the home page) and the whole offline set, four units to a request.
    Every phone pays it once, and again for every new release (a new release is a new
    version of every unit)."""
    app0, pg0 = tree_cpu_s(server.process.pid), tree_cpu_s(postgres_pid)
    started = time.perf_counter()
    for _ in range(phones):
        runner = Runner(server.url).register()
        manifest = runner.offline_set()
        wanted = [f"routine={r['id']}" for r in manifest["routines"]] + ["library=1", "pages=1"]
        for i in range(0, len(wanted), 4):
            runner.get(f"{manifest['units']}?{'&'.join(wanted[i : i + 4])}")
    app, pg = tree_cpu_s(server.process.pid) - app0, tree_cpu_s(postgres_pid) - pg0
    return {
        "phones": phones,
        "wall_s_per_phone": round((time.perf_counter() - started) / phones, 3),
        "server_cpu_s_per_phone": round(app / phones, 3),
        "postgres_cpu_s_per_phone": round(pg / phones, 3),
    }


def highest_held(steps: list[dict], key: str) -> dict | None:
    """The last step that held (by `key`) before the first that did not."""
    held = None
    for step in steps:
        if not step[key]:
            break
        held = step
    return held


def verdict(steps: list[dict], server_cores: int, think: float) -> dict:
    """The highest step held before the first miss, per core, and the CPU per session."""
    held = highest_held(steps, "held")
    on_steps = highest_held(steps, "held_on_steps")
    if held is None:
        return {
            "held_users": 0,
            "held_users_judged_on_step_fragments": on_steps["users"] if on_steps else 0,
            "note": "the first step already missed the target",
        }
    per_session = held["server_cpu_s_per_session"] + held["postgres_cpu_s_per_session"]
    return {
        "held_users": held["users"],
        "held_users_per_core": round(held["users"] / server_cores, 1),
        # p99 of the step fragments alone: what a runner waits for between two sets.
        "held_users_judged_on_step_fragments": on_steps["users"] if on_steps else 0,
        # One simulated phone asks for what 1/think real runners mid-session ask for.
        "real_runners_in_session_per_core": round(held["users"] / server_cores / think),
        "p99_ms_at_held": held["p99_ms"],
        "server_cpu_s_per_session": held["server_cpu_s_per_session"],
        "postgres_cpu_s_per_session": held["postgres_cpu_s_per_session"],
        "cpu_s_per_session": round(per_session, 4),
        # What the pinned core did at that step: ours, and everyone's (other jobs).
        "app_and_postgres_cores_at_held": round(held["server_cores"] + held["postgres_cores"], 3),
        "cpu_busy_at_held": held["cpu_busy"],
        "first_missed": next((s["users"] for s in steps if not s["held"]), None),
    }


def print_summary(steps: list[dict], result: dict, cores: int) -> None:
    header = (
        "phones", "p50", "p95", "p99", "step p99", "fail", "req/s", "sessions", "app s/sess",
        "pg s/sess", "app+pg cores", "core busy", "locust", "load",
    )  # fmt: skip
    print("\n" + " | ".join(header))
    for s in steps:
        step_p99 = s["by_request"].get("/session/[id]/steps/[n]", {}).get("p99_ms")
        row = (
            s["users"], s["p50_ms"], s["p95_ms"], s["p99_ms"], step_p99, s["failures"],
            s["requests_per_s"], s["sessions"], s["server_cpu_s_per_session"],
            s["postgres_cpu_s_per_session"], round(s["server_cores"] + s["postgres_cores"], 2),
            s["cpu_busy"], s["locust_cores"], round(s["loadavg"][0], 1),
        )  # fmt: skip
        verdict = "held" if s["held"] else "held on steps" if s["held_on_steps"] else "MISSED"
        print(" | ".join(str(value) for value in row), "|", verdict)
    print(f"\nheld: {result} (server on {cores} core(s))", flush=True)


def main():
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="ADMIN_URL", required=True)
    parser.add_argument("--workers", type=int, default=2 * cores + 1)
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers")
    parser.add_argument("--ladder", default=DEFAULT_LADDER, help="phones at each step")
    parser.add_argument("--think", type=float, default=0.02, help="see the locustfile")
    parser.add_argument("--spawn-rate", type=float, default=4, help="new phones per second")
    parser.add_argument("--settle", type=float, default=10)
    parser.add_argument("--measure", type=float, default=60)
    parser.add_argument("--p99-ms", type=float, default=250)
    parser.add_argument("--refresh", action="store_true", help="see the locustfile")
    parser.add_argument("--keep-going", action="store_true")
    parser.add_argument("--first", type=int, default=10, help="phones timed one by one first")
    parser.add_argument("--server-cpus", default="1" if cores >= 2 else "")
    parser.add_argument("--locust-cpus", default="0" if cores >= 2 else "")
    parser.add_argument("--name", default="capacity")
    args = parser.parse_args()

    started = time.time()
    database, url = fresh_database(args.postgres)
    postgres = postgres_facts(args.postgres)
    server_cpus = {int(c) for c in args.server_cpus.split(",")} if args.server_cpus else None
    if server_cpus:
        # Backends forked from now on inherit the postmaster's affinity.
        pin(postgres["postmaster_pid"], server_cpus)
    server = PinnedServer(args.server_cpus, database_url=url, workers=args.workers,
                          threads=args.threads)  # fmt: skip
    # Every phone signs up from 127.0.0.1: far past the per-address limit on new accounts.
    server.settings["LOGIN_RATE_LIMIT"] = "1000000"
    workdir = Path(tempfile.mkdtemp(prefix="runpt-capacity-"))
    try:
        server.start()
        try:
            first_contact = first_contact_cost(server, postgres["postmaster_pid"], args.first)
            print("first contact:", first_contact, flush=True)
            steps = run_ladder(args, server, postgres["postmaster_pid"], workdir)
            server_errors = server.errors()
        finally:
            server.stop()
    finally:
        if server_cpus:
            pin(postgres["postmaster_pid"], set(range(cores)))
        drop_database(args.postgres, database)
    server_cores = len(server_cpus) if server_cpus else cores
    result = verdict(steps, server_cores, args.think)
    print_summary(steps, result, server_cores)
    path = write_result(
        args.name,
        {
            "command": " ".join(sys.argv),
            "server": server.describe(),
            "server_cpus": args.server_cpus or "all",
            "locust_cpus": args.locust_cpus or "all",
            "server_cores": server_cores,
            "postgres": postgres,
            "think": args.think,
            "refresh": args.refresh,
            "p99_target_ms": args.p99_ms,
            "measure_s": args.measure,
            "result": result,
            "first_contact": first_contact,
            "steps": steps,
            "server_log_errors": server_errors[:10],
            "elapsed_s": round(time.time() - started),
        },
    )
    print("wrote", path)


if __name__ == "__main__":
    main()
