"""Issue #12 item 6: a signal that answers nothing is no slower than no signal at all.

Chromium (Debian's /usr/bin/chromium via Playwright, 390x844), a runner whose phone
holds the whole offline set, in three conditions of the same server:

- "server up": the normal case;
- "no signal": the server process stopped (connections refused at once);
- "one bar": the server paused with SIGSTOP (connections accepted, no answer ever):
  the commonest trail condition, and the one a network-first strategy waits on.

For each: opening pages the runner has on the phone (home, a routine, an exercise of the
library, history) from a click on a link until the page's `load` event (the page's own
navigation timing, plus the wall time the click took as Playwright saw it); "Start
session" on a routine page until its first step is on screen; and "Log set" until the
next step is on screen (in the page: a capturing click listener and a MutationObserver,
as bench/browser_step.py). `--repeats` rounds; medians and maxima.

    .venv/bin/python bench/weak_signal.py
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import CHROMIUM, CHROMIUM_ARGS, ROOT, write_result  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.browser.helpers import create_routine, wait_for_offline_set  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
STEP_ARM = """
(n) => {
  const player = document.getElementById('player');
  window.__bench = new Promise((resolve) => {
    const marks = {};
    const mark = () => { marks.t0 = performance.now(); };
    document.addEventListener('click', mark, {capture: true, once: true});
    const observer = new MutationObserver(() => {
      if (document.querySelector(`#step[data-index="${n}"]`)) {
        marks.shown = performance.now();
        observer.disconnect();
        requestAnimationFrame(() => { marks.frame = performance.now(); resolve(marks); });
      }
    });
    observer.observe(player, {childList: true, subtree: true});
  });
}
"""


def register(page) -> None:
    page.goto("/auth/register")
    page.get_by_label("Email").fill(f"weak-{time.monotonic_ns()}@example.com")
    page.get_by_label("Password").fill("long-enough-1")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/get-started")


def open_page(page, url: str) -> dict:
    """Navigate by a link click, as a runner does; the navigation's own timing."""
    page.evaluate(
        "url => { const a = document.createElement('a'); a.href = url; a.id = 'bench-link';"
        " a.textContent = 'go'; document.body.prepend(a); }",
        url,
    )
    started = time.perf_counter()
    page.click("#bench-link")
    page.wait_for_load_state("load")
    wall = (time.perf_counter() - started) * 1000
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {response: n.responseEnd, load: n.loadEventEnd}; }"
    )
    return {"wall_ms": wall, "load_ms": timing["load"], "response_ms": timing["response"]}


def start_and_step(page, routine_id: int, steps: int) -> dict:
    page.goto(f"/routines/{routine_id}")
    started = time.perf_counter()
    page.get_by_role("button", name="Start session").click()
    page.locator("#step").wait_for()
    start_ms = (time.perf_counter() - started) * 1000
    step_ms = []
    for n in range(1, steps):
        page.evaluate(STEP_ARM, n)
        page.locator("#step input[name=pain][value='0']").check(force=True)
        page.locator("#step button[type=submit]").click()
        marks = page.evaluate("() => window.__bench")
        step_ms.append(marks["frame"] - marks["t0"])
    page.get_by_role("button", name="Finish session").click()
    page.locator("#summary").wait_for()
    return {"start_ms": start_ms, "step_ms": step_ms}


def median(values) -> float:
    return round(statistics.median(values), 1)


def measure(page, routine_id: int, library: str, repeats: int) -> dict:
    pages = {
        "home": "/",
        "routine": f"/routines/{routine_id}",
        "exercise": library,
        "history": "/history/",
    }
    opened = {name: [] for name in pages}
    starts, steps = [], []
    for _ in range(repeats):
        page.goto("/")
        for name, url in pages.items():
            opened[name].append(open_page(page, url))
        timing = start_and_step(page, routine_id, 4)
        starts.append(timing["start_ms"])
        steps += timing["step_ms"]
    result = {
        f"open {name}": {
            "load_ms_median": median([t["load_ms"] for t in runs]),
            "load_ms_max": round(max(t["load_ms"] for t in runs), 1),
            "wall_ms_median": median([t["wall_ms"] for t in runs]),
        }
        for name, runs in opened.items()
    }
    result["start session to first step"] = {
        "wall_ms_median": median(starts),
        "max": round(max(starts), 1),
    }
    result["log set to next step"] = {"frame_ms_median": median(steps), "max": round(max(steps), 1)}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="runpt-weak-"))
    server = LiveServer("sqlite:///" + str(workdir / "runpt.sqlite3"), workdir)
    server.start()
    result = {"command": " ".join(sys.argv), "server": server.describe(), "conditions": {}}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=server.url, **PHONE)
            context.set_default_timeout(30000)
            page = context.new_page()
            register(page)
            routine_id = create_routine(
                page, "Weak signal", [("glute-bridge", {"sets": 2, "reps": 5, "rest_s": 0}),
                                      ("clamshell", {"sets": 1, "reps": 5, "rest_s": 0})],
            )  # fmt: skip
            page.goto("/")
            wait_for_offline_set(page)
            library = "/library/side-plank"
            conditions = {
                "server up": (lambda: None, lambda: None),
                "no signal (server stopped)": (server.stop, server.start),
                "one bar (server paused, SIGSTOP)": (server.pause, server.resume),
            }
            for name, (cut, restore) in conditions.items():
                page.goto("/")
                cut()
                try:
                    # The first page after the signal went: the one that may still wait.
                    first = open_page(page, "/history/pain")
                    figures = measure(page, routine_id, library, args.repeats)
                    result["conditions"][name] = {"first page opened": first, **figures}
                finally:
                    restore()
                print(name, result["conditions"][name], flush=True)
            browser.close()
    finally:
        server.stop()
    print("wrote", write_result("weak_signal", result))


if __name__ == "__main__":
    main()
