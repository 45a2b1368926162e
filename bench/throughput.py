"""Issue #19 item 1: runpt's request path against a bare Flask app, in the same run under
wrk at 1, 8 and 32 concurrent connections: a bare Flask app's /hello (bench/bare_app.py,
its own gunicorn with the same workers and threads), runpt's own /bench/hello (the same
route inside runpt, with every hook it has) and a step fragment. Reported: runpt hello /
bare hello and step / bare hello, by req/s and by server CPU time per request.

    .venv/bin/python bench/throughput.py                     # default configs
    .venv/bin/python bench/throughput.py --configs 2x1 3x1 4x1 2x4 --duration 5 --rounds 3

A config "WxT" is gunicorn --workers W --threads T (T > 1 uses the gthread worker).
The runner has past sessions (so the fragment shows "Last time"), and another runner
has --others events, so the event table is not empty. wrk runs on the same 2 cores and
sends `Accept-Encoding: gzip` like a browser (the app then compresses the fragment; hello
is too short to be). Besides req/s and latency, each slice records the server's CPU time
per request (gunicorn master + workers): on a shared machine the hello/step ratio of
CPU time is steadier than that of req/s.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import (  # noqa: E402
    BENCH,
    USER_AGENT,
    LiveServer,
    Runner,
    Server,
    make_events,
    running,
    write_result,
)

CONCURRENCY = (1, 8, 32)
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNIT[unit]


def wrk(
    url: str,
    connections: int,
    duration: int,
    cookie: str,
    env: dict | None = None,
    script: str | None = None,
    accept_encoding: str | None = None,
) -> dict:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "5s",
        "-H",
        f"Cookie: {cookie}",
        "-H",
        f"User-Agent: {USER_AGENT}",
    ]
    if accept_encoding:
        command += ["-H", f"Accept-Encoding: {accept_encoding}"]
    if script:
        command += ["-s", script]
    command.append(url)
    out = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=duration + 30,
        env={**os.environ, **(env or {})},
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    if "50" not in latency or "99" not in latency:
        raise RuntimeError("could not read wrk's latency distribution:\n" + out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "requests": requests,
        "p50_ms": to_ms(latency["50"]),
        "p99_ms": to_ms(latency["99"]),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else None,
    }


def strength_slugs() -> list[str]:
    import tomllib

    with (BENCH.parent / "runpt" / "data" / "exercises.toml").open("rb") as file:
        entries = tomllib.load(file)["exercise"]
    return [e["slug"] for e in entries if e["phase"] == "strength"]


def seed(server: Server, others: int) -> tuple[Runner, dict]:
    runner = Runner(server.url).register()
    offline = runner.offline_set()
    routine = offline["routines"][0]  # Runner's essentials, the first built-in routine
    slugs = strength_slugs()
    # The runner's own history: 20 past sessions of 22 sets.
    history = make_events(20 * 24, slugs[:22] or ["glute-bridge"], seed=2)
    for i in range(0, len(history), 500):
        status, _ = runner.post_json("/api/sync", {"events": history[i : i + 500]})
        assert status == 200
    if others:
        other = Runner(server.url).register()
        events = make_events(others, slugs[:22], seed=3)
        for i in range(0, len(events), 500):
            other.post_json("/api/sync", {"events": events[i : i + 500]})
    return runner, routine


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def server_cpu_ms(server: Server) -> float:
    """CPU time (user + system) used so far by gunicorn's master and its workers."""
    master = server.process.pid
    pids = [master]
    for task in os.listdir(f"/proc/{master}/task"):
        with open(f"/proc/{master}/task/{task}/children") as children:
            pids += [int(pid) for pid in children.read().split()]
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * TICK_MS


def measured(server: Server, *args, **kwargs) -> dict:
    """A wrk slice plus the server's CPU time per request during it: unlike req/s,
    barely moved by other jobs on a shared machine."""
    before = server_cpu_ms(server)
    result = wrk(*args, **kwargs)
    result["server_cpu_ms_per_request"] = (server_cpu_ms(server) - before) / max(
        result["requests"], 1
    )
    return result


def median_run(runs: list[dict]) -> dict:
    keys = ("rps", "p50_ms", "p99_ms", "server_cpu_ms_per_request")
    return {key: statistics.median(r[key] for r in runs) for key in keys} | {
        "non_2xx": sum(r["non_2xx"] for r in runs)
    }


def on_the_wire(server: Server, path: str, cookie: str, accept_encoding: str | None) -> dict:
    """What one response looks like to wrk: its encoding and body bytes."""
    import urllib.request

    headers = {"Cookie": cookie}
    if accept_encoding:
        headers["Accept-Encoding"] = accept_encoding
    request = urllib.request.Request(server.url + path, headers=headers)
    with urllib.request.urlopen(request) as answer:
        return {
            "content_encoding": answer.headers.get("Content-Encoding"),
            "body_bytes": len(answer.read()),
        }


def bare_server(workers: int, threads: int) -> LiveServer:
    """bench/bare_app.py under the same gunicorn settings as runpt's server."""
    import tempfile
    from pathlib import Path

    workdir = Path(tempfile.mkdtemp(prefix="runpt-bare-"))
    return LiveServer(
        "sqlite://", workdir, app="bare_app:app", workers=workers, threads=threads,
        pythonpath=[BENCH], access_log=False,
    )  # fmt: skip


def run_config(
    workers: int,
    threads: int,
    duration: int,
    others: int,
    rounds: int,
    accept_encoding: str | None,
) -> dict:
    server, bare = Server(workers=workers, threads=threads), bare_server(workers, threads)
    with running(server), running(bare):
        runner, routine = seed(server, others)
        cookie = runner.cookie_header()
        step_urls = [u for u in routine["urls"] if "/steps/" in u]
        base = step_urls[0][: -len("0")]
        # Sanity: both answer 200 with the cookie, and the fragment is the real one.
        status, _, body = runner.get(step_urls[0])
        assert status == 200 and b'id="step"' in body, body[:200]
        env = {"BASE": base, "STEPS": str(len(step_urls))}
        results = {
            "server": server.describe(),
            "runpt": server.source,
            "steps_in_routine": len(step_urls),
            "accept_encoding": accept_encoding,
            "hello_response": on_the_wire(server, "/bench/hello", cookie, accept_encoding),
            "step_response": on_the_wire(server, step_urls[0], cookie, accept_encoding),
            "runs": [],
        }
        print(
            f"  as wrk gets them: hello {results['hello_response']}, step "
            f"{results['step_response']}",
            flush=True,
        )
        targets = {
            # The same cookie goes to the bare app: it costs it nothing, as a real header.
            "bare": (bare, bare.url + "/hello", {"accept_encoding": accept_encoding}),
            "hello": (server, server.url + "/bench/hello", {"accept_encoding": accept_encoding}),
            "step": (server, server.url + base + "0", {
                "accept_encoding": accept_encoding, "env": env,
                "script": str(BENCH / "steps.lua"),
            }),
        }  # fmt: skip
        for connections in CONCURRENCY:
            for _target, url, args in targets.values():  # warm-up, not recorded
                wrk(url, connections, 2, cookie, **args)
            # The machine is shared: the three alternate in short slices, and the median
            # of the rounds is kept, so all see the same background load.
            slices = {name: [] for name in targets}
            for _ in range(rounds):
                for name, (target, url, args) in targets.items():
                    slices[name].append(
                        measured(target, url, connections, duration, cookie, **args)
                    )
            row = compare(slices)
            row["connections"] = connections
            row["loadavg"] = os.getloadavg()
            print(
                f"  {server.describe():32} c={connections:2} "
                + " | ".join(
                    f"{name} {row[name]['rps']:7.1f} rps p99 {row[name]['p99_ms']:6.2f} ms "
                    f"CPU {row[name]['server_cpu_ms_per_request']:.3f} ms"
                    for name in targets
                )
                + f" | hello/bare {row['hello_vs_bare']:.2f} step/bare {row['step_vs_bare']:.2f}"
                f" (CPU {row['hello_vs_bare_cpu']:.2f}, {row['step_vs_bare_cpu']:.2f}) "
                f"errors {row['errors']} load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            results["runs"].append(row)
        return results


def compare(slices: dict[str, list[dict]]) -> dict:
    """The medians of each target's rounds, and runpt's hello and step against the bare
    app: by req/s, per round and overall, and by server CPU time per request."""
    medians = {name: median_run(runs) for name, runs in slices.items()}
    bare = medians["bare"]
    row = dict(medians)
    for name in ("hello", "step"):
        row[f"{name}_vs_bare"] = round(medians[name]["rps"] / bare["rps"], 3)
        row[f"{name}_vs_bare_per_round"] = [
            round(mine["rps"] / theirs["rps"], 3)
            for mine, theirs in zip(slices[name], slices["bare"], strict=True)
        ]
        row[f"{name}_vs_bare_cpu"] = round(
            bare["server_cpu_ms_per_request"] / medians[name]["server_cpu_ms_per_request"], 3
        )
    row["errors"] = sum(r["non_2xx"] for runs in slices.values() for r in runs)
    row["rounds"] = slices
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", nargs="+", default=["2x1", "3x1", "2x4"])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk slice")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--others", type=int, default=20000, help="events of another runner already stored"
    )
    parser.add_argument(
        "--accept-encoding",
        default="gzip",
        help="Accept-Encoding header wrk sends (as a browser would); '' sends none",
    )
    parser.add_argument("--name", default="throughput")
    args = parser.parse_args()
    started = time.time()
    configs = []
    for config in args.configs:
        workers, threads = (int(x) for x in config.split("x"))
        configs.append(
            run_config(
                workers, threads, args.duration, args.others, args.rounds, args.accept_encoding
            )
        )
    path = write_result(
        args.name,
        {
            "command": " ".join(sys.argv),
            "tool": "wrk 4.1.0 -t1",
            "accept_encoding": args.accept_encoding,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "configs": configs,
            "elapsed_s": round(time.time() - started),
        },
    )
    print("wrote", path)


if __name__ == "__main__":
    main()
