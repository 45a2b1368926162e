"""Item 6: Lighthouse 12 (mobile preset, the default) on the pages a runner opens most.

Targets (issue #7): performance >= 0.95, accessibility 1.0, best practices 1.0,
SEO >= 0.9 on the signed-in home page `/`, a built-in routine page `/routines/<id>`
and the library `/library/`. The signed-out welcome page `/` is reported too.

Lighthouse is not a runpt dependency: it is pinned in `bench/lighthouse/package.json`
(+ lockfile) and installed into `bench/lighthouse/node_modules` (git-ignored) with
`npm ci` the first time this script runs. The browser is Debian's Chromium
(`CHROME_PATH`, default /usr/bin/chromium); nothing downloads a browser.

A throwaway gunicorn (2 workers x 4 threads) serves the app from a temporary SQLite
database; a runner registers through `POST /auth/register` and Lighthouse sends its
session cookie with every request of the page (`--extra-headers`), so the pages are
the ones a signed-in runner gets. Lighthouse resets storage before each run, so every
run is a first visit: the service worker installs during it.

Each page is measured `--runs` times (default 3) and the run with the median
performance score is kept: the 2-core box is shared, and one slow run says more about
the neighbours than about runpt. The load average is recorded with each run.

    .venv/bin/python bench/lighthouse.py                  # -> bench/results/lighthouse.json
    .venv/bin/python bench/lighthouse.py --name lighthouse-before --pages library
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
from common import BENCH, CHROMIUM, Runner, Server, running, write_result  # noqa: E402

LIGHTHOUSE_DIR = BENCH / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 0.9}
METRICS = {
    "first-contentful-paint": "FCP_ms",
    "largest-contentful-paint": "LCP_ms",
    "total-blocking-time": "TBT_ms",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI_ms",
}
# page name -> (signed in?, path; "{routine}" is the first built-in routine's id)
# how the app is served -> (bench/ module for gunicorn, description)
MODES = {
    "direct": (
        "hello_app:app",
        "gunicorn directly (what runpt itself sends; compressed since issue #8)",
    ),
    "gzip": ("gzip_app:app", "behind a gzip proxy, level 6 (bench/gzip_app.py), as deployed"),
}
PAGES = {
    "home": (True, "/"),
    "routine": (True, "/routines/{routine}"),
    "library": (True, "/library/"),
    "welcome": (False, "/"),
}


def install_lighthouse() -> str:
    """`npm ci` from the lockfile, once; --ignore-scripts: no install step fetches a browser."""
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=LIGHTHOUSE_DIR,
            check=True,
            env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
        )
    return subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def failing_audits(report: dict) -> list[str]:
    """The audits that cost points in a category below 1.0 (weighted ones only)."""
    failed = []
    for name in CATEGORIES:
        category = report["categories"][name]
        if category["score"] is not None and category["score"] >= 1:
            continue
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit["score"] is not None and audit["score"] < 1:
                failed.append(f"{name}/{ref['id']}={audit['score']}")
    return failed


def run_once(url: str, headers_file: Path | None, out: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if headers_file:
        command.append(f"--extra-headers={headers_file}")
    subprocess.run(command, check=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text())
    if report.get("runtimeError"):
        raise RuntimeError(report["runtimeError"])
    row = {name: report["categories"][name]["score"] for name in CATEGORIES}
    for audit, key in METRICS.items():
        value = report["audits"][audit]["numericValue"]
        row[key] = round(value, 3) if key == "CLS" else round(value)
    row["failing"] = failing_audits(report)
    row["final_url"] = report["finalDisplayedUrl"]
    row["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    return row


def measure(name: str, url: str, headers_file: Path | None, runs: int, reports: Path) -> dict:
    samples = []
    for n in range(runs):
        row = run_once(url, headers_file, reports / f"{name}-{n + 1}.json")
        print(
            f"  {name} run {n + 1}: perf {row['performance']} TBT {row['TBT_ms']} ms "
            f"LCP {row['LCP_ms']} ms load {row['loadavg'][0]}",
            flush=True,
        )
        samples.append(row)
    # The run with the median performance score (the lower middle one for even counts).
    ordered = sorted(samples, key=lambda r: r["performance"])
    kept = ordered[(len(ordered) - 1) // 2]
    return {
        "url": url,
        "signed_in": headers_file is not None,
        "median": kept,
        "performance_runs": [r["performance"] for r in samples],
        "TBT_runs": [r["TBT_ms"] for r in samples],
        "runs": samples,
    }


def meets(row: dict) -> bool:
    return all(row[name] is not None and row[name] >= TARGETS[name] for name in CATEGORIES)


def print_table(mode: str, pages: dict) -> None:
    head = ["page", "perf", "a11y", "BP", "SEO", "FCP", "LCP", "TBT", "CLS", "SI"]
    head += ["perf runs", "ok"]
    print(f"\n{MODES[mode][1]}\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, page in pages.items():
        m = page["median"]
        cells = [
            f"{name} `{page['path']}`",
            f"{m['performance']:.2f}",
            f"{m['accessibility']:.2f}",
            f"{m['best-practices']:.2f}",
            f"{m['seo']:.2f}",
            f"{m['FCP_ms']} ms",
            f"{m['LCP_ms']} ms",
            f"{m['TBT_ms']} ms",
            f"{m['CLS']}",
            f"{m['SI_ms']} ms",
            " / ".join(f"{p:.2f}" for p in page["performance_runs"]),
            "yes" if meets(m) else "**no**",
        ]
        print("| " + " | ".join(cells) + " |")


def measure_mode(mode: str, args, reports: Path, workdir: Path) -> dict:
    server = Server(workers=args.workers, threads=args.threads, app=MODES[mode][0])
    pages = {}
    with running(server):
        runner = Runner(server.url).register()
        routine = next(r["id"] for r in runner.offline_set()["routines"])
        headers_file = workdir / "headers.json"
        headers_file.write_text(json.dumps({"Cookie": runner.cookie_header()}))
        for name in args.pages:
            signed_in, path = PAGES[name]
            path = path.format(routine=routine)
            print(f"{mode} {name}: {server.url}{path}", flush=True)
            pages[name] = {
                "path": path,
                **measure(
                    f"{mode}-{name}",
                    server.url + path,
                    headers_file if signed_in else None,
                    args.runs,
                    reports,
                ),
            }
    return {"served": MODES[mode][1], "server": server.describe(), "pages": pages}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--name", default="lighthouse", help="bench/results/<name>.json")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep-reports", type=Path, help="keep every full JSON report here")
    args = parser.parse_args()

    version = install_lighthouse()
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True)
    workdir = Path(tempfile.mkdtemp(prefix="runpt-lighthouse-"))
    reports = args.keep_reports or workdir
    reports.mkdir(parents=True, exist_ok=True)
    result = {
        "command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "lighthouse": version,
        "chromium": chromium.stdout.strip(),
        "chrome_flags": CHROME_FLAGS,
        "preset": "mobile (default): simulated throttling (slow 4G, 4x CPU slowdown)",
        "runs_per_page": args.runs,
        "kept": "the run with the median performance score",
        "targets": TARGETS,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "modes": {},
    }
    try:
        for mode in args.modes:
            result["modes"][mode] = measure_mode(mode, args, reports, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for mode, measured in result["modes"].items():
        print_table(mode, measured["pages"])
    path = write_result(args.name, result)
    print(f"\nwritten {path.relative_to(BENCH.parent)}; load average now {os.getloadavg()}")


if __name__ == "__main__":
    main()
