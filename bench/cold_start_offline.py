"""Issue 19 item 3: opening runpt with no signal, from the start URL (the home-screen
icon's `/?source=home-screen`) until "Start session" can be tapped.

Chromium (Debian's /usr/bin/chromium via Playwright, 390x844, a persistent profile as a
phone keeps one): a runner signs up, the service worker installs and keeps the whole
offline set, then the server process is stopped (connections refused, as with no
signal; `navigator.onLine` stays true, so nothing tells the worker the network is gone).
Then the start URL is opened `--repeats` times in each of three ways:

- "new tab, worker running": a fresh page in the running browser, the service worker
  still alive from the page before;
- "new tab, worker stopped": the same after the service worker was stopped (DevTools'
  ServiceWorker.stopAllWorkers), as after the phone had runpt in the background a while:
  the worker starts for the navigation;
- "browser restarted": the browser closed and launched again on the same profile, as
  after the phone killed it (the worker and every in-memory cache start cold).

Timed in the page, from navigation start (performance.now() is 0 there): `shown`, the
first animation frame in which the Start session button is visible and enabled (an init
script looks at every frame from the document's start); `scripts`, DOMContentLoaded,
when the page's modules have run (the button's handler is wired; before that a tap still
starts, through the form); and the navigation's own timing (worker start, the response
from the worker); how many of the page's files the worker's fetch handler answered and
how many the browser took from a cache by a static route; `ready`, the later of `shown`
and `scripts`: tapped then, Start session starts the session in the page. Medians and
p95 per way; raw samples in the result file.

    .venv/bin/python bench/cold_start_offline.py
    .venv/bin/python bench/cold_start_offline.py --name cold_start_offline-before --repeats 10
    .venv/bin/python bench/cold_start_offline.py --cpu-slowdown 4   # a mid-range phone

With --cpu-slowdown N, each page opened is slowed down N times (the DevTools protocol's
Emulation.setCPUThrottlingRate, set on the new tab before it navigates; 4 is
Lighthouse's mobile stand-in for a mid-range Android phone). Only the tab is a target of
that session: the service worker isn't throttled by the bench in its own right.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import CHROMIUM, CHROMIUM_ARGS, PASSWORD, ROOT, Server, running, write_result  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.browser.helpers import stop_service_workers, wait_for_offline_set  # noqa: E402

START_URL = "/?source=home-screen"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
# From the document's start: every frame, is the Start session button on screen?
WATCH = """
(() => {
  if (location.pathname !== '/') return;
  const marks = {};
  document.addEventListener('DOMContentLoaded', () => { marks.scripts = performance.now(); });
  window.__coldStart = new Promise((resolve) => {
    const look = () => {
      const button = document.querySelector('[data-start-session]');
      if (button && !button.disabled && button.checkVisibility()) {
        marks.shown = performance.now();
        resolve(marks);
      } else {
        requestAnimationFrame(look);
      }
    };
    requestAnimationFrame(look);
  });
})();
"""
SOURCES = """() => {
  const count = {};
  for (const entry of performance.getEntriesByType('resource')) {
    const source = entry.workerMatchedSourceType || 'fetch-event';
    count[source] = (count[source] || 0) + 1;
  }
  return count;
}"""
NAVIGATION = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  return {worker_start: n.workerStart, response_start: n.responseStart,
          response_end: n.responseEnd, dom_content_loaded: n.domContentLoadedEventEnd};
}"""


def launch(playwright, profile: str, base_url: str):
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=base_url, **PHONE
    )
    context.add_init_script(WATCH)
    return context


def register(page) -> None:
    page.goto("/auth/register")
    page.get_by_label("Email").fill(f"cold-{time.monotonic_ns()}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/get-started")
    page.goto("/")


def slowed(page, rate: float):
    """`page`, its CPU slowed down `rate` times from its next navigation on (1: as is)."""
    if rate > 1:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page._runpt_cdp = cdp  # kept attached: the throttling lasts as long as the session
    return page


def open_start(page) -> dict:
    page.goto(START_URL, wait_until="commit", timeout=30000)
    page.wait_for_function("() => window.__coldStart", timeout=30000)
    marks = page.evaluate("() => window.__coldStart")
    sample = {
        "shown_ms": round(marks["shown"], 1),
        **{f"{k}_ms": round(v, 1) for k, v in page.evaluate(NAVIGATION).items()},
    }
    page.wait_for_function("() => document.readyState === 'complete'", timeout=30000)
    sample["scripts_ms"] = round(page.evaluate("() => window.__coldStart").get("scripts", -1), 1)
    sample["ready_ms"] = max(sample["shown_ms"], sample["scripts_ms"])
    # How the page's files were served: by the worker's fetch handler, or by the
    # browser from a cache through a static route (no worker needed).
    sample["sources"] = page.evaluate(SOURCES)
    assert page.evaluate("!!navigator.serviceWorker.controller"), "not from the service worker"
    return sample


def close_pages(context) -> None:
    for page in list(context.pages):
        page.close()


def summary(samples: list[dict]) -> dict:
    out = {"samples": len(samples)}
    sources = {}
    for sample in samples:
        for source, count in sample["sources"].items():
            sources[source] = sources.get(source, 0) + count
    out["files_per_open_by_source"] = {k: round(v / len(samples), 1) for k, v in sources.items()}
    for key in ("shown_ms", "ready_ms", "scripts_ms", "response_end_ms"):
        values = sorted(s[key] for s in samples)
        out[key] = {
            "median": round(statistics.median(values), 1),
            "p95": values[round(0.95 * (len(values) - 1))],
            "max": values[-1],
        }
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--name", default="cold_start_offline", help="bench/results/<name>.json")
    parser.add_argument(
        "--cpu-slowdown", type=float, default=1, help="CPU throttling rate (4: mid-range phone)"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = Server(workers=2, threads=4)
    profile = tempfile.mkdtemp(prefix="runpt-cold-profile-")
    result = {
        "command": " ".join(sys.argv),
        "server": server.describe(),
        "start_url": START_URL,
        "cpu_slowdown": args.cpu_slowdown,
        "loadavg_at_start": os.getloadavg(),
    }
    raw = {}
    try:
        with sync_playwright() as playwright:
            with running(server):
                context = launch(playwright, profile, server.url)
                page = context.pages[0] if context.pages else context.new_page()
                register(page)
                result["offline_set_kept"] = wait_for_offline_set(page, timeout=90)["routines"]
                # Opened once with the signal, as a runner does before going out.
                page.goto(START_URL)
                page.wait_for_load_state("load")
                close_pages(context)
            # The server is stopped now: no signal.
            ways = {
                "new tab, worker running": [],
                "new tab, worker stopped": [],
                "browser restarted": [],
            }
            for _ in range(args.repeats):
                page = slowed(context.new_page(), args.cpu_slowdown)
                ways["new tab, worker running"].append(open_start(page))
                close_pages(context)
                stop_service_workers(context)
                page = slowed(context.new_page(), args.cpu_slowdown)
                ways["new tab, worker stopped"].append(open_start(page))
                close_pages(context)
            for _ in range(args.repeats):
                context.close()
                context = launch(playwright, profile, server.url)
                page = context.pages[0] if context.pages else context.new_page()
                ways["browser restarted"].append(open_start(slowed(page, args.cpu_slowdown)))
            context.close()
            raw = ways
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    result["ways"] = {way: summary(samples) for way, samples in raw.items()}
    result["raw"] = raw
    for way, figures in result["ways"].items():
        print(f"{way:28} {figures}", flush=True)
    print("wrote", write_result(args.name, result))


if __name__ == "__main__":
    main()
