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


def run_http(size: int) -> dict:
    """The same batches through gunicorn (2 workers) and POST /api/sync, one client."""
    server = Server(workers=2, threads=1)
    with running(server):
        runner = Runner(server.url).register()
        slugs = library_slugs()[:22]
        events = make_events(size, slugs, seed=7, new_id=new_id)
        t = time.perf_counter()
        for i in range(0, size, BATCH):
            status, answer = runner.post_json("/api/sync", {"events": events[i : i + BATCH]})
            assert status == 200 and answer["results"][0]["status"] == "accepted"
        wall = time.perf_counter() - t
    row = {
        "database": "sqlite",
        "via": "HTTP POST /api/sync, " + server.describe(),
        "events": size,
        "events_per_s_wall": round(size / wall),
    }
    print(row, flush=True)
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", metavar="ADMIN_URL")
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--name", default="ingest")
    parser.add_argument("--ids", choices=sorted(ID_KINDS), default="time-ordered")
    args = parser.parse_args()
    global new_id
    new_id = ID_KINDS[args.ids]
    rows = []
    if args.sqlite:
        rows += [run_size("sqlite", None, n) for n in args.sizes]
    if args.postgres:
        rows += [run_size("postgresql", args.postgres, n) for n in args.sizes]
    http = [run_http(10000)] if args.http else []
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
