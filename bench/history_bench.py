"""Issue #6 item 8: the history and progress pages with three years of data.

A runner with ~3 years of sessions (400 sessions, 2-3 a week, local times in Europe/Berlin
with its summer time and a yearly trip to New York; ~15,000 set.logged events over the
warm-up, strength and cool-down exercises of the built-in routines, with reps or hold
seconds, a side for one-sided work, RPE, pain, sometimes load and a note; a
session.started and session.finished per session; next-morning answers after about a
third of them), and a second runner with the same amount in the same tables. Everything
goes in through `runpt.log.ingest.ingest()` in batches of 500, the real path.

Then the server renders each page for the first runner: in-process with the Flask test
client (signed in), and with --gunicorn also over HTTP through gunicorn. Per page:

- cold: the first request after the runner's session summaries were deleted (what the
  first request after the migration that added them does: every summary built from
  events), templates already compiled (the other runner's pages were rendered first);
- warm: --requests requests per page, pages taken in turn so the box's load spreads
  evenly; median, p95 and max (and, in-process, this process's CPU time, the steadier
  figure on a shared box).

    .venv/bin/python bench/history_bench.py                       # SQLite in a temp dir
    .venv/bin/python bench/history_bench.py --gunicorn \\
        --postgres postgresql://postgres@127.0.0.1:54330/bench_dev

With --browser, the time the page takes in the phone's browser, not the server's: a
headless Chromium at 390x844 (--cpu-slowdown N slows its tab down N times through the
DevTools protocol; 4 stands in for a mid-range phone) signs the runner in over gunicorn,
lets the service worker keep the offline set (these pages are in it), then the server is
stopped and each page is opened --browser-repeats times in a new tab, from the worker's
copy (and, where the pain and progress pages link to older sessions, those pages too).
Timed in the page from navigation start: the response from the worker, the first
contentful paint, DOMContentLoaded (the page's modules have run) and `rendered`, the
first animation frame after both. With --same-tab, one tab goes from page to page, as a
runner taps through the open app, instead of a new tab (a cold start of the app) each time.

    .venv/bin/python bench/history_bench.py --browser --cpu-slowdown 4 --requests 10
    .venv/bin/python bench/history_bench.py --browser --same-tab --cpu-slowdown 4

With --postgres the script makes its own database (CREATE DATABASE bench_history_<hex>)
on that server and drops it at the end. Writes bench/results/<--name>.json.
"""

import argparse
import html
import os
import random
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from common import PASSWORD, Runner, Server, running, write_result  # noqa: E402

BATCH = 500
HOME = ZoneInfo("Europe/Berlin")
TRIP = ZoneInfo("America/New_York")
NOTES = [
    "felt fine",
    "left hip a bit tight today",
    "knee ok after the long run",
    "slept badly, took it easy",
    "calves sore from hills",
    "ça va mieux",
    "used the blue band",
    "10 min late, short rests",
]
# Exercises with a ladder the runner climbs when reps top out (runpt/data/progression.toml).
LADDERS = {"glute-bridge", "double-leg-calf-raise", "side-plank", "clamshell", "dead-bug"}
LOADED = {"double-leg-calf-raise", "single-leg-calf-raise", "eccentric-heel-drop", "glute-bridge"}


# --- the data -----------------------------------------------------------------------


def builtin_routines() -> dict[str, list[dict]]:
    """{routine slug: [step]} with each step's exercise and dose, from the database."""
    from sqlalchemy import select

    from runpt.extensions import db
    from runpt.routines.models import Routine

    routines = {}
    for routine in db.session.scalars(select(Routine).where(Routine.owner_id.is_(None))):
        routines[routine.slug] = [
            {
                "exercise": step.exercise.slug,
                "phase": step.exercise.phase,
                "sets": step.dose.sets,
                "reps": step.dose.reps,
                "hold_s": step.dose.hold_s,
                "per_side": step.dose.per_side,
            }
            for step in routine.steps
        ]
    return routines


def session_starts(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """`count` local start times, 2-3 a week (a missed or single week now and then),
    walking back from this week; a 10-day trip abroad each year."""
    starts: list[datetime] = []
    today = now.astimezone(HOME).date()
    monday = today - timedelta(days=today.weekday())
    week = 0
    while len(starts) < count:
        how_many = rng.choices([0, 1, 2, 3], weights=[3, 9, 40, 48])[0]
        days = sorted(rng.sample([0, 1, 2, 3, 4, 5, 6], how_many))
        for day in days:
            date = monday - timedelta(weeks=week) + timedelta(days=day)
            zone = TRIP if (date.month, date.day // 10) == (6, 1) else HOME
            if rng.random() < 0.6:
                hour, minute = rng.choice([6, 6, 7]), rng.randrange(0, 60)
            else:
                hour, minute = rng.choice([18, 19, 20]), rng.randrange(0, 60)
            start = datetime(date.year, date.month, date.day, hour, minute, tzinfo=zone)
            if start < now - timedelta(hours=2):
                starts.append(start)
        week += 1
    return sorted(starts)[-count:]


def routine_for(rng: random.Random, index: int, total: int) -> str:
    """A knee-pain first year, then mostly the essentials, some hip and Achilles care."""
    if index < total // 3:
        return rng.choices(["knee-pain-relief", "runners-essentials"], weights=[70, 30])[0]
    return rng.choices(
        ["runners-essentials", "hip-strain-relief", "achilles-care", "lower-back-relief"],
        weights=[60, 20, 12, 8],
    )[0]


def plan_sessions(rng, routines, count: int, target_sets: int, now) -> list[dict]:
    """Each session's routine and steps (with sets); extra sets on strength steps until
    the runner's set.logged count reaches about `target_sets`."""
    plans = []
    for index, start in enumerate(session_starts(rng, count, now)):
        slug = routine_for(rng, index, count)
        steps = [dict(step) for step in routines[slug]]
        plans.append({"start": start, "routine": slug, "steps": steps})

    def set_events(step):
        return step["sets"] * (2 if step["per_side"] else 1)

    total = sum(set_events(s) for p in plans for s in p["steps"])
    strength = [(p, s) for p in plans for s in p["steps"] if s["phase"] == "strength"]
    while total < target_sets:
        # Later sessions are likelier to have grown a set (progression adds sets first).
        plan, step = strength[int(len(strength) * rng.random() ** 0.6)]
        if step["sets"] < 5:
            step["sets"] += 1
            total += 2 if step["per_side"] else 1
    return plans


def runner_events(rng: random.Random, routines, count: int, target_sets: int, now) -> list[dict]:
    """Every event of one runner, in the order their phone made them."""
    plans = plan_sessions(rng, routines, count, target_sets, now)
    state: dict[str, dict] = {}  # per exercise: current reps / hold and ladder level
    left_factor = rng.uniform(0.85, 1.0)  # this runner's weaker left side
    flare_ups = {rng.randrange(count) for _ in range(6)}
    events: list[dict] = []

    def uid():
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    for index, plan in enumerate(plans):
        session, moment = uid(), plan["start"]

        def add(kind, at, data, session=session):
            events.append(
                {
                    "id": uid(),
                    "type": kind,
                    "at": at.isoformat(timespec="milliseconds"),
                    "session": session,
                    "data": data,
                }
            )

        add("session.started", moment, {"routine": plan["routine"]})
        sore = any(abs(index - f) < 5 for f in flare_ups)
        late = index > count // 2
        for step in plan["steps"]:
            slug = step["exercise"]
            now_at = state.setdefault(
                slug, {"reps": step["reps"], "hold_s": step["hold_s"], "level": 0}
            )
            if step["phase"] == "strength" and rng.random() < 0.12:
                if now_at["reps"] is not None:
                    now_at["reps"] += 2
                    if now_at["reps"] > 15 and slug in LADDERS and now_at["level"] < 3:
                        now_at["level"] += 1
                        now_at["reps"] = step["reps"]
                    now_at["reps"] = min(now_at["reps"], 15)
                else:
                    now_at["hold_s"] = min(now_at["hold_s"] + 5, 60)
            load = (
                rng.choice([5, 7.5, 10]) if slug in LOADED and late and rng.random() < 0.3 else None
            )
            for number in range(1, step["sets"] + 1):
                for side in ("left", "right") if step["per_side"] else (None,):
                    factor = left_factor if side == "left" else 1.0
                    tired = rng.choice([0, 0, 0, 1, 2]) if number > 1 else 0
                    reps = hold = None
                    if now_at["reps"] is not None:
                        reps = max(1, round(now_at["reps"] * factor) - tired)
                    else:
                        hold = max(5, round(now_at["hold_s"] * factor) - 5 * tired)
                    work = (reps or 0) * 4 + (hold or 0)
                    moment += timedelta(seconds=work + rng.randint(15, 60))
                    pain = (
                        None
                        if rng.random() < 0.04
                        else rng.choice([2, 3, 3, 4, 5, 6])
                        if sore
                        else rng.choice([0, 0, 0, 1, 1, 2, 3])
                    )
                    add(
                        "set.logged",
                        moment,
                        {
                            "exercise": slug,
                            "set": number,
                            "side": side,
                            "reps": reps,
                            "hold_s": hold,
                            "load_kg": load,
                            "rpe": rng.randint(5, 8),
                            "pain": pain,
                            "note": rng.choice(NOTES) if rng.random() < 0.02 else None,
                            "level": now_at["level"] if slug in LADDERS else 0,
                        },
                    )
        moment += timedelta(seconds=rng.randint(30, 120))
        add("session.finished", moment, {})
        if rng.random() < 0.35:
            morning = (plan["start"] + timedelta(days=1)).replace(hour=7, minute=30)
            if morning < now:
                feel = rng.choices(["better", "same", "worse"], weights=[30, 55, 15])[0]
                add("morning.checked", morning, {"feel": feel})
    return events


# --- the app ------------------------------------------------------------------------


def fresh_database(kind: str, admin_url: str | None) -> tuple[str, str | None]:
    """(SQLAlchemy URL, name of a PostgreSQL database to drop afterwards)."""
    if kind == "sqlite":
        return "sqlite:///" + tempfile.mkdtemp(prefix="runpt-history-") + "/runpt.sqlite3", None
    import psycopg

    name = "bench_history_" + uuid.uuid4().hex[:10]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    base = admin_url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
    return base.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name, name


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "max_ms": round(ordered[-1], 2),
        "min_ms": round(ordered[0], 2),
    }


def run_database(kind: str, admin_url: str | None, args) -> dict:
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    from sqlalchemy import delete, func, select

    from runpt import create_app
    from runpt.auth.models import User
    from runpt.extensions import db
    from runpt.log.ingest import ingest
    from runpt.log.models import Event, SessionSummary

    url, pg_name = fresh_database(kind, admin_url)
    instance = tempfile.mkdtemp(prefix="runpt-history-instance-")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret", "INSTANCE_PATH": instance}
    )
    result: dict = {"database": kind}
    try:
        clients, ids = [], []
        for who in ("runner", "other"):
            client = app.test_client()
            email = f"history-{who}-{uuid.uuid4().hex[:8]}@example.com"
            answer = client.post("/auth/register", data={"email": email, "password": PASSWORD})
            assert answer.status_code == 302, answer.status_code
            clients.append(client)
            with app.app_context():
                ids.append(db.session.scalar(select(User.id).where(User.email == email)))
        runner, other = clients
        now = datetime.now(UTC)
        with app.app_context():
            routines = builtin_routines()
        made = time.perf_counter()
        histories = [
            runner_events(random.Random(seed), routines, args.sessions, args.sets, now)
            for seed in (8, 9)
        ]
        made = time.perf_counter() - made
        # The two runners' phones sync in turns, so their rows are interleaved.
        batches = []
        for user_id, events in zip(ids, histories, strict=True):
            batches.append([(user_id, events[i : i + BATCH]) for i in range(0, len(events), BATCH)])
        order = [b for pair in zip(*batches, strict=False) for b in pair]
        order += batches[0][len(batches[1]) :] + batches[1][len(batches[0]) :]
        t = time.perf_counter()
        with app.app_context():
            for user_id, batch in order:
                answers = ingest(user_id, batch)
                assert all(a.status == "accepted" for a in answers), answers[:3]
            counts = {
                event_type: n
                for event_type, n in db.session.execute(
                    select(Event.type, func.count())
                    .where(Event.user_id == ids[0])
                    .group_by(Event.type)
                )
            }
            total_rows = db.session.scalar(select(func.count()).select_from(Event))
            db.session.commit()
            if kind == "postgresql":
                # What autovacuum has long done to a table three years old: statistics
                # and the visibility map (index-only scans). Done here so it doesn't
                # happen in the middle of the timing instead.
                with db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                ) as connection:
                    connection.exec_driver_sql("VACUUM ANALYZE")
        result["data"] = {
            "runner_events_by_type": counts,
            "sessions": args.sessions,
            "first_session": histories[0][0]["at"],
            "last_session": max(e["at"] for e in histories[0] if e["type"] == "session.started"),
            "event_rows_in_table": total_rows,
            "ingest_s": round(time.perf_counter() - t, 2),
            "made_in_s": round(made, 2),
        }
        logged = Counter(e["data"]["exercise"] for e in histories[0] if e["type"] == "set.logged")
        slug = logged.most_common(1)[0][0]
        last_session = histories[0][-1]["session"]
        result["data"]["progress_exercise"] = {"slug": slug, "sets": logged[slug]}
        pages = {
            "home": "/",
            "history": "/history/",
            "history_all": "/history/?all=1",
            "progress_list": "/history/progress",
            "progress_exercise": f"/history/progress/{slug}",
            "pain": "/history/pain",
            "report": "/history/report",
            "session": f"/history/sessions/{last_session}",
        }
        print(kind, result["data"], flush=True)

        def wipe_summaries(user_id):
            with app.app_context():
                db.session.execute(delete(SessionSummary).where(SessionSummary.user_id == user_id))
                db.session.commit()

        def timed_get(client, path) -> tuple[float, float, int]:
            wall, cpu = time.perf_counter(), time.process_time()
            answer = client.get(path)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            assert answer.status_code == 200, (path, answer.status_code)
            return wall * 1000, cpu * 1000, len(answer.get_data())

        pages.update(older_sessions_pages(runner, pages))
        # The other runner's pages first: templates compiled, its summaries built (the
        # first of these is the cold "after the migration" figure for a whole runner).
        wall, cpu, _ = timed_get(other, "/history/")
        result["other_runner_first_history_ms"] = round(wall, 1)
        for path in pages.values():
            if "/sessions/" not in path:
                timed_get(other, path)
        cold = {}
        for name, path in pages.items():
            wipe_summaries(ids[0])
            wall, cpu, size = timed_get(runner, path)
            cold[name] = {"wall_ms": round(wall, 1), "cpu_ms": round(cpu, 1), "bytes": size}
        walls = {name: [] for name in pages}
        cpus = {name: [] for name in pages}
        for _ in range(3):
            for path in pages.values():
                timed_get(runner, path)
        for _ in range(args.requests):
            for name, path in pages.items():
                wall, cpu, _ = timed_get(runner, path)
                walls[name].append(wall)
                cpus[name].append(cpu)
        with app.app_context():
            summaries = db.session.scalar(
                select(func.count())
                .select_from(SessionSummary)
                .where(SessionSummary.user_id == ids[0])
            )
        assert summaries == args.sessions, summaries
        result["in_process"] = {
            name: {
                "path": path,
                "cold": cold[name],
                "warm": stats(walls[name]),
                "warm_cpu_median_ms": round(statistics.median(cpus[name]), 2),
            }
            for name, path in pages.items()
        }
        for name, figures in result["in_process"].items():
            warm = figures["warm"]
            print(
                f"  {kind} {name:18} cold {figures['cold']['wall_ms']:7.1f} ms  warm median "
                f"{warm['median_ms']:6.1f}  p95 {warm['p95_ms']:6.1f}  max {warm['max_ms']:6.1f}"
                f"  cpu {figures['warm_cpu_median_ms']:6.1f}",
                flush=True,
            )
        if args.profile:
            profile_pages(app, runner, pages, kind, args.requests)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if args.gunicorn:
            email = db_email(app, ids[0])
            result["gunicorn"] = through_gunicorn(url, email, pages, args.requests)
        if args.browser:
            email = db_email(app, ids[0])
            result["browser_offline"] = in_the_browser_offline(url, email, pages, args)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if pg_name and not args.keep:
            drop_database(admin_url, pg_name)
    return result


def older_sessions_pages(client, pages: dict) -> dict:
    """The older sessions the pain and progress pages link to, where this runpt has such
    a link (since issue 27 item 2, round 3, their tables list the last 12 weeks)."""
    found = {}
    for name in ("progress_exercise", "pain"):
        link = re.search(r'<a href="([^"]*)" data-older-sessions>', client.get(pages[name]).text)
        if link:
            found[f"{name}_older"] = html.unescape(link.group(1))
    return found


def db_email(app, user_id: int) -> str:
    from runpt.auth.models import User
    from runpt.extensions import db

    with app.app_context():
        email = db.session.get(User, user_id).email
        db.session.remove()
        return email


def profile_pages(app, client, pages: dict, kind: str, requests: int) -> None:
    from common import RESULTS
    from pyinstrument import Profiler

    RESULTS.mkdir(exist_ok=True)
    for name, path in pages.items():
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(max(requests // 2, 5)):
            client.get(path)
        profiler.stop()
        (RESULTS / f"profile-history-{kind}-{name}.txt").write_text(
            profiler.output_text(unicode=False, color=False, show_all=False)
        )


def through_gunicorn(url: str, email: str, pages: dict, requests: int) -> dict:
    """The same pages over HTTP: gunicorn --workers 2 --threads 1 on the same database,
    one client at a time (urllib, a new connection per request, as gunicorn's sync
    workers close it anyway)."""
    server = Server(database_url=url)
    with running(server):
        client = Runner(server.url)
        client.email = email
        body = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
        login = urllib.request.Request(
            server.url + "/auth/login", data=body, headers={"Origin": server.url}
        )
        with client.opener.open(login) as answer:
            assert answer.status == 200 and "login" not in answer.url, answer.url
        # Each worker's first request compiles templates: three rounds before timing.
        for _ in range(3):
            for path in pages.values():
                client.get(path)
        samples = {name: [] for name in pages}
        for _ in range(requests):
            for name, path in pages.items():
                t = time.perf_counter()
                status, _, _ = client.get(path)
                samples[name].append((time.perf_counter() - t) * 1000)
                assert status == 200
    figures = {"server": server.describe(), "pages": {n: stats(s) for n, s in samples.items()}}
    for name, warm in figures["pages"].items():
        print(f"  gunicorn {name:18} median {warm['median_ms']:6.1f}  p95 {warm['p95_ms']:6.1f}")
    return figures


# From the document's start: navigation timing, first contentful paint, and the first
# animation frame once the page is parsed, its modules run and something is painted.
RENDER_WATCH = """
(() => {
  const marks = {};
  window.__rendered = new Promise((resolve) => {
    const look = () => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      if (paint) marks.fcp = paint.startTime;
      if (marks.dcl !== undefined && marks.fcp !== undefined) {
        marks.rendered = performance.now();
        resolve(marks);
      } else {
        requestAnimationFrame(look);
      }
    };
    document.addEventListener('DOMContentLoaded', () => {
      marks.dcl = performance.now();
      requestAnimationFrame(look);
    });
  });
})();
"""


def throttled_tab(context, args):
    """A new tab, its CPU slowed down --cpu-slowdown times from before its first page."""
    page = context.new_page()
    if args.cpu_slowdown > 1:
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu_slowdown})
    return page


def in_the_browser_offline(url: str, email: str, pages: dict, args) -> dict:
    """Each page opened in Chromium with the server stopped, from the service worker."""
    from common import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import wait_for_offline_set

    phone = {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    }
    server = Server(database_url=url)
    samples = {name: [] for name in pages}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with running(server):
            context = browser.new_context(base_url=server.url, **phone)
            context.add_init_script(RENDER_WATCH)
            page = context.new_page()
            page.goto("/auth/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(lambda u: "/auth/" not in u)
            kept = wait_for_offline_set(page, timeout=600)
            page.close()
        # The server is stopped: no signal. Every page from the worker's copy: each in a
        # new tab (the app opened cold on that page), or, with --same-tab, one tab going
        # from page to page as a runner taps through the open app.
        tab = throttled_tab(context, args) if args.same_tab else None
        for _ in range(args.browser_repeats):
            for name, path in pages.items():
                page = tab or throttled_tab(context, args)
                page.goto(path, wait_until="commit", timeout=60000)
                marks = page.evaluate("() => window.__rendered")
                timing = page.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return {response: n.responseEnd, bytes: n.decodedBodySize}; }"
                )
                assert page.evaluate("!!navigator.serviceWorker.controller"), path
                samples[name].append({**marks, **timing})
                if not tab:
                    page.close()
        browser.close()
    figures = {
        "cpu_slowdown": args.cpu_slowdown,
        "opened_in": "one tab, page after page" if args.same_tab else "a new tab each time",
        "offline_set_pages": kept.get("pages"),
        "pages": {},
    }
    for name, runs in samples.items():
        figures["pages"][name] = {
            key: stats([run[key] for run in runs]) for key in ("response", "fcp", "dcl", "rendered")
        }
        figures["pages"][name]["bytes"] = runs[0]["bytes"]
        rendered = figures["pages"][name]["rendered"]
        print(
            f"  browser offline x{args.cpu_slowdown:g} {name:18} rendered median "
            f"{rendered['median_ms']:6.1f}  p95 {rendered['p95_ms']:6.1f}",
            flush=True,
        )
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--postgres", help="a PostgreSQL URL; a database is made there")
    parser.add_argument("--gunicorn", action="store_true", help="also time over HTTP")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=400)
    parser.add_argument("--sets", type=int, default=15000)
    parser.add_argument("--profile", action="store_true", help="pyinstrument text trees")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--name", default="history")
    parser.add_argument("--browser", action="store_true", help="also open them offline in Chromium")
    parser.add_argument("--browser-repeats", type=int, default=10)
    parser.add_argument(
        "--same-tab",
        action="store_true",
        help="with --browser: one tab goes from page to page (the open app), not a new tab each",
    )
    parser.add_argument(
        "--cpu-slowdown", type=float, default=1, help="the browser's CPU throttling (4: mid-range)"
    )
    args = parser.parse_args()
    runs = []
    if not args.no_sqlite:
        runs.append(run_database("sqlite", None, args))
    if args.postgres:
        runs.append(run_database("postgresql", args.postgres, args))
    path = write_result(
        args.name, {"command": " ".join(sys.argv), "loadavg_at_start": START_LOAD, "runs": runs}
    )
    print("wrote", path)


START_LOAD = os.getloadavg()

if __name__ == "__main__":
    main()
