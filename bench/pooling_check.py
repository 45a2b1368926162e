"""runpt through a connection pooler in front of PostgreSQL (e.g. PgBouncer with
`pool_mode = transaction`): does every path that matters still work? For
docs/scaling.md, not a benchmark: it counts answers and server errors, not time.

    .venv/bin/python bench/pooling_check.py --url postgresql://postgres@127.0.0.1:54352/DBNAME

The database named in `--url` must exist (made through the pooler's server). gunicorn
(`--workers 3`, sync) starts on it, so each worker runs the migrations and the library
load under runpt's advisory lock (runpt/cli.py) at start; then `--runners` runners
sign up (the login limit's transaction-scoped advisory locks, runpt/auth/ratelimit.py),
log in again, all at once, step through a routine's fragments, sync a session and pull it, several
times over, so each of psycopg's statements runs more than its prepare threshold (5)
on some server connection. Every non-2xx answer and every database error in the
server's log is reported.
"""

import argparse
import os
import random
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import PASSWORD, Runner, make_session_events, write_result  # noqa: E402
from common import Server as BenchServer  # noqa: E402

COUNTING = threading.Lock()


def attempt(counts: Counter, label: str, call) -> object:
    """Run one request; count its status (an HTTP error's code, or the exception)."""
    answer, outcome = None, "ok"
    try:
        answer = call()
    except urllib.error.HTTPError as error:
        outcome = str(error.code)
    except OSError as error:
        outcome = type(error).__name__
    with COUNTING:
        counts[f"{label} {outcome}"] += 1
    return answer


def log_in(runner: Runner) -> int:
    body = urllib.parse.urlencode({"email": runner.email, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        runner.base + "/auth/login", data=body, headers={"Origin": runner.base}
    )
    with runner.opener.open(request) as answer:
        return answer.status


def one_runner(server, counts: Counter, rounds: int, rng: random.Random) -> None:
    from datetime import UTC, datetime

    runner = attempt(counts, "sign up", lambda: Runner(server.url).register())
    if runner is None:
        return
    attempt(counts, "log in", lambda: log_in(runner))
    offline = attempt(counts, "offline manifest", runner.offline_set)
    if offline is None:
        return
    routine = offline["routines"][0]
    steps = [url for url in routine["urls"] if "/steps/" in url]
    for _ in range(rounds):
        for url in steps:
            attempt(counts, "step", lambda url=url: runner.get(url))
        now = datetime.now(UTC)
        events = make_session_events("runners-essentials", ["glute-bridge"], 30, now, rng)
        batch = {"events": events}
        attempt(counts, "sync", lambda batch=batch: runner.post_json("/api/sync", batch))
        attempt(counts, "pull", lambda: runner.get_json("/api/sessions?since=2000-01-01T00:00:00Z"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="postgresql://user@pooler:port/database")
    parser.add_argument("--runners", type=int, default=12, help="at once, one thread each")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--app", default="hello_app:app",
        help="unprepared_app:app turns psycopg's prepared statements off",
    )  # fmt: skip
    parser.add_argument("--name", default="pooling-check")
    args = parser.parse_args()

    server = BenchServer(database_url=args.url, workers=args.workers, threads=1, app=args.app)
    server.settings["LOGIN_RATE_LIMIT"] = "100000"
    counts: Counter = Counter()
    started = None
    try:
        server.spawn()
        try:
            server.wait_until_up(90)
            started = True
        except RuntimeError as error:
            started = False
            counts["server start failed"] += 1
            print(error)
        if started:
            # All at once: a pooler hands each transaction whichever server connection is
            # free, which only varies when several are busy.
            with ThreadPoolExecutor(args.runners) as pool:
                runs = [
                    pool.submit(one_runner, server, counts, args.rounds, random.Random(n))
                    for n in range(args.runners)
                ]
                for run in runs:
                    run.result()
        errors = server.errors()
        log = Path(server.log).read_text(errors="replace")
    finally:
        server.stop()
    database_errors = [line for line in log.splitlines() if "psycopg" in line or "Error" in line]
    print(dict(sorted(counts.items())))
    print(f"{len(database_errors)} error lines in the server log; first ones:")
    for line in database_errors[:8]:
        print("   ", line[:200])
    path = write_result(
        args.name,
        {
            "command": " ".join(sys.argv),
            "answers": dict(sorted(counts.items())),
            "server_log_errors": errors[:20],
            "error_lines": len(database_errors),
            "first_error_lines": database_errors[:20],
        },
    )
    print("wrote", path)


if __name__ == "__main__":
    main()
