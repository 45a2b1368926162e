"""Issue 25 item 6: the Locust runner scenario (bench/locust/locustfile.py) through the
deployment shape: Caddy (deploy/Caddyfile, `tls internal`) in front of one runpt host
and then two, on PgBouncer in transaction mode on a PostgreSQL cluster of its own
(the pieces tests/browser/test_deploy_shape.py starts, from Debian's packages).

    python3 -m venv /tmp/locust-venv && /tmp/locust-venv/bin/pip install locust
    .venv/bin/python bench/through_caddy.py --locust-python /tmp/locust-venv/bin/python

For each host count: the same number of simulated phones (`--phones`), one ladder step
(sign-ups and offline sets first, then `--settle` s, then `--measure` s measured).
Recorded: requests/s, p95 and p99, failures, and CPU time per request of everything on
the server side (the hosts' gunicorn, Caddy, PgBouncer: all children of this script;
PostgreSQL's postmaster and backends), over the measured window. Nothing is pinned:
the box is shared, so its load average is recorded with each figure. Writes
bench/results/<--name>.json.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import BENCH, write_result  # noqa: E402

from tests.browser.test_deploy_shape import (  # noqa: E402
    Caddy,
    Cluster,
    PgBouncer,
    migrate_once,
)
from tests.live_server import LiveServer  # noqa: E402

LOCUSTFILE = BENCH / "locust" / "locustfile.py"


def postmaster_pid(cluster: Cluster) -> int:
    return int((cluster.data / "postmaster.pid").read_text().split()[0])


def locust_step(args, caddy: Caddy, cluster: Cluster, workdir: Path) -> dict:
    out = workdir / "ladder.json"
    command = [
        args.locust_python, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--host", caddy.origin, "--ladder", str(args.phones), "--think", str(args.think),
        "--ladder-spawn-rate", "4", "--settle", str(args.settle),
        "--measure", str(args.measure), "--p99-ms", "100000", "--ladder-out", str(out),
        # This script: the hosts, Caddy and PgBouncer are its children (and so is
        # Locust, whose own CPU is taken off below).
        "--server-pid", str(os.getpid()), "--postgres-pid", str(postmaster_pid(cluster)),
        "--loglevel", "WARNING", "--only-summary",
    ]  # fmt: skip
    log = workdir / "locust.log"
    with log.open("w") as output:
        subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, timeout=900)
    if not out.exists():
        raise RuntimeError(f"Locust wrote no figures:\n{log.read_text()[-3000:]}")
    (step,) = json.loads(out.read_text())["steps"]
    return step


def summary(hosts: int, step: dict) -> dict:
    requests = step["requests_per_s"] * step["seconds"]
    shape_cpu = step["server_cpu_s"] - step["locust_cpu_s"]
    return {
        "hosts": hosts,
        "phones": step["users"],
        "requests_per_s": step["requests_per_s"],
        "p50_ms": step["p50_ms"],
        "p95_ms": step["p95_ms"],
        "p99_ms": step["p99_ms"],
        "failures": step["failures"],
        "sessions": step["sessions"],
        "cpu_ms_per_request": {
            "hosts_caddy_pgbouncer": round(1000 * shape_cpu / requests, 2),
            "postgres": round(1000 * step["postgres_cpu_s"] / requests, 2),
        },
        "loadavg": [round(x, 1) for x in step["loadavg"]],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locust-python", default=sys.executable)
    parser.add_argument("--hosts", default="1,2", help="host counts to measure in turn")
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--workers", type=int, default=5, help="sync workers per host")
    parser.add_argument("--think", type=float, default=0.02)
    parser.add_argument("--settle", type=float, default=10)
    parser.add_argument("--measure", type=float, default=45)
    parser.add_argument("--name", default="through-caddy")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="runpt-through-caddy-"))
    if os.geteuid() == 0:
        import pwd

        os.chown(root, pwd.getpwnam("postgres").pw_uid, -1)
    work = Path(tempfile.mkdtemp(prefix="runpt-through-caddy-work-"))
    cluster, started, results = Cluster(root), [], []
    try:
        started.append(cluster.start())
        migrate_once(cluster, work)
        bouncer = PgBouncer(root, cluster)
        started.append(bouncer.start())
        settings = {
            "AUTO_MIGRATE": "0",
            "DATABASE_PREPARED_STATEMENTS": "off",
            "TRUSTED_PROXIES": "1",
            "SECURE_COOKIES": "1",
            "INSTANCE_PATH": str(work),
        }
        for count in (int(n) for n in args.hosts.split(",")):
            hosts = [
                LiveServer(bouncer.url, work, workers=args.workers, threads=1,
                           settings=settings, access_log=False)
                for _ in range(count)
            ]  # fmt: skip
            for host in hosts:
                host.start()
            # Each host one pool answering pages and syncs alike, as this ladder was
            # first measured (the deployment splits them: deploy/runpt@.service).
            caddy = Caddy(work / f"caddy-{count}", hosts, hosts)
            (work / f"caddy-{count}").mkdir()
            caddy.start()
            try:
                figures = summary(count, locust_step(args, caddy, cluster, work))
            finally:
                caddy.stop()
                for host in hosts:
                    host.stop()
            print(json.dumps(figures), flush=True)
            results.append(figures)
    finally:
        for server in reversed(started):
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    write_result(
        args.name,
        {
            "what": "the Locust runner scenario through Caddy (tls internal), N hosts, "
            "PgBouncer (transaction), PostgreSQL 15 (fsync off)",
            "workers_per_host": args.workers,
            "think": args.think,
            "measure_s": args.measure,
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
