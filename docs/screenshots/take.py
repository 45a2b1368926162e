"""Take the README's screenshots: a throwaway server, a runner who answered the
first-run questions and has ten weeks of sessions synced through /api/sync, and
Chromium at 390x844 (phone), light and dark; and a new runner's first run to the red
flags before set 1 (`first_run_to_red_flags`, alone with the argument "red-flags").

    .venv/bin/python docs/screenshots/take.py [red-flags]

Writes docs/screenshots/*.png. Uses Debian's /usr/bin/chromium (never a download).
"""

import random
import re
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "bench"))
sys.path.insert(0, str(HERE.parent.parent))
from common import Server, running  # noqa: E402

from tests.browser.helpers import answer_red_flags, wait_for_offline_set  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ZONE = timezone(timedelta(hours=1))
EXERCISES = [  # (slug, per side, hold seconds or reps)
    ("glute-bridge", False, None, 10),
    ("clamshell", True, None, 10),
    ("double-leg-calf-raise", False, None, 12),
    ("side-plank", True, 30, None),
    ("step-down", True, None, 8),
]


def ten_weeks_of_sessions(rng: random.Random) -> list[dict]:
    """2-3 sessions a week for ten weeks, getting a little stronger, right side weaker."""
    events = []
    now = datetime.now(UTC).astimezone(ZONE)
    monday = (now - timedelta(days=now.weekday())).replace(hour=7, minute=10, second=0)
    for week in range(10, 0, -1):
        for day in rng.sample([0, 2, 4, 5], rng.choice([2, 3])):
            start = monday - timedelta(weeks=week) + timedelta(days=day)
            events += one_session(start, progress=(10 - week) / 10, rng=rng)
    yesterday = (now - timedelta(days=1)).replace(hour=18, minute=30, second=0)
    events += one_session(yesterday, progress=1.0, rng=rng)
    return events


def one_session(start: datetime, progress: float, rng: random.Random) -> list[dict]:
    session = str(uuid.uuid4())

    def event(kind, at, data):
        return {"id": str(uuid.uuid4()), "type": kind, "at": at.isoformat(),
                "session": session, "data": data}  # fmt: skip

    events = [event("session.started", start, {"routine": "runners-essentials"})]
    moment = start
    for slug, per_side, hold, reps in EXERCISES:
        for number in (1, 2, 3):
            for side in ("left", "right") if per_side else (None,):
                moment += timedelta(seconds=70)
                weaker = 0.82 if side == "right" and slug == "clamshell" else 1.0
                pain = max(0, round(3.5 - 3 * progress + rng.random()))  # settles over weeks
                data = {"exercise": slug, "set": number, "side": side,
                        "rpe": rng.choice([6, 6, 7]), "pain": pain}  # fmt: skip
                if hold:
                    data["hold_s"] = round((hold + 15 * progress) * weaker)
                else:
                    data["reps"] = round((reps + 5 * progress) * weaker)
                events.append(event("set.logged", moment, data))
    events.append(event("session.finished", moment + timedelta(minutes=2), {}))
    return events


def main() -> None:
    rng = random.Random(7)
    only_red_flags = sys.argv[1:] == ["red-flags"]
    with running(Server()) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        first_run_to_red_flags(browser, server)
        for scheme in () if only_red_flags else ("light", "dark"):
            context = browser.new_context(
                base_url=server.url, viewport={"width": 390, "height": 844}, is_mobile=True,
                has_touch=True, device_scale_factor=2, color_scheme=scheme,
            )  # fmt: skip
            page = context.new_page()
            page.goto("/auth/register")
            page.get_by_label("Email").fill(f"screens-{scheme}@example.com")
            page.get_by_label("Password").fill("long-enough-1")
            page.get_by_role("button", name="Create account").click()
            page.wait_for_url("**/get-started")
            if scheme == "light":
                answer_first_questions(page)
            events = ten_weeks_of_sessions(rng)
            for start in range(0, len(events), 500):
                answer = page.request.post(
                    "/api/sync", data={"events": events[start : start + 500]},
                    headers={"Origin": server.url},
                )  # fmt: skip
                assert answer.ok, answer.text()
            page.goto("/history/training-days")
            for day in ("Monday", "Wednesday", "Friday"):
                page.get_by_label(day).check()
            page.get_by_label("Time of day").fill("07:15")
            page.get_by_role("button", name="Save training days").click()
            take(page, scheme)
            context.close()
        browser.close()


def first_run_to_red_flags(browser, server) -> None:
    """A new runner with sore shins: right after the two questions, home shows Shin
    care's red flags (first-run.png); its Start opens the player to the red flags and the
    triage question, before set 1 (red-flags.png)."""
    context = browser.new_context(
        base_url=server.url, viewport={"width": 390, "height": 844}, is_mobile=True,
        has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    page = context.new_page()
    page.goto("/auth/register")
    page.get_by_label("Email").fill("screens-shins@example.com")
    page.get_by_label("Password").fill("long-enough-1")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/get-started")
    page.get_by_label("Shin splints").check()
    page.get_by_role("button", name="Show me my first session").click()
    page.wait_for_url(re.compile(r"/$"))
    page.wait_for_timeout(600)
    page.screenshot(path=str(HERE / "first-run.png"))
    page.get_by_role("button", name="Start session").click()
    page.wait_for_selector("[data-start-check-fields]")
    page.wait_for_timeout(600)
    page.screenshot(path=str(HERE / "red-flags.png"))
    context.close()


def answer_first_questions(page) -> None:
    """The two questions a new runner meets right after signing up."""
    page.get_by_label("Stay injury-free").check()
    page.get_by_label("Friday").check()  # Monday and Wednesday come suggested
    page.get_by_role("button", name="Show me my first session").click()
    page.wait_for_url(re.compile(r"/$"))


def take(page, scheme: str) -> None:
    def shot(name: str, full: bool = False):
        page.wait_for_timeout(600)
        page.screenshot(path=str(HERE / f"{name}.png"), full_page=full)

    if scheme == "light":
        page.goto("/")
        shot("home")
        page.goto("/history/")
        shot("history")
        page.goto("/history/progress/clamshell")
        # The chart whole, its legend at the bottom of the screen, the left/right card above.
        page.locator("#progress-chart").evaluate(
            "chart => chart.closest('figure').scrollIntoView({block: 'end'})"
        )
        shot("progress")
        page.goto("/library/")
        shot("library")
        page.goto("/capacity/heel-raise")
        page.get_by_role("button", name="Start the metronome").click()
        page.wait_for_timeout(5200)  # a few raises counted
        scroll_below_header(page, "[data-capacity-side]")
        shot("capacity")
        page.goto("/sharing")
        page.get_by_label("Who is it for?").fill("Anna, physio")
        page.get_by_role("button", name="Make a link").click()
        page.locator("[data-new-link]").scroll_into_view_if_needed()
        shot("sharing")
        # The phone keeps each routine's steps as drawn with the runner's logs ("Last time",
        # the suggestion); the ten weeks came in through the API, behind its back, so wait
        # for the copies of the routines to be redrawn from them before a session starts.
        wait_for_offline_set(page, timeout=120)
        page.goto("/routines")
        page.get_by_role("link", name=re.compile("Runner's essentials")).click()
        answer_red_flags(page)  # the first time: its red flags before set 1
        page.get_by_role("button", name="Start session").click()
        page.wait_for_selector("#step")
        while page.locator("#step").get_attribute("data-exercise") != "glute-bridge":
            index = page.locator("#step").get_attribute("data-index")
            page.get_by_role("button", name="Skip", exact=True).click()
            page.wait_for_selector(f"#step:not([data-index='{index}'])")
        page.wait_for_timeout(2500)
        page.evaluate("window.scrollTo(0, 0)")
        shot("step")
        page.get_by_role("button", name="Phone on the floor").click()
        page.wait_for_timeout(1500)
        shot("floor")
        page.locator("[data-floor-hint]").click()  # the big tap: the set is done
        shot("floor-pain")
    else:
        page.goto("/history/pain")
        shot("pain-dark")
        page.goto("/library/side-plank")
        shot("exercise-dark")


def scroll_below_header(page, selector: str) -> None:
    """Scroll so that `selector` starts just under the sticky header, as a thumb would."""
    page.evaluate(
        """(selector) => {
            const header = document.querySelector("header.top").getBoundingClientRect().bottom;
            const top = document.querySelector(selector).getBoundingClientRect().top;
            window.scrollTo(0, top + window.scrollY - header - 8);
        }""",
        selector,
    )


if __name__ == "__main__":
    main()
