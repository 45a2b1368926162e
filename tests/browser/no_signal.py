"""Running sessions while the server comes and goes: shared by the browser tests and the
soak benchmark (bench/soak_no_signal.py), so the suite's 20 schedules and the soak's
hundreds are the same thing."""

import json
import random
from dataclasses import dataclass, field

from playwright.sync_api import expect

from tests.browser.helpers import log_set, outbox_for, reload_once_kept, runner_id, wait_until

# A short routine with the shapes that matter: a one-sided exercise (left and right
# steps) and a plain one, no rests, so a schedule is a few seconds of stepping.
SOAK_ROUTINE = [
    ("clamshell", {"sets": 2, "reps": 5, "rest_s": 0}),
    ("glute-bridge", {"sets": 2, "reps": 5, "rest_s": 0}),
]
SOAK_STEPS = 6


def server_events(page) -> list[dict]:
    """Every event the server holds for the signed-in runner, as the export gives them."""
    response = page.request.get("/history/export.json")
    assert response.status == 200, response.text()
    return json.loads(response.text())["events"]


def server_session(page, session: str) -> dict | None:
    sessions = json.loads(page.request.get("/api/sessions").text())["sessions"]
    return next((s for s in sessions if s["id"] == session), None)


def current_session(page) -> str:
    return page.evaluate(
        "u => RunptOutbox.loadSession(u).then(r => r && r.session)", runner_id(page)
    )


@dataclass
class Schedule:
    """What one seeded schedule did, for the checks and for a failure's message."""

    seed: int
    actions: list[str] = field(default_factory=list)
    corrections: int = 0


def toggle(server, schedule: Schedule) -> None:
    if server.process is None:
        server.start()
        schedule.actions.append("start")
    else:
        server.stop()
        schedule.actions.append("stop")


def run_schedule(page, server, routine_id: int, seed: int) -> Schedule:
    """One session of the soak routine with the server stopped and started at random
    between steps, the page now and then reloaded (a killed app resumed) and a set now
    and then corrected after Back. Ends with the server up and everything synced; then
    the server must hold every step once in the derived session, and exactly the events
    the phone made."""
    rng = random.Random(seed)
    schedule = Schedule(seed)
    page.goto(f"/routines/{routine_id}")
    page.get_by_role("button", name="Start session").click()
    expect(page.locator("#step")).to_be_visible()
    session = current_session(page)
    for step in range(SOAK_STEPS):
        if rng.random() < 0.35:
            toggle(server, schedule)
        if rng.random() < 0.15:
            schedule.actions.append(f"reload at {step}")
            reload_once_kept(page)
            expect(page.locator(f"#step[data-index='{step}']")).to_be_visible()
        if step and rng.random() < 0.15:
            schedule.actions.append(f"back at {step}")
            page.get_by_role("button", name="Back").click()
            log_set(page, pain=rng.randint(0, 5))
            schedule.corrections += 1
        log_set(page, pain=rng.randint(0, 5))
    expect(page.locator("#summary")).to_be_visible()
    if server.process is None:
        server.start()
    page.goto("/")
    user = runner_id(page)
    assert wait_until(lambda: outbox_for(page, user) == 0, timeout=20), schedule
    check_stored_once(page, session, schedule)
    return schedule


def check_stored_once(page, session: str, schedule: Schedule) -> None:
    derived = server_session(page, session)
    assert derived is not None, schedule
    steps = {(s["exercise"], s["set"], s["side"]) for s in derived["sets"]}
    assert len(derived["sets"]) == SOAK_STEPS == len(steps), (schedule, derived["sets"])
    events = [e for e in server_events(page) if e["session"] == session]
    logged = [e for e in events if e["type"] == "set.logged"]
    assert len(logged) == SOAK_STEPS + schedule.corrections, (schedule, logged)
    assert len({e["id"] for e in events}) == len(events)
    assert derived["finished_at"] is not None, schedule
