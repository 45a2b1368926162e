"""Issue #12 item 2: what keeping the offline set costs in requests and bytes.

Chromium (Debian's /usr/bin/chromium via Playwright, 390x844) against gunicorn with an
access log; every request the server answers is counted by path, with its body bytes
as sent (compressed). Two moments:

1. "first offline set": a new runner registers; every request the service worker makes
   for the offline set until the server has seen none for 5 s (the 7 built-in routines,
   the library and the runner's pages);
2. "after one Accept": two synced sessions make a progression suggestion on Runner's
   essentials; the runner taps "Accept in my copy" and stays on the copy's page; every
   offline-set request in the next 30 s.

The measure is the server's own log, so the same script measures an older checkout
(export its runpt next to this bench/ and tests/live_server.py, as bench/README.md shows).

    .venv/bin/python bench/offline_requests.py
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import CHROMIUM, CHROMIUM_ARGS, ROOT, write_result  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.live_server import LiveServer, free_port  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def offline_set_requests(server, since: int) -> list:
    """What the service worker fetched to keep the offline set: its background copies
    (marked X-Runpt-Offline-Copy, older versions and this one alike) and the manifest
    (which older versions fetched unmarked). Not the pages the runner opened."""
    made = server.requests_made()[since:]
    return [r for r in made if r[0] == "GET" and (r[4] or r[1] == "/offline/urls")]


def wait_quiet(server, seconds: float, limit: float = 120) -> None:
    """Until the server has answered nothing new for `seconds`."""
    server.quiet_for(seconds, limit)


def totals(requests: list) -> dict:
    return {
        "requests": len(requests),
        "bytes": sum(r[3] for r in requests),
        "distinct_paths": len({r[1] for r in requests}),
        "by_path": sorted({r[1] for r in requests})[:12],
    }


def sessions_for_a_suggestion() -> list[dict]:
    """Two sessions of Runner's essentials, 7 days apart, every glute-bridge set done
    pain-free and easy, with a good next morning."""
    events = []
    for days in (10, 3):
        when = datetime.now(UTC) - timedelta(days=days)
        session = str(uuid.uuid4())

        def event(kind, data, at=when, session=session):
            return {"id": str(uuid.uuid4()), "type": kind, "at": at.isoformat(),
                    "session": session, "data": data}  # fmt: skip

        events.append(event("session.started", {"routine": "runners-essentials"}))
        for set_no in (1, 2, 3):
            events.append(event("set.logged", {"exercise": "glute-bridge", "set": set_no,
                                               "reps": 10, "rpe": 5, "pain": 0}))  # fmt: skip
        events.append(event("session.finished", {}))
        events.append(event("morning.checked", {"feel": "better"}, when + timedelta(hours=20)))
    return events


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", default="offline_requests")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="runpt-offline-requests-"))
    server = LiveServer("sqlite:///" + str(workdir / "runpt.sqlite3"), workdir, port=free_port())
    server.start()
    result = {"command": " ".join(sys.argv)}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(base_url=server.url, **PHONE).new_page()
            since = len(server.requests_made())
            page.goto("/auth/register")
            page.get_by_label("Email").fill(f"requests-{time.monotonic_ns()}@example.com")
            page.get_by_label("Password").fill("long-enough-1")
            page.get_by_role("button", name="Create account").click()
            page.wait_for_url("**/get-started")
            wait_quiet(server, 5)
            result["first offline set"] = totals(offline_set_requests(server, since))
            answer = page.request.post("/api/sync", data={"events": sessions_for_a_suggestion()})
            assert answer.status == 200, answer.text()
            manifest = json.loads(page.request.get("/offline/urls").text())
            # Runner's essentials is the first built-in (older manifests carry no names).
            essentials = next(
                (r["id"] for r in manifest["routines"] if r.get("name") == "Runner's essentials"),
                manifest["routines"][0]["id"],
            )
            # The logs came from elsewhere (as from another device): the next page the
            # phone opens keeps what they changed; then the routine shows its suggestion.
            page.goto("/")
            wait_quiet(server, 5)
            page.goto(f"/routines/{essentials}")
            wait_quiet(server, 5)
            since = len(server.requests_made())
            page.get_by_role("button", name="Accept in my copy").first.click()
            page.wait_for_url(re.compile(r"/routines/\d+$"))
            time.sleep(30)
            result["after one Accept (30 s)"] = totals(offline_set_requests(server, since))
            browser.close()
    finally:
        server.stop()
    for moment in ("first offline set", "after one Accept (30 s)"):
        print(moment, {k: v for k, v in result[moment].items() if k != "by_path"}, flush=True)
    print("wrote", write_result(args.name, result))


if __name__ == "__main__":
    main()
