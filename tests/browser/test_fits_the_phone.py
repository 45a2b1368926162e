"""Every page fits a 360 px phone: no sideways scroll on any page a signed-in runner can
reach, with data in it (the report, charts and tables with ten weeks of sessions, loads
and notes). The pages are the offline set's (every routine's page and player, the
library, home and history) plus the account and settings pages; the player's steps are
walked in tests/browser/test_one_thumb.py."""

import json
import uuid
from datetime import UTC, datetime, timedelta

from tests.browser.helpers import create_routine, register

SMALL_PHONE = {"width": 360, "height": 640}
EXERCISES = [
    ("glute-bridge", None, 12), ("clamshell", "left", 15), ("side-plank", "right", None),
    ("romanian-deadlift", None, 8), ("stability-ball-hamstring-curl", None, 10),
]  # fmt: skip
NOTE = (
    "A long note about how the set felt and what to change next time, with no spaces:"
    "abcdefghijklmnopqrstuvwxyz0123456789"
)


def weeks_of_sessions(weeks: int = 10) -> list[dict]:
    """Sessions of Runner's essentials 2-3 times a week, with loads, pain, long notes and
    a pain stop: what makes tables and charts wide."""
    events, now = [], datetime.now(UTC)
    for week in range(weeks):
        for day in (1, 3, 5)[: 2 + week % 2]:
            start = now - timedelta(weeks=week, days=day)
            session = str(uuid.uuid4())

            def event(kind, at, data, session=session):
                return {"id": str(uuid.uuid4()), "type": kind, "at": at.isoformat(),
                        "session": session, "data": data}  # fmt: skip

            events.append(event("session.started", start, {"routine": "runners-essentials"}))
            for number, (slug, side, reps) in enumerate(EXERCISES, start=1):
                data = {"exercise": slug, "set": 1, "side": side, "pain": (week + number) % 7,
                        "rpe": 7, "load_kg": 22.5 if reps == 8 else None, "note": NOTE}  # fmt: skip
                data["reps" if reps else "hold_s"] = reps or 30
                events.append(event("set.logged", start + timedelta(minutes=number), data))
            if week == 1:
                events.append(event("exercise.stopped", start + timedelta(minutes=9), {
                    "exercise": "clamshell", "set": 1, "side": "left", "reason": "pain",
                    "pain": 7, "choice": "easier"}))  # fmt: skip
            events.append(event("session.finished", start + timedelta(minutes=25), {}))
    return events


def test_no_page_scrolls_sideways_at_360_px(browser, server):
    context = browser.new_context(
        base_url=server.url, viewport=SMALL_PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        register(page)
        page.goto("/settings")
        page.get_by_label("Knee pain").check()
        page.get_by_label("Pounds (lb)").check()
        page.get_by_role("button", name="Save settings").click()
        own = create_routine(page, "A routine with a rather long name for a small phone screen",
                             [("glute-bridge", {"sets": 2})])  # fmt: skip
        events = weeks_of_sessions()
        for start in range(0, len(events), 500):
            answer = page.request.post("/api/sync", data={"events": events[start : start + 500]})
            assert answer.ok, answer.text()

        manifest = json.loads(page.request.get("/offline/urls").text())
        answer = page.request.get("/offline/units?library=1&pages=1")
        assert answer.ok, (answer.status, answer.text()[:2000])
        units = json.loads(answer.text())["units"]
        paths = [url for r in manifest["routines"] for url in r["urls"] if "/steps/" not in url]
        paths += [path for unit in units for path in unit["pages"]]
        paths += ["/settings", "/get-started", "/auth/account", "/auth/password",
                  "/auth/delete", f"/routines/{own}/edit", "/history/?all=1",
                  "/library/?problem=knee-pain"]  # fmt: skip
        assert len(paths) > 80 and "/history/report" in paths

        too_wide = {}
        for path in dict.fromkeys(paths):
            page.goto(path)
            width = page.evaluate(
                "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
            )
            if width[0] > width[1]:
                too_wide[path] = width
        assert too_wide == {}
    finally:
        context.close()


# How many lines an element's text takes on screen: the distinct tops of its text's
# boxes (the 1 px boxes of text for screen readers only are left out).
LINES = """(element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const shown = [...range.getClientRects()].filter((box) => box.width > 1 && box.height > 1);
    return new Set(shown.map((box) => Math.round(box.top))).size;
}"""


def test_the_calendar_keeps_each_week_on_one_line_at_360_px(browser, server):
    context = browser.new_context(
        base_url=server.url, viewport=SMALL_PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        register(page)
        own = create_routine(page, "One set", [("glute-bridge", {"sets": 1})])
        events, now = [], datetime.now(UTC)
        for days_ago in (7, 9, 11, 14, 16, 18):  # whole sessions: 3 a week, weeks that count
            at, session = now - timedelta(days=days_ago), str(uuid.uuid4())
            for kind, data in [("session.started", {"routine": own}),
                               ("set.logged", {"exercise": "glute-bridge", "set": 1, "reps": 10}),
                               ("session.finished", {})]:  # fmt: skip
                events.append({"id": str(uuid.uuid4()), "type": kind, "at": at.isoformat(),
                               "session": session, "data": data})  # fmt: skip
        answer = page.request.post("/api/sync", data={"events": events})
        assert answer.ok, answer.text()
        page.goto("/history/")
        calendar = page.locator("[data-calendar]")
        assert calendar.locator("thead th").last.evaluate(LINES) == 1  # "Total", not "Tot al"
        met = calendar.locator("tr.met td.count")
        assert met.count() >= 2
        assert met.evaluate_all(f"cells => cells.map({LINES})") == [1] * met.count()  # "3 ✓"
    finally:
        context.close()


def test_a_link_to_part_of_a_page_lands_below_the_sticky_header(browser, server):
    context = browser.new_context(
        base_url=server.url, viewport=SMALL_PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        register(page)
        # The player's "Spoken steps for every session: Settings" link, and home's "Pick
        # your training days", open these: the card's heading must not be under the header.
        for target in ["voice", "days"]:
            page.goto(f"/settings#{target}")
            header = page.locator("header.top").bounding_box()
            card = page.locator(f"#{target}").bounding_box()
            assert page.evaluate("window.scrollY") > 0, target  # it did scroll to the card
            assert card["y"] >= header["y"] + header["height"], target
    finally:
        context.close()
