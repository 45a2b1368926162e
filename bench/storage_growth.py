"""What years of history cost on disk in PostgreSQL: bytes per event in the event table
and each of its indexes, and per session in session_summary, for docs/scaling.md.

    .venv/bin/python bench/storage_growth.py --postgres postgresql://postgres@127.0.0.1:54351/postgres
    .venv/bin/python bench/storage_growth.py --postgres ... --runners 40 --sessions 150

`--runners` runners each get `--sessions` sessions of "Runner's essentials" (33 events:
started, 31 sets, finished; the built-in routines have 24-35 steps), stored through
`ingest()` in batches of 500 as `POST /api/sync` would, then every runner's session
summaries are built (what the first history read does). After `VACUUM ANALYZE` the
sizes come from `pg_relation_size` (heap, TOAST, each index). A fresh database is made
on that server and dropped at the end.
"""

import argparse
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(__file__))
from common import make_session_events, write_result  # noqa: E402

SETS_PER_SESSION = 31  # Runner's essentials: 31 steps, one set.logged each
BATCH = 500


def fresh_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = "bench_storage_" + uuid.uuid4().hex[:8]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def history_of(sessions: int, exercises: list[str], rng: random.Random) -> list[dict]:
    """A runner's sessions, 2-3 a week back from now (so the latest are recent)."""
    start = datetime.now(UTC) - timedelta(days=sessions * 7 / 2.5)
    events = []
    for _ in range(sessions):
        events += make_session_events("runners-essentials", exercises, SETS_PER_SESSION, start, rng)
        start += timedelta(days=rng.choice([2, 3, 3]), minutes=rng.randint(-90, 90))
    return events


def median_ms(call, times: int = 7) -> float:
    import statistics

    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(spent), 2)


def reads_that_grow(user, before_last) -> dict[str, float]:
    """Median ms of the reads whose work grows with one runner's years of history, for
    the last runner loaded, after ANALYZE (warm: each read run 7 times). `before_last`
    is a moment just before that runner's latest session was synced."""
    from sqlalchemy import text

    from runpt.extensions import db
    from runpt.log.sessions import sessions_of
    from runpt.log.summaries import stale_sessions
    from runpt.pwa.offline_set import latest_logs

    # Fresh statistics, as autovacuum keeps them: without them the planner may loop.
    db.session.execute(text("ANALYZE event"))
    db.session.commit()
    return {
        # GET /sessions (50 listed, all derived; also in the offline "pages" unit), and
        # GET /api/sessions without since (a new device)
        "sessions_of(user): every event of the runner": median_ms(lambda: sessions_of(user)),
        # GET /api/sessions?since= after a sync: the latest session only
        "sessions_of(user, since): the latest session": median_ms(
            lambda: sessions_of(user, before_last)
        ),
        # GET /offline/urls, at every opening of the app
        "latest_logs(user): the offline manifest's versions": median_ms(lambda: latest_logs(user)),
        # every history page: event counts per session against the summaries
        "stale_sessions(user.id): every history read": median_ms(lambda: stale_sessions(user.id)),
    }


def load(runners: int, sessions: int) -> dict:
    """Every runner's history stored through ingest() and summarised; counts and time."""
    from sqlalchemy import select

    from runpt.auth.models import User
    from runpt.extensions import db
    from runpt.library.models import Exercise
    from runpt.log.ingest import ingest
    from runpt.log.summaries import current_summaries
    from runpt.timestamps import utcnow

    exercises = list(db.session.scalars(select(Exercise.slug).order_by(Exercise.slug)))[:22]
    rng, stored, started = random.Random(19), 0, time.perf_counter()
    for number in range(runners):
        user = User(email=f"storage-{number}-{uuid.uuid4().hex[:6]}@example.com", password_hash="x")
        db.session.add(user)
        db.session.commit()
        events = history_of(sessions, exercises, rng)
        # The latest session goes in a sync of its own, as it would: after the others.
        latest = SETS_PER_SESSION + 2
        earlier = events[:-latest]
        batches = [earlier[i : i + BATCH] for i in range(0, len(earlier), BATCH)]
        for batch in [*batches, events[-latest:]]:
            before_last = utcnow()
            results = ingest(user.id, batch)
            assert all(r.status == "accepted" for r in results), results[0]
        stored += len(events)
        assert len(current_summaries(user)) == sessions
    load_s = round(time.perf_counter() - started, 1)
    return {"events": stored, "load_s": load_s, "reads_ms": reads_that_grow(user, before_last)}


SIZES = """
SELECT c.relname, c.relkind, pg_relation_size(c.oid),
       coalesce(pg_relation_size(c.reltoastrelid), 0)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')
  AND (c.relname IN ('event', 'session_summary') OR c.relname LIKE 'ix_event%'
       OR c.relname LIKE 'ix_session_summary%' OR c.relname LIKE '%_pkey')
"""


def sizes(url: str) -> dict[str, int]:
    """{relation: bytes} of the event and session_summary tables and their indexes,
    after VACUUM ANALYZE (what autovacuum does to a table left alone)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE event")
        connection.execute("VACUUM ANALYZE session_summary")
        rows = connection.execute(SIZES).fetchall()
    found = {}
    for name, kind, heap, toast in rows:
        if kind == "r":
            found[name] = heap
            found[f"{name} (TOAST)"] = toast
        elif name.startswith(("ix_event", "event_", "ix_session_summary", "session_summary_")):
            found[name] = heap
    return found


def per_row(found: dict[str, int], events: int, sessions: int) -> dict[str, float]:
    """Bytes per event for the event table's relations, per session for the summary's."""
    return {
        name: round(
            size / (sessions if name.startswith(("session_summary", "ix_session")) else events), 1
        )
        for name, size in sorted(found.items())
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", metavar="ADMIN_URL", required=True)
    parser.add_argument("--runners", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=150, help="per runner (~1 year)")
    parser.add_argument("--name", default="storage")
    args = parser.parse_args()

    from runpt import create_app
    from runpt.extensions import db

    name, url = fresh_database(args.postgres)
    try:
        sqlalchemy_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url, "SECRET_KEY": "bench"})
        with app.app_context():
            loaded = load(args.runners, args.sessions)
            db.session.remove()
            db.engine.dispose()
        found = sizes(url)
    finally:
        drop_database(args.postgres, name)
    sessions = args.runners * args.sessions
    event_bytes = sum(
        v for k, v in found.items() if not k.startswith(("session_summary", "ix_session"))
    )
    summary_bytes = sum(
        v for k, v in found.items() if k.startswith(("session_summary", "ix_session"))
    )
    result = {
        **loaded,
        "runners": args.runners,
        "sessions": sessions,
        "bytes": found,
        "bytes_per_row": per_row(found, loaded["events"], sessions),
        "event_bytes_per_event_all_indexes": round(event_bytes / loaded["events"], 1),
        "summary_bytes_per_session": round(summary_bytes / sessions, 1),
    }
    for read, ms in loaded["reads_ms"].items():
        print(f"{read:55} {ms:>8} ms (a runner with {args.sessions} sessions)")
    for relation, value in result["bytes_per_row"].items():
        print(f"{relation:40} {found[relation]:>12,} B  {value:>8} B/row")
    print(
        f"event table + indexes: {result['event_bytes_per_event_all_indexes']} B per event; "
        f"session_summary + index: {result['summary_bytes_per_session']} B per session "
        f"({loaded['events']:,} events, {sessions:,} sessions, loaded in {loaded['load_s']} s)"
    )
    print("wrote", write_result(args.name, {"command": " ".join(sys.argv), **result}))


if __name__ == "__main__":
    main()
