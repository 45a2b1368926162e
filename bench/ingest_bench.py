"""Item 4: sync ingest of 1,000, 10,000 and 100,000 events in batches of 500, on SQLite
and PostgreSQL, each size into a fresh database. `runpt.log.ingest.ingest()` is called
directly inside an app context (what POST /api/sync does after parsing the JSON), so the
figure is the server's own cost; the events are made before the clock starts.

Every batch is timed, so the cost per batch can be read against the number of events
already stored: the "growth" figures compare the first and last tenth of the run and fit
a straight line (ms per batch per 100,000 events stored).

    .venv/bin/python bench/ingest_bench.py --sqlite
    .venv/bin/python bench/ingest_bench.py --postgres postgresql://postgres@127.0.0.1:54331/postgres
    .venv/bin/python bench/ingest_bench.py --sqlite --http     # also over HTTP via gunicorn
    .venv/bin/python bench/ingest_bench.py --sqlite --postgres URL --http-only --repeats 3

Over HTTP (issue 27 item 3): 10,000 events and then 10,000 more through one gunicorn
worker into a fresh database, each batch timed; "second_over_first" is the second
half's time over the first's.

Wall time and this process's CPU time are both reported: the machine is shared, so CPU
time (SQLite: all the work is in this process) is the steadier figure.
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from common import (  # noqa: E402
    Runner,
    Server,
    make_events,
    random_uuid,
    running,
    time_ordered_uuid,
    write_result,
)
from process_cpu import tree_cpu_s  # noqa: E402

# How event ids are made: time-ordered (UUID version 7, what the outbox makes) or random
# (version 4, what older clients made). Random ids land all over the id index.
ID_KINDS = {"time-ordered": time_ordered_uuid, "random": random_uuid}
new_id = time_ordered_uuid

SIZES = (1000, 10000, 100000)
BATCH = 500


def fresh_database(kind: str, admin_url: str | None) -> str:
    if kind == "sqlite":
        return "sqlite:///" + tempfile.mkdtemp(prefix="runpt-ingest-") + "/runpt.sqlite3"
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:10]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


def to_sqlalchemy(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def fit_slope(xs, ys) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


def run_size(kind: str, admin_url: str | None, size: int) -> dict:
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    from sqlalchemy import func, select

    from runpt import create_app
    from runpt.auth.models import User
    from runpt.extensions import db
    from runpt.library.models import Exercise
    from runpt.log.ingest import ingest
    from runpt.log.models import Event

    url = fresh_database(kind, admin_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": to_sqlalchemy(url), "SECRET_KEY": "bench"})
    with app.app_context():
        user = User(email=f"ingest-{uuid.uuid4().hex[:8]}@example.com", password_hash="x")
        db.session.add(user)
        db.session.commit()
        slugs = list(db.session.scalars(select(Exercise.slug)))[:22]
        events = make_events(size, slugs, seed=size, new_id=new_id)
        # The bench holds every batch in memory from the start, which a server never
        # does: left to the garbage collector, its full passes over them were a 60 ms
        # batch in the middle of every run. They are kept out of its sight instead.
        gc.collect()
        gc.freeze()
        batches = [events[i : i + BATCH] for i in range(0, size, BATCH)]
        per_batch_ms, per_batch_cpu_ms = [], []
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for batch in batches:
            t, c = time.perf_counter(), time.process_time()
            results = ingest(user.id, batch)
            per_batch_ms.append((time.perf_counter() - t) * 1000)
            per_batch_cpu_ms.append((time.process_time() - c) * 1000)
            assert all(r.status == "accepted" for r in results), results[0]
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        stored = db.session.scalar(select(func.count()).select_from(Event))
        assert stored == size, stored
        # A retry of the last batch: all duplicates, same cost class.
        t = time.perf_counter()
        again = ingest(user.id, batches[-1])
        retry_ms = (time.perf_counter() - t) * 1000
        assert all(r.status == "duplicate" for r in again)
        db.session.remove()
        db.engine.dispose()
    tenth = max(1, len(batches) // 10)
    first, last = per_batch_ms[:tenth], per_batch_ms[-tenth:]
    first_cpu, last_cpu = per_batch_cpu_ms[:tenth], per_batch_cpu_ms[-tenth:]
    stored_before = [i * BATCH for i in range(len(batches))]
    row = {
        "database": kind,
        "events": size,
        "batches": len(batches),
        "events_per_s_wall": round(size / wall),
        "events_per_s_cpu": round(size / cpu),
        "batch_ms_median": round(statistics.median(per_batch_ms), 2),
        "batch_ms_first_tenth_median": round(statistics.median(first), 2),
        "batch_ms_last_tenth_median": round(statistics.median(last), 2),
        "batch_cpu_ms_first_tenth_median": round(statistics.median(first_cpu), 2),
        "batch_cpu_ms_last_tenth_median": round(statistics.median(last_cpu), 2),
        "slope_ms_per_batch_per_100k_stored": round(
            fit_slope(stored_before, per_batch_ms) * 100000, 2
        )
        if len(batches) > 2
        else None,
        "retry_of_last_batch_ms": round(retry_ms, 2),
        "per_batch_ms": [round(x, 2) for x in per_batch_ms],
    }
    print(
        f"{kind:8} {size:>7} events: {row['events_per_s_wall']:>6} ev/s wall, "
        f"{row['events_per_s_cpu']:>6} ev/s cpu; batch ms median {row['batch_ms_median']}, "
        f"first tenth {row['batch_ms_first_tenth_median']}, last tenth "
        f"{row['batch_ms_last_tenth_median']}, "
        f"slope/100k {row['slope_ms_per_batch_per_100k_stored']}"
        f", retry {row['retry_of_last_batch_ms']} ms",
        flush=True,
    )
    return row


def library_slugs() -> list[str]:
    """The exercise library's slugs, sorted as the in-process run takes them."""
    import tomllib

    from common import ROOT

    with open(ROOT / "runpt" / "data" / "exercises.toml", "rb") as file:
        return sorted(entry["slug"] for entry in tomllib.load(file)["exercise"])


def postmaster_pid(admin_url: str | None) -> int | None:
    """PostgreSQL's postmaster, whose process tree (the backends) does a sync's SQL."""
    if admin_url is None:
        return None
    import psycopg

    with psycopg.connect(admin_url) as connection:
        directory = connection.execute("SHOW data_directory").fetchone()[0]
    try:
        with open(os.path.join(directory, "postmaster.pid")) as pid_file:
            return int(pid_file.readline())
    except OSError:
        return None  # another user's cluster: its CPU is not counted


def run_http(kind: str, admin_url: str | None, size: int, workers: int) -> dict:
    """`size` events and then `size` more through gunicorn (`workers` workers, one thread
    each) and POST /api/sync, one client, into a fresh database: the issue's flatness
    is the second half's time over the first's. The request bodies are encoded before
    the clock starts (a phone sends what its outbox holds), so the figure is the server's
    and the connection's; each batch is timed from sending to the answer read."""
    import json
    import urllib.request

    url = None if kind == "sqlite" else to_sqlalchemy(fresh_database(kind, admin_url))
    server = Server(database_url=url, workers=workers, threads=1)
    with running(server):
        runner = Runner(server.url).register()
        slugs = library_slugs()[:22]
        events = make_events(2 * size, slugs, seed=7, new_id=new_id)
        bodies = [
            json.dumps({"events": events[i : i + BATCH]}).encode()
            for i in range(0, 2 * size, BATCH)
        ]
        headers = {"Content-Type": "application/json", "Origin": server.url}
        gc.collect()
        gc.freeze()
        per_batch_ms, cpu_marks = [], []
        database = postmaster_pid(admin_url)

        def server_cpu_s() -> float:
            return tree_cpu_s(server.process.pid) + (tree_cpu_s(database) if database else 0)

        for n, body in enumerate(bodies):
            if n in (0, len(bodies) // 2):
                cpu_marks.append(server_cpu_s())
            request = urllib.request.Request(server.url + "/api/sync", data=body, headers=headers)
            t = time.perf_counter()
            with runner.opener.open(request) as answer:
                status, raw = answer.status, answer.read()
            per_batch_ms.append((time.perf_counter() - t) * 1000)
            results = json.loads(raw)["results"]
            assert status == 200 and all(r["status"] == "accepted" for r in results), raw[:200]
        cpu_marks.append(server_cpu_s())
        # The last batch again: every event answered `duplicate`, nothing stored twice.
        request = urllib.request.Request(server.url + "/api/sync", data=bodies[-1], headers=headers)
        t = time.perf_counter()
        with runner.opener.open(request) as answer:
            raw = answer.read()
        retry_ms = (time.perf_counter() - t) * 1000
        assert all(r["status"] == "duplicate" for r in json.loads(raw)["results"])
    half = len(per_batch_ms) // 2
    first_ms, second_ms = sum(per_batch_ms[:half]), sum(per_batch_ms[half:])
    row = {
        "database": kind,
        "via": "HTTP POST /api/sync, " + server.describe(),
        "events": 2 * size,
        "events_per_s_wall": round(2 * size * 1000 / (first_ms + second_ms)),
        "first_half_events_per_s": round(size * 1000 / first_ms),
        "second_half_events_per_s": round(size * 1000 / second_ms),
        "second_over_first": round(second_ms / first_ms, 3),
        "second_over_first_median_batch": round(
            statistics.median(per_batch_ms[half:]) / statistics.median(per_batch_ms[:half]), 3
        ),
        "batch_ms_median": round(statistics.median(per_batch_ms), 2),
        "server_cpu_s_first_half": round(cpu_marks[1] - cpu_marks[0], 2),
        "server_cpu_s_second_half": round(cpu_marks[2] - cpu_marks[1], 2),
        "events_per_server_cpu_s": round(2 * size / (cpu_marks[2] - cpu_marks[0])),
        "cpu_counts_database": database is not None,
        "retry_of_last_batch_ms": round(retry_ms, 2),
        "loadavg": os.getloadavg(),
        "per_batch_ms": [round(x, 2) for x in per_batch_ms],
    }
    print(
        f"HTTP {kind:10} {2 * size} events: {row['events_per_s_wall']} ev/s "
        f"(first {size}: {row['first_half_events_per_s']}, then "
        f"{row['second_half_events_per_s']}); second/first {row['second_over_first']} "
        f"(median batch {row['second_over_first_median_batch']}); server CPU "
        f"{row['server_cpu_s_first_half']} + {row['server_cpu_s_second_half']} s; retry "
        f"{row['retry_of_last_batch_ms']} ms; load {row['loadavg']}",
        flush=True,
    )
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", metavar="ADMIN_URL")
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--http", action="store_true", help="over HTTP too, on each database")
    parser.add_argument("--http-only", action="store_true", help="only over HTTP")
    parser.add_argument("--http-events", type=int, default=10000, help="each half")
    parser.add_argument("--http-workers", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1, help="HTTP runs per database")
    parser.add_argument("--name", default="ingest")
    parser.add_argument("--ids", choices=sorted(ID_KINDS), default="time-ordered")
    args = parser.parse_args()
    global new_id
    new_id = ID_KINDS[args.ids]
    rows, http = [], []
    databases = [("sqlite", None)] if args.sqlite else []
    databases += [("postgresql", args.postgres)] if args.postgres else []
    for kind, admin_url in databases:
        if not args.http_only:
            rows += [run_size(kind, admin_url, n) for n in args.sizes]
        if args.http or args.http_only:
            http += [
                run_http(kind, admin_url, args.http_events, args.http_workers)
                for _ in range(args.repeats)
            ]
    print(
        "wrote",
        write_result(
            args.name,
            {
                "command": " ".join(sys.argv),
                "batch": BATCH,
                "ids": args.ids,
                "runs": rows,
                "http": http,
            },
        ),
    )


if __name__ == "__main__":
    main()
