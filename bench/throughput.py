"""Item 1: step fragment throughput beside a bare "hello" route, same app, same server,
same run, under wrk at 1, 8 and 32 concurrent connections.

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
from common import BENCH, Runner, Server, make_events, running, write_result  # noqa: E402

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


def seed(server: Server, others: int) -> tuple[Runner, dict]:
    runner = Runner(server.url).register()
    offline = runner.offline_set()
    routine = offline["routines"][0]  # Runner's essentials, the first built-in routine
    slugs = [u.rsplit("/", 1)[1] for u in offline["pages"] if u.startswith("/library/")]
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


def run_config(
    workers: int,
    threads: int,
    duration: int,
    others: int,
    rounds: int,
    accept_encoding: str | None,
) -> dict:
    server = Server(workers=workers, threads=threads)
    with running(server):
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
        hello_args = {"accept_encoding": accept_encoding}
        step_args = {"env": env, "script": str(BENCH / "steps.lua"), **hello_args}
        for connections in CONCURRENCY:
            # warm-up, not recorded
            wrk(server.url + "/bench/hello", connections, 2, cookie, **hello_args)
            wrk(server.url + base + "0", connections, 2, cookie, **step_args)
            # The machine is shared: hello and step alternate in short slices, and the
            # median of the rounds is kept, so both see the same background load.
            hellos, steps_ = [], []
            for _ in range(rounds):
                hello_url, step_url = server.url + "/bench/hello", server.url + base + "0"
                hellos.append(
                    measured(server, hello_url, connections, duration, cookie, **hello_args)
                )
                steps_.append(
                    measured(server, step_url, connections, duration, cookie, **step_args)
                )
            hello, step = median_run(hellos), median_run(steps_)
            row = {
                "connections": connections,
                "hello": hello,
                "step": step,
                "ratio": round(step["rps"] / hello["rps"], 3),
                "ratio_per_round": [
                    round(s["rps"] / h["rps"], 3) for h, s in zip(hellos, steps_, strict=True)
                ],
                "ratio_median_of_rounds": statistics.median(
                    s["rps"] / h["rps"] for h, s in zip(hellos, steps_, strict=True)
                ),
                # The req/s ratio a CPU-bound server reaches, from CPU time per request.
                "cpu_ratio": round(
                    hello["server_cpu_ms_per_request"] / step["server_cpu_ms_per_request"], 3
                ),
                "rounds": {"hello": hellos, "step": steps_},
                "loadavg": os.getloadavg(),
            }
            print(
                f"  {server.describe():32} c={connections:2}  hello {hello['rps']:8.1f} rps "
                f"p50 {hello['p50_ms']:6.2f} p99 {hello['p99_ms']:6.2f} ms | step "
                f"{step['rps']:8.1f} rps p50 {step['p50_ms']:6.2f} p99 {step['p99_ms']:6.2f} ms"
                f" | ratio {row['ratio']:.2f} {row['ratio_per_round']} | CPU/request hello "
                f"{hello['server_cpu_ms_per_request']:.2f} step "
                f"{step['server_cpu_ms_per_request']:.2f} ms, ratio {row['cpu_ratio']:.2f}  errors "
                f"{sum(r['non_2xx'] for r in hellos + steps_)}  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            results["runs"].append(row)
        return results


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
