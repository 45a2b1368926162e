"""Item 5: where the time goes in the step fragment and in sync ingest, in-process
(Flask test client / direct ingest() call, SQLite), profiled with pyinstrument.

    .venv/bin/pip install pyinstrument     # profiling only, not a project dependency
    .venv/bin/python bench/profile_hotpaths.py [--requests 1000] [--events 20000]

Hello and the step fragment are requested with `Accept-Encoding: gzip` (as a browser
asks), taking turns so both see the same background load; wall and CPU time per request.
Writes bench/results/profile-step.txt, profile-ingest.txt (pyinstrument text trees)
and profile.json (per-request / per-event times without the profiler).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import PASSWORD, RESULTS, make_events, write_result  # noqa: E402


def build_app(database_url: str | None):
    os.environ["DATABASE_URL"] = database_url or (
        "sqlite:///" + tempfile.mkdtemp(prefix="runpt-prof-") + "/runpt.sqlite3"
    )
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    import hello_app

    return hello_app.app


def summary(wall: list[float], cpu: list[float]) -> dict:
    wall, cpu = sorted(wall), sorted(cpu)
    return {
        "n": len(wall),
        "median_ms": round(statistics.median(wall), 3),
        "p90_ms": round(wall[int(0.9 * len(wall))], 3),
        "min_ms": round(wall[0], 3),
        "cpu_median_ms": round(statistics.median(cpu), 3),
    }


def timed_alternately(functions: dict, n: int) -> dict:
    """Each function n times, taking turns, so all see the same background load on a
    shared machine; wall time and this process's CPU time per call."""
    wall = {name: [] for name in functions}
    cpu = {name: [] for name in functions}
    for _ in range(n):
        for name, fn in functions.items():
            t, c = time.perf_counter(), time.process_time()
            fn()
            cpu[name].append((time.process_time() - c) * 1000)
            wall[name].append((time.perf_counter() - t) * 1000)
    figures = {name: summary(wall[name], cpu[name]) for name in functions}
    hello, step = figures["hello"], figures["step"]
    figures["ratio"] = {
        "median": round(hello["median_ms"] / step["median_ms"], 3),
        "min": round(hello["min_ms"] / step["min_ms"], 3),
        "cpu_median": round(hello["cpu_median_ms"] / step["cpu_median_ms"], 3),
    }
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--accept-encoding", default="gzip", help="'' sends none")
    parser.add_argument("--name", default="profile")
    args = parser.parse_args()
    from pyinstrument import Profiler

    app = build_app(args.database_url)
    from sqlalchemy import select

    from runpt.auth.models import User
    from runpt.extensions import db
    from runpt.log.ingest import ingest
    from runpt.routines.models import Routine

    client = app.test_client()
    email = f"prof-{time.monotonic_ns()}@example.com"
    assert (
        client.post("/auth/register", data={"email": email, "password": PASSWORD}).status_code
        == 302
    )
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        routine_id = db.session.scalar(
            select(Routine.id).where(Routine.slug == "runners-essentials")
        )
        from runpt.library.models import Exercise

        slugs = list(db.session.scalars(select(Exercise.slug)))
    history = make_events(20 * 24, slugs[:22], seed=2)
    with app.app_context():
        for i in range(0, len(history), 500):
            ingest(user_id, history[i : i + 500])
    steps = len(client.get("/offline/urls").get_json()["routines"][0]["urls"]) - 2
    counter = iter(range(10**9))
    # As a browser asks: the step fragment is compressed (the CPU cost counts), hello is
    # too short to be.
    headers = {"Accept-Encoding": args.accept_encoding} if args.accept_encoding else {}

    def one_step():
        response = client.get(
            f"/session/{routine_id}/steps/{next(counter) % steps}", headers=headers
        )
        assert response.status_code == 200

    def hello():
        assert client.get("/bench/hello", headers=headers).status_code == 200

    for _ in range(50):
        one_step(), hello()
    figures = timed_alternately({"hello": hello, "step": one_step}, args.requests)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.requests):
        one_step()
    profiler.stop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}-step.txt").write_text(
        profiler.output_text(unicode=False, color=False, show_all=False)
    )
    (RESULTS / f"{args.name}-step.html").write_text(profiler.output_html())

    events = make_events(args.events, slugs[:22], seed=5)
    batches = [events[i : i + 500] for i in range(0, len(events), 500)]
    half = len(batches) // 2
    with app.app_context():
        t = time.perf_counter()
        for batch in batches[:half]:
            ingest(user_id, batch)
        plain = time.perf_counter() - t
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for batch in batches[half:]:
            ingest(user_id, batch)
        profiler.stop()
    figures["ingest_unprofiled"] = {"events": half * 500, "events_per_s": round(half * 500 / plain)}
    (RESULTS / f"{args.name}-ingest.txt").write_text(
        profiler.output_text(unicode=False, color=False, show_all=False)
    )
    (RESULTS / f"{args.name}-ingest.html").write_text(profiler.output_html())
    print(figures)
    write_result(
        args.name,
        {
            "command": " ".join(sys.argv),
            "runpt": sys.modules["runpt"].__file__,
            "accept_encoding": args.accept_encoding,
            "figures": figures,
        },
    )


if __name__ == "__main__":
    main()
