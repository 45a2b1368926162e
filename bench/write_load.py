"""Issue #14 item 2: many phones syncing at once. 40 clients each send 500 events (one
`POST /api/sync` of 500 by default) at the same moment to gunicorn `--workers 2
--threads 8`, on SQLite by default or on PostgreSQL; every answer's status and time is
kept, and the database is then read to check that every event is stored exactly once.

    .venv/bin/python bench/write_load.py                          # SQLite, 3 rounds
    .venv/bin/python bench/write_load.py --postgres postgresql://postgres@127.0.0.1:54341/postgres
    .venv/bin/python bench/write_load.py --clients 20 --batch 100 --rounds 5

Each client is its own runner (registered first, not timed). A round is every client
sending its events once, all released together by a barrier; each round's events are
new. The server log's "database is locked" lines are counted too.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(__file__))
from common import Runner, Server, make_events, running, write_result  # noqa: E402

EXERCISES = ["glute-bridge", "clamshell", "single-leg-calf-raise", "side-plank", "dead-bug"]


def fresh_postgres(admin_url: str) -> str:
    import psycopg

    name = "bench_load_" + uuid.uuid4().hex[:8]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + (
        "/" + name
    )


def post_sync(port: int, cookie: str, origin: str, events: list[dict]) -> tuple[int, float, str]:
    """(status, seconds, body start) of one sync request; status 0 when no answer came."""
    body = json.dumps({"events": events}).encode()
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(
            "POST",
            "/api/sync",
            body=body,
            headers={"Content-Type": "application/json", "Cookie": cookie, "Origin": origin},
        )
        answer = connection.getresponse()
        text = answer.read()
        status = answer.status
        if status == 200:
            results = json.loads(text)["results"]
            bad = [r for r in results if r["status"] not in ("accepted", "duplicate")]
            if bad:
                return -1, time.perf_counter() - started, json.dumps(bad[0])
        return status, time.perf_counter() - started, text[:200].decode(errors="replace")
    except OSError as error:
        return 0, time.perf_counter() - started, repr(error)
    finally:
        connection.close()


def with_notes(events: list[dict], chars: int) -> list[dict]:
    """Every set's note `chars` long (the most a note may be is 1,000): bigger requests."""
    if chars:
        for event in events:
            if event["type"] == "set.logged":
                event["data"]["note"] = ("left hip tight, " * (chars // 16 + 1))[:chars]
    return events


def one_round(
    server: Server, runners: list, per_client: int, batch: int, seed: int, note_chars: int = 0
) -> dict:
    """Every client sends `per_client` new events at once; the answers, and what was sent."""
    sent = {
        n: with_notes(make_events(per_client, EXERCISES, seed=seed * 1000 + n), note_chars)
        for n in range(len(runners))
    }
    barrier = threading.Barrier(len(runners), timeout=60)

    def client(n: int) -> list[tuple[int, float, str]]:
        cookie = runners[n].cookie_header()
        events = sent[n]
        barrier.wait()
        return [
            post_sync(server.port, cookie, server.url, events[i : i + batch])
            for i in range(0, len(events), batch)
        ]

    started = time.perf_counter()
    with ThreadPoolExecutor(len(runners)) as pool:
        answers = [a for many in pool.map(client, range(len(runners))) for a in many]
    wall = time.perf_counter() - started
    return {"answers": answers, "wall_s": wall, "sent": sent}


def stored_counts(database_url: str, ids: list[str]) -> Counter:
    """How many times each sent id is stored (read straight from the database)."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.pool import NullPool

    from runpt.auth.models import User  # noqa: F401  (models in the order the app loads them)
    from runpt.log.models import Event

    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            stored = Counter(str(i) for i in connection.scalars(select(Event.id)))
    finally:
        engine.dispose()
    return Counter({i: stored.get(i, 0) for i in ids})


def summary(round_: dict, counts: Counter) -> dict:
    statuses = Counter(str(status) for status, _, _ in round_["answers"])
    seconds = sorted(s for _, s, _ in round_["answers"])
    failures = [text for status, _, text in round_["answers"] if status != 200]
    events = sum(len(e) for e in round_["sent"].values())
    return {
        "requests": len(round_["answers"]),
        "statuses": dict(statuses),
        "events": events,
        "stored_once": sum(1 for n in counts.values() if n == 1),
        "lost": sum(1 for n in counts.values() if n == 0),
        "stored_twice": sum(1 for n in counts.values() if n > 1),
        "wall_s": round(round_["wall_s"], 2),
        "events_per_s": round(events / round_["wall_s"]),
        "request_s": {
            "min": round(seconds[0], 3),
            "median": round(statistics.median(seconds), 3),
            "p95": round(seconds[int(0.95 * (len(seconds) - 1))], 3),
            "max": round(seconds[-1], 3),
        },
        "first_failures": failures[:3],
    }


def locked_lines(server: Server) -> int:
    log = server.log
    text = log.read_text(errors="replace") if log.exists() else ""
    return text.count("database is locked")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="a database is made on it")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--events", type=int, default=500, help="per client per round")
    parser.add_argument("--batch", type=int, default=500, help="events per request")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--note-chars", type=int, default=0, help="a note this long on every set")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--name", default="write-load")
    args = parser.parse_args()

    # 40 runners sign up from 127.0.0.1: more than the per-address limit on new accounts.
    os.environ.setdefault("LOGIN_RATE_LIMIT", "100000")
    database_url = fresh_postgres(args.postgres) if args.postgres else None
    server = Server(database_url=database_url, workers=args.workers, threads=args.threads)
    rounds = []
    with running(server):
        runners = [Runner(server.url).register() for _ in range(args.clients)]
        for number in range(args.rounds):
            result = one_round(
                server, runners, args.events, args.batch, number + 1, args.note_chars
            )
            ids = [e["id"] for events in result["sent"].values() for e in events]
            row = summary(result, stored_counts(server.database_url, ids))
            rounds.append(row)
            print(
                f"round {number + 1}: {row['statuses']} of {row['requests']} requests; "
                f"stored once {row['stored_once']}/{row['events']}, lost {row['lost']}, "
                f"twice {row['stored_twice']}; {row['wall_s']} s ({row['events_per_s']} ev/s); "
                f"request s median {row['request_s']['median']} p95 {row['request_s']['p95']} "
                f"max {row['request_s']['max']}",
                flush=True,
            )
            for failure in row["first_failures"]:
                print("   ", failure, flush=True)
        locked = locked_lines(server)
    print(f'server log: {locked} "database is locked" lines')
    path = write_result(
        args.name,
        {
            "command": " ".join(sys.argv),
            "database": "postgresql" if args.postgres else "sqlite",
            "server": server.describe(),
            "clients": args.clients,
            "events_per_client": args.events,
            "batch": args.batch,
            "note_chars": args.note_chars,
            "rounds": rounds,
            "database_is_locked_log_lines": locked,
        },
    )
    print("wrote", path)


if __name__ == "__main__":
    main()
