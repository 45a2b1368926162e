"""Item 3: in Chromium (Debian's /usr/bin/chromium via Playwright, phone viewport
390x844), the time from the click on "Log set" to the next step on screen, for every
step of a built-in routine, in three modes:

- "online, service worker": the normal case; the page is controlled by the service
  worker, which answers step fragments from its cache at once (cache-first) and
  refreshes them from the network behind the scenes;
- "offline, service worker": context.set_offline(True) after the worker kept the
  offline set (RunptOutbox.getMeta('offline:'+user) is set); the player page itself is
  opened offline, from the worker's cache;
- "online, no service worker": service workers blocked, every fragment from gunicorn
  (what a first visit sees before the worker is installed).

Timing is taken in the page (performance.now()): a capturing "click" listener on the
document marks t0 when the real click (Playwright mouse) arrives; a MutationObserver on
#player marks when a new #step element is inserted and when #step[data-index=n+1] is
there (htmx settles attributes ~20 ms after the swap), and a requestAnimationFrame after
that marks the next frame. Median over all steps of the routine (the last "Log set"
shows the summary and is not a step change).

    .venv/bin/python bench/browser_step.py      # the first built-in routine, Runner's essentials
    .venv/bin/python bench/browser_step.py --name browser_step-before   # another result file
    .venv/bin/python bench/browser_step.py --cpu-profile   # also a JS CPU profile per mode
    .venv/bin/python bench/browser_step.py --cpu-slowdown 4   # a mid-range phone (issue 27)

With --cpu-slowdown N, every page runs under the DevTools protocol's
Emulation.setCPUThrottlingRate N (4 is Lighthouse's mobile stand-in for a mid-range
Android phone), set through a DevTools session of the bench's own that stays attached
for the whole context. Playwright's "offline" doesn't reach a page with such a session
(navigator.onLine stays true), so offline is also said through that session
(Network.emulateNetworkConditions), as DevTools' own "Offline" does.

With --trace, a Performance trace (the DevTools Performance panel's categories) of
each mode's whole session: `<name>-<mode>.trace.json` (load it in that panel) and, in
the result file, the main thread's self time per kind of work (script, style, layout,
paint, HTML parsing, GC...) per step, and how many layouts were forced from script.

With --cpu-profile, Chromium's sampling profiler (DevTools protocol, 100 µs) runs over
the online service-worker session: `<name>-<mode>.cpuprofile` (open it in Chromium's
DevTools, Performance panel) and `<name>-profile.txt`, the functions with the most
self time.
"""

import argparse
import collections
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    RESULTS,
    ROOT,
    Server,
    running,
    write_result,
)

sys.path.insert(0, str(ROOT))
from tests.browser.helpers import answer_red_flags, wait_for_offline_set  # noqa: E402

ARM = """
(n) => {
  const player = document.getElementById('player');
  const old = document.getElementById('step');
  const marks = {};
  window.__bench = new Promise((resolve) => {
    const mark = () => { marks.t0 = performance.now(); performance.mark('bench-tap'); };
    document.addEventListener('click', mark, {capture: true, once: true});
    const check = () => {
      const step = document.getElementById('step');
      // A new #step element, or (the player morphs the step on screen into the next)
      // the same element now saying it is step n: the next step's content is in.
      const changed = step && (step !== old || step.dataset.index === String(n));
      if (!marks.inserted && changed) marks.inserted = performance.now();
      if (!marks.indexed && step && step.matches(`#step[data-index="${n}"]`)) {
        marks.indexed = performance.now();
        observer.disconnect();
        requestAnimationFrame(() => {
          marks.frame = performance.now();
          performance.mark('bench-frame');
          resolve(marks);
        });
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(player, {childList: true, subtree: true, attributes: true});
  });
  return true;
}
"""
# The marks, or an error rather than a wait for ever when no next step comes.
WAIT = """
() => Promise.race([window.__bench, new Promise((_, fail) => setTimeout(
  () => fail(new Error('no next step within 20 s of Log set')), 20000))])
"""


def register(page, email):
    page.goto("/auth/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/get-started")


def run_session(page, routine_id: int) -> list[dict]:
    print(f"  session: /session/{routine_id}", file=sys.stderr, flush=True)
    page.goto(f"/session/{routine_id}")
    page.wait_for_timeout(300)  # the phone fills in (and folds) answers given before
    if page.locator("[data-start-check-fields]").is_visible():
        answer_red_flags(page)  # the first session: its red flags before set 1
    page.get_by_role("button", name="Start session").click()
    page.locator("#step").wait_for()
    total = int(page.locator("#step").get_attribute("data-total"))
    samples = []
    for n in range(1, total):
        assert page.locator("#step").get_attribute("data-index") == str(n - 1)
        # Pain is asked on every set (Log set with none asks first): 0, as a runner taps.
        page.locator("#step input[name=pain][value='0']").check(force=True)
        before = page.locator("#step").get_attribute("data-exercise-no")
        page.evaluate(ARM, n)
        page.locator("#step button[type=submit]").click()
        marks = page.evaluate(WAIT)
        print(f"  step {n}/{total - 1}", end="\r", file=sys.stderr, flush=True)
        samples.append(
            {
                "to": n,
                # Another exercise: a new figure, cues and form; the same: a few words.
                "new_exercise": page.locator("#step").get_attribute("data-exercise-no") != before,
                "insert_ms": marks["inserted"] - marks["t0"],
                "index_ms": marks["indexed"] - marks["t0"],
                "frame_ms": marks["frame"] - marks["t0"],
            }
        )
    page.locator("#step input[name=pain][value='0']").check(force=True)
    page.locator("#step button[type=submit]").click()
    page.locator("#summary").wait_for()
    return samples


def throttled(context, page, rate: float):
    """A DevTools session on `page` that slows its CPU down `rate` times (1: none)."""
    cdp = context.new_cdp_session(page)
    if rate > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    return cdp


def go_offline(context, cdp) -> None:
    context.set_offline(True)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "disabled-by-default-devtools.timeline.stack",  # the script that forced a layout
    "v8.execute",
    "blink.user_timing",
    "loading",
    "disabled-by-default-v8.cpu_profiler",  # JS samples on the trace's clock
]
# Work that runs script: a Layout or a style recalculation inside one was forced by it.
SCRIPT_EVENTS = {
    "FunctionCall",
    "EventDispatch",
    "TimerFire",
    "FireAnimationFrame",
    "v8.callFunction",
}


def main_thread_self_times(trace_path, steps: int) -> dict:
    """Self time per event name on the renderer's main thread(s) of a trace, in ms per
    step, and the layouts and style recalculations that script forced."""
    events = json.loads(Path(trace_path).read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"
    }
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and (e["pid"], e["tid"]) in main and "dur" in e:
            by_thread[(e["pid"], e["tid"])].append(e)
    # The windows from each tap to the frame after the next step (the marks ARM makes).
    taps = sorted(e["ts"] for e in events if e.get("name") == "bench-tap")
    frames = sorted(e["ts"] for e in events if e.get("name") == "bench-frame")
    windows = [(t, next((f for f in frames if f > t), t)) for t in taps]

    def in_window(ts):
        return any(start <= ts <= end for start, end in windows)

    self_us = collections.Counter()
    window_us = collections.Counter()
    forced = collections.Counter()
    for thread in by_thread.values():
        thread.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # [event, children's time]
        for e in thread:
            while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
                done, children = stack.pop()
                self_us[done["name"]] += max(0, done["dur"] - children)
                if in_window(done["ts"]):
                    window_us[done["name"]] += max(0, done["dur"] - children)
            if stack:
                stack[-1][1] += e["dur"]
                if e["name"] in ("Layout", "UpdateLayoutTree") and any(
                    s[0]["name"] in SCRIPT_EVENTS for s in stack
                ):
                    forced[e["name"]] += 1
            stack.append([e, 0])
        for done, children in stack:
            self_us[done["name"]] += max(0, done["dur"] - children)
    total = sum(self_us.values())
    per_step = max(1, steps)
    return {
        "main_thread_ms_per_step": round(total / 1000 / per_step, 2),
        "self_ms_per_step": {
            name: round(us / 1000 / per_step, 2) for name, us in self_us.most_common(20)
        },
        "forced_by_script_per_step": {k: round(v / per_step, 2) for k, v in forced.items()},
        "tap_to_frame_windows": len(windows),
        "tap_to_frame_self_ms_per_step": {
            name: round(us / 1000 / max(1, len(windows)), 2)
            for name, us in window_us.most_common(20)
        },
    }


def profiled(cdp, session):
    """Run `session()` under Chromium's sampling profiler; (its result, the profile)."""
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 100})
    cdp.send("Profiler.start")
    result = session()
    return result, cdp.send("Profiler.stop")["profile"]


def self_times(profile: dict, top: int = 25) -> list[str]:
    """The functions with the most self time in a .cpuprofile, as text lines."""
    interval_ms = (
        (profile["endTime"] - profile["startTime"]) / 1000 / max(1, len(profile["samples"]))
    )
    hits = collections.Counter(profile["samples"])
    by_function = collections.Counter()
    for node in profile["nodes"]:
        frame = node["callFrame"]
        where = frame["url"].rsplit("/", 1)[-1] or "(native)"
        name = f"{frame['functionName'] or '(anonymous)'}  {where}:{frame['lineNumber'] + 1}"
        by_function[name] += hits.get(node["id"], 0) * interval_ms
    total = sum(by_function.values()) or 1
    return [
        f"{ms:9.1f} ms {100 * ms / total:5.1f}%  {name}"
        for name, ms in by_function.most_common(top)
    ]


def spread(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "median": round(statistics.median(values), 1),
        "p90": round(values[int(0.9 * (len(values) - 1))], 1),
        "p95": round(values[round(0.95 * (len(values) - 1))], 1),
        "max": round(values[-1], 1),
    }


def summary(samples: list[dict]) -> dict:
    out = {"steps": len(samples)}
    for key in ("insert_ms", "index_ms", "frame_ms"):
        out[key] = spread([s[key] for s in samples])
    # Taps that stay in one exercise (the next set or side) and taps onto another one.
    for kind, new in (("same_exercise", False), ("new_exercise", True)):
        frames = [s["frame_ms"] for s in samples if s["new_exercise"] == new]
        if frames:
            out[f"frame_ms_{kind}"] = {"taps": len(frames), **spread(frames)}
    out["per_step"] = samples
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", default="browser_step", help="bench/results/<name>.json")
    parser.add_argument("--cpu-profile", action="store_true")
    parser.add_argument("--trace", action="store_true", help="a Performance trace per mode")
    parser.add_argument(
        "--reduced-motion",
        action="store_true",
        help="prefers-reduced-motion: reduce (no figure animation): how much the motion costs",
    )
    parser.add_argument(
        "--cpu-slowdown", type=float, default=1, help="CPU throttling rate (4: mid-range phone)"
    )
    args = parser.parse_args()
    profiles = {}
    traces = {}

    def session_in(cdp, page, routine_id, mode):
        if args.trace:
            path = RESULTS / f"{args.name}-{mode}.trace.json"
            browser.start_tracing(page=page, path=str(path), categories=TRACE_CATEGORIES)
            try:
                samples = run_session(page, routine_id)
            finally:
                browser.stop_tracing()
            traces[mode] = main_thread_self_times(path, len(samples))
            return samples
        if not args.cpu_profile:
            return run_session(page, routine_id)
        samples, profiles[mode] = profiled(cdp, lambda: run_session(page, routine_id))
        return samples

    from playwright.sync_api import sync_playwright

    server = Server(workers=2, threads=4)
    result = {
        "command": " ".join(sys.argv),
        "server": server.describe(),
        "cpu_slowdown": args.cpu_slowdown,
        "reduced_motion": args.reduced_motion,
        "loadavg_at_start": os.getloadavg(),
        "modes": {},
    }
    with running(server), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        phone = {
            "viewport": {"width": 390, "height": 844},
            "is_mobile": True,
            "has_touch": True,
            "device_scale_factor": 2,
            "reduced_motion": "reduce" if args.reduced_motion else "no-preference",
        }

        # 1. No service worker: every fragment from the server.
        context = browser.new_context(base_url=server.url, service_workers="block", **phone)
        page = context.new_page()
        cdp = throttled(context, page, args.cpu_slowdown)
        register(page, f"nosw-{time.monotonic_ns()}@example.com")
        offline_set = page.request.get("/offline/urls").json()
        routine_id = next(r["id"] for r in offline_set["routines"])
        page.goto(f"/routines/{routine_id}")
        result["routine_id"] = routine_id
        samples = session_in(cdp, page, routine_id, "no-sw")
        result["modes"]["online, no service worker (gunicorn)"] = summary(samples)
        context.close()

        # 2. and 3. With the service worker, online then offline.
        context = browser.new_context(base_url=server.url, **phone)
        page = context.new_page()
        register(page, f"sw-{time.monotonic_ns()}@example.com")
        result["offline_set_kept"] = wait_for_offline_set(page, timeout=60)["routines"]
        cdp = throttled(context, page, args.cpu_slowdown)
        samples = session_in(cdp, page, routine_id, "online")
        assert page.evaluate("!!navigator.serviceWorker.controller")
        result["modes"]["online, service worker"] = summary(samples)
        go_offline(context, cdp)
        samples = session_in(cdp, page, routine_id, "offline")
        assert page.evaluate("!navigator.onLine")
        result["modes"]["offline, service worker"] = summary(samples)
        context.close()
        browser.close()
    if traces:
        result["trace_main_thread"] = traces
    for mode, figures in result["modes"].items():
        shown = {key: value for key, value in figures.items() if key != "per_step"}
        print(f"{mode:40} {shown}", flush=True)
    print("wrote", write_result(args.name, result))
    lines = []
    for mode, profile in profiles.items():
        path = RESULTS / f"{args.name}-{mode}.cpuprofile"
        path.write_text(json.dumps(profile))
        lines += [
            f"== {mode}: a whole session, self time",
            *self_times(profile),
            "",
        ]
        print("wrote", path)
    if lines:
        (RESULTS / f"{args.name}-profile.txt").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
