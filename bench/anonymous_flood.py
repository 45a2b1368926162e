"""Nothing anonymous is expensive (issue 28, item 3), measured: a routine's link page
with its QR code, and a flood of anonymous routine and share pages from many addresses
while another runner syncs.

One throwaway gunicorn (`--workers 2 --threads 8` by default, as issue 28 measured;
SQLite) on 127.0.0.1 serving bench/flood_app.py (the app behind ProxyFix, so each
flooding client has its own address). Three phases of `--seconds` (default 6): a
runner syncing batches of 50 alone; the same with 40 flooding threads asking for a
routine's link page and a share link that opens nothing; and with the same threads
asking for `/bench/hello`, the cheapest answer there is (what any flood costs this
machine); and with that flood sent to a second server on the same cores, which leaves
this server's threads alone (what the flood costs the machine, not this server).
Then the deployment's shape (deploy/Caddyfile): syncs on workers of their own, a second
gunicorn on the same database, quiet and with the flood sent to the page workers, the
page workers at nice 0 and at nice 10. `--flood-from` says where the flooding clients
run: threads of this process (as issue 28 measured), or a process of their own.
Writes bench/results/<--name>.json with the load average of each phase.

    .venv/bin/python bench/anonymous_flood.py
"""

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Runner, Server, running, write_result  # noqa: E402
from process_cpu import tree_cpu_s  # noqa: E402

BATCH = 50
FLOODERS = 40


def ms(seconds: list[float]) -> dict:
    if not seconds:
        return {}
    ordered = sorted(seconds)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 1),
            "p90_ms": round(p90 * 1000, 1)}  # fmt: skip


def a_batch() -> list[dict]:
    session, now = str(uuid.uuid4()), datetime.now(UTC)
    events = [{"id": str(uuid.uuid4()), "type": "session.started", "at": now.isoformat(),
               "session": session, "data": {"routine": "runners-essentials"}}]  # fmt: skip
    for n in range(1, BATCH):
        events.append({
            "id": str(uuid.uuid4()), "type": "set.logged", "session": session,
            "at": (now + timedelta(seconds=n)).isoformat(),
            "data": {"exercise": "glute-bridge", "set": n, "side": None, "reps": 12,
                     "hold_s": None, "load_kg": None, "rpe": 6, "pain": 1, "note": None},
        })  # fmt: skip
    return events


def timed_get(url: str, headers: dict | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as answer:
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    return status, time.perf_counter() - started


def keep_syncing(runner: Runner, until: float, times: list[float], statuses: Counter) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            status, _ = runner.post_json("/api/sync", {"events": a_batch()})
        except urllib.error.HTTPError as error:
            status = error.code
        times.append(time.perf_counter() - started)
        statuses[status] += 1


def keep_checking_health(url: str, until: float, times: list[float]) -> None:
    while time.monotonic() < until:
        times.append(timed_get(url + "/healthz")[1])
        time.sleep(0.2)


def flood(url: str, paths: list[str], until: float, statuses: Counter, number: int) -> None:
    headers = {"X-Forwarded-For": f"10.0.{number // 250}.{number % 250 + 1}"}
    turn = 0
    while time.monotonic() < until:
        status, _ = timed_get(url + paths[turn % len(paths)], headers)
        statuses[status] += 1
        turn += 1


def flood_from_elsewhere(url: str, paths: list[str], seconds: float, niceness: int, answers):
    """The flood's 40 clients in a process of their own, as if on other machines: their
    threads don't take the measuring process's GIL from the runner's syncs, and at
    `niceness` they take the cores only when the server leaves them free."""
    os.nice(niceness)
    until = time.monotonic() + seconds
    flooded = Counter()
    threads = [
        threading.Thread(target=flood, args=(url, paths, until, flooded, number))
        for number in range(FLOODERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers.put(dict(flooded))


FLOOD_PLACES = ("threads", "process", "niced-process")


def phase(
    server, runner, seconds: float, paths: list[str] | None, target=None, place="threads"
) -> dict:
    """`seconds` of the runner syncing, with 40 clients flooding `paths` of `target` (the
    server itself unless another is given), from `place`: threads of this process (as
    issue 28 measured: the clients share this process's GIL with the runner's syncs), a
    process of their own, or one at nice 19 (standing for clients on other machines)."""
    target = target or server
    until = time.monotonic() + seconds
    syncs, sync_statuses, health, flooded = [], Counter(), [], Counter()
    threads = [
        threading.Thread(target=keep_syncing, args=(runner, until, syncs, sync_statuses)),
        threading.Thread(target=keep_checking_health, args=(server.url, until, health)),
    ]
    flooders, answers = None, None
    if paths and place == "threads":
        for number in range(FLOODERS):
            threads.append(
                threading.Thread(target=flood, args=(target.url, paths, until, flooded, number))
            )
    elif paths:
        forking = multiprocessing.get_context("fork")
        answers = forking.Queue()
        niceness = 19 if place == "niced-process" else 0
        flooders = forking.Process(
            target=flood_from_elsewhere, args=(target.url, paths, seconds, niceness, answers)
        )
    cpu_before = tree_cpu_s(server.process.pid)
    if flooders:
        flooders.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if flooders:
        flooded.update(answers.get(timeout=60))
        flooders.join()
    server_cpu_s = tree_cpu_s(server.process.pid) - cpu_before
    answered = sum(flooded.values())
    return {
        # The server's own CPU (gunicorn master and workers), apart from the load
        # generator's on the same cores: its share of one core, and per flood request.
        "server_cpu_share_of_a_core": round(server_cpu_s / seconds, 2),
        "server_cpu_ms_per_request": round(
            server_cpu_s * 1000 / max(1, answered + len(syncs) + len(health)), 3
        ),
        "loadavg": os.getloadavg(),
        "sync_batch_of_50": ms(syncs), "sync_statuses": dict(sync_statuses),
        "healthz": ms(health), "flood_statuses": dict(flooded),
        "flood_requests_per_s": round(answered / seconds, 1),
        "flood_from": place if paths else None,
    }  # fmt: skip


def routine_link(runner: Runner) -> str:
    page = runner.get("/routines/1/share")[2].decode()
    return "/routines/open?r=" + page.split("/routines/open?r=")[1].split('"')[0]


def qr_page_times(server, path: str) -> dict:
    """The link page asked for by 21 addresses in turn: the first draws the QR code,
    the rest find it drawn (per worker: the first in each of the 2 workers draws)."""
    times = [timed_get(server.url + path, {"X-Forwarded-For": f"10.9.0.{n}"})
             for n in range(1, 22)]  # fmt: skip
    library = [timed_get(server.url + "/library/", {"X-Forwarded-For": f"10.9.1.{n}"})[1]
               for n in range(1, 22)]  # fmt: skip
    return {
        "first_ms": round(times[0][1] * 1000, 1),
        "later": ms([seconds for _, seconds in times[2:]]),
        "library_page": ms(library[1:]),
        "statuses": dict(Counter(status for status, _ in times)),
    }


def qr_drawing_cpu() -> dict:
    """CPU time to draw the QR code of a long routine link once, in this process."""
    from runpt.pages.sharing import qr_svg

    link = "http://127.0.0.1:8000/routines/open?r=" + "A" * 1500
    started = time.process_time()
    qr_svg.__wrapped__(link)
    return {"link_characters": len(link), "cpu_ms": round((time.process_time() - started) * 1000)}


class NicedServer(Server):
    """A server run at a lower CPU priority (`nice`): whether page workers that yield
    the cores to the sync workers help them further."""

    def __init__(self, *args, niceness: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        self.niceness = niceness

    def describe(self) -> str:
        return f"nice -n {self.niceness} " + super().describe()

    def command(self) -> list[str]:
        return ["nice", "-n", str(self.niceness), *super().command()]


def syncs_on_workers_of_their_own(pages, link: str, args) -> dict:
    """The deployment's shape (deploy/Caddyfile, deploy/runpt@.service): `/api/` is
    answered by workers of its own, the pages by the others, on the same database and
    the same cores. The flood goes to the page workers, the runner's syncs to the sync
    workers: quiet, then flooded, with the page workers at the same priority and niced."""
    found = {}
    for niceness in (0, 10):
        page_workers = NicedServer(
            database_url=pages.database_url, app="flood_app:app", workers=args.workers,
            threads=args.threads, niceness=niceness,
        )  # fmt: skip
        sync_workers = Server(
            database_url=pages.database_url, app="flood_app:app", workers=args.sync_workers,
            threads=args.sync_threads,
        )  # fmt: skip
        with running(page_workers), running(sync_workers):
            runner = Runner(sync_workers.url).register()
            found[f"pages_at_nice_{niceness}"] = {
                "page_workers": page_workers.describe(),
                "sync_workers": sync_workers.describe(),
                "quiet": phase(sync_workers, runner, args.seconds, None),
                "flooded": phase(
                    sync_workers,
                    runner,
                    args.seconds,
                    [link, "/shared/not-a-real-token-at-all"],
                    page_workers,
                    args.flood_from,
                ),  # fmt: skip
            }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--name", default="anonymous_flood")
    parser.add_argument("--sync-workers", type=int, default=2)
    parser.add_argument("--sync-threads", type=int, default=4)
    parser.add_argument(
        "--flood-from", choices=FLOOD_PLACES, default="threads",
        help="where the flooding clients run (see phase()); threads: as issue 28 measured",
    )  # fmt: skip
    args = parser.parse_args()
    server = Server(app="flood_app:app", workers=args.workers, threads=args.threads)
    with running(server):
        runner = Runner(server.url).register()
        sharer = Runner(server.url).register()
        link = routine_link(sharer)
        qr = qr_page_times(server, link)
        quiet = phase(server, runner, args.seconds, None)
        flooded = phase(
            server, runner, args.seconds, [link, "/shared/not-a-real-token-at-all"],
            place=args.flood_from,
        )  # fmt: skip
        # The floor: the same flood of the cheapest answer there is (bench/hello_app.py),
        # what any flood costs on this machine whatever the app does.
        floor = phase(server, runner, args.seconds, ["/bench/hello"], place=args.flood_from)
        # The machine's share: the same flood of /bench/hello sent to another server on
        # these cores (as many workers and threads), so the load generator and a server
        # answering it cost the machine as before, but none of this server's threads.
        elsewhere = Server(app="flood_app:app", workers=args.workers, threads=args.threads)
        with running(elsewhere):
            on_the_box = phase(
                server, runner, args.seconds, ["/bench/hello"], elsewhere, args.flood_from
            )
        split = syncs_on_workers_of_their_own(server, link, args)
    result = {
        "server": server.describe() + " (SQLite), ProxyFix: one address per flooding client",
        "flooders": FLOODERS, "seconds_per_phase": args.seconds,
        "qr_page": qr, "qr_drawing": qr_drawing_cpu(),
        "quiet": quiet, "flooded": flooded, "flooded_with_hello": floor,
        "hello_flood_sent_to_another_server": on_the_box,
        "syncs_on_workers_of_their_own": split,
    }  # fmt: skip
    path = write_result(args.name, result)
    print(json.dumps(json.loads(path.read_text()), indent=2))


if __name__ == "__main__":
    main()
