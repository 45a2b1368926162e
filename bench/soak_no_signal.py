"""Issue #12 item 7(d), at length: hundreds of seeded schedules of server stops and
starts, page reloads and corrections while a runner steps through a session, each
checked as the test suite checks its twenty (tests/browser/no_signal.py): the server
ends up holding every step once in the derived session, exactly the events the phone
made, and the session finished. Nothing is timed; a failure stops the run with its seed
and what the schedule did.

    .venv/bin/python bench/soak_no_signal.py --schedules 200
    .venv/bin/python bench/soak_no_signal.py --first-seed 1000 --schedules 50
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import CHROMIUM, CHROMIUM_ARGS, ROOT, write_result  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.browser.helpers import create_routine, wait_for_offline_set  # noqa: E402
from tests.browser.no_signal import SOAK_ROUTINE, run_schedule  # noqa: E402
from tests.live_server import LiveServer, free_port  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schedules", type=int, default=200)
    parser.add_argument("--first-seed", type=int, default=100)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="runpt-soak-"))
    # A fixed port: the service worker and the outbox belong to the origin.
    server = LiveServer("sqlite:///" + str(workdir / "runpt.sqlite3"), workdir, port=free_port())
    server.start()
    done, actions, started = [], 0, time.monotonic()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=server.url, **PHONE)
            context.set_default_timeout(20000)
            page = context.new_page()
            page.goto("/auth/register")
            page.get_by_label("Email").fill(f"soak-{time.monotonic_ns()}@example.com")
            page.get_by_label("Password").fill("long-enough-1")
            page.get_by_role("button", name="Create account").click()
            page.wait_for_url("**/get-started")
            routine_id = create_routine(page, "Soak", SOAK_ROUTINE)
            wait_for_offline_set(page)
            for seed in range(args.first_seed, args.first_seed + args.schedules):
                schedule = run_schedule(page, server, routine_id, seed)
                done.append(seed)
                actions += len(schedule.actions)
                if len(done) % 10 == 0:
                    print(
                        f"{len(done)} schedules, {actions} stops, starts, reloads and "
                        "corrections: 0 sets lost, 0 counted twice",
                        flush=True,
                    )
            browser.close()
    finally:
        server.stop()
    result = {
        "command": " ".join(sys.argv),
        "schedules": len(done),
        "seeds": [done[0], done[-1]] if done else [],
        "actions": actions,
        "sets_lost": 0,
        "sets_counted_twice": 0,
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    print("wrote", write_result("soak_no_signal", result))


if __name__ == "__main__":
    main()
