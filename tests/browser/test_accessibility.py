"""axe-core finds no violation on any page of runpt, in light and dark mode, including a
step with a running timer; and a whole set can be logged by keyboard alone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    outbox_for,
    register,
    runner_id,
    server_sessions,
    start_session,
    wait_until,
)
from tests.browser.test_history import pretend_the_session_was_yesterday

AXE = Axe()


def violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation_on_any_page(page, scheme):
    page.emulate_media(color_scheme=scheme)
    found: list[str] = []

    def check(path: str | None = None):
        if path:
            page.goto(path)
        found.extend(violations(page))

    for path in ["/", "/auth/login", "/auth/register", "/library/", "/library/?problem=achilles",
                 "/library/side-plank", "/offline"]:  # fmt: skip
        check(path)
    page.goto("/auth/register")
    page.get_by_role("button", name="Create account").click()  # errors next to fields
    check()
    register(page)
    routine_id = create_routine(page, "Checked", [("side-plank", {"sets": 2, "hold_s": 5})])
    for path in ["/", "/routines", f"/routines/{routine_id}", f"/routines/{routine_id}/edit",
                 "/sessions", "/auth/account", "/auth/password", "/auth/delete",
                 "/get-started", "/settings",
                 "/capacity/", "/capacity/heel-raise", "/capacity/side-bridge",
                 "/capacity/single-leg-squat", "/running/", "/running/stages",
                 "/history/running"]:  # fmt: skip
        check(path)
    page.goto("/settings")
    page.get_by_role("button", name="Save settings").click()  # nothing ticked: saved
    page.goto("/get-started")
    page.get_by_label("Monday").uncheck()
    page.get_by_role("button", name="Show me my first session").click()  # errors shown
    check()
    page.get_by_label("Knee pain").check()
    page.get_by_role("button", name="Show me my first session").click()
    expect(page.locator("#next-title")).to_contain_text("Kneecap pain")  # home, answered
    check()
    start_session(page, routine_id)
    expect(page.locator("[data-timer-label]")).to_have_text("Get ready")  # a running timer
    check()
    page.locator("details.log-more summary").click()  # load, effort and note unfolded
    check()
    page.get_by_role("button", name="Phone on the floor").click()
    check()
    page.get_by_role("button", name="Normal view").click()
    page.locator("[data-log-form] button[type=submit]").click()  # one set, pain 0
    page.get_by_role("button", name="Finish session").click()
    expect(page.locator("#summary")).to_be_visible()
    check()
    page.goto("/")
    assert wait_until(lambda: outbox_for(page, runner_id(page)) == 0)
    session = server_sessions(page)[0]["id"]
    for path in ["/history/", "/history/progress", "/history/progress/side-plank",
                 "/history/pain", "/history/report", "/history/training-days",
                 f"/history/sessions/{session}"]:  # fmt: skip
        check(path)
    # Sharing: the runner's links, a new one, the pages it opens; a routine's link.
    for path in ["/sharing", f"/routines/{routine_id}/share", "/routines/open"]:
        check(path)
    page.goto("/sharing")
    page.get_by_role("button", name="Make a link").click()
    expect(page.locator("[data-new-link]")).to_be_visible()
    check()
    shared = page.locator("#new-link-url").input_value()
    for path in [shared, f"{shared}/progress", f"{shared}/progress/side-plank"]:
        check(path)
    page.goto(f"/routines/{routine_id}/share")
    check(page.locator("#routine-link").input_value())
    pretend_the_session_was_yesterday(page)
    page.goto("/")
    expect(page.locator("#morning")).to_be_visible()  # the next-morning question
    check()
    assert found == []


def test_a_set_can_be_logged_by_keyboard_alone(page):
    register(page)
    routine_id = create_routine(page, "Keys", [("glute-bridge", {"sets": 2, "reps": 5})])
    page.goto(f"/routines/{routine_id}")
    start = page.get_by_role("button", name="Start session")
    start.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#step")).to_be_focused()  # focus moves to the new step
    page.keyboard.press("Tab")  # into the step: first control
    for _ in range(30):
        if page.evaluate("document.activeElement.name") == "pain":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # pain 0 -> 1 with the arrow keys, as radios do
    expect(page.locator("input[name=pain][value='1']")).to_be_checked()
    page.get_by_role("button", name="Log set").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#step")).to_contain_text(re.compile("Set 2 of 2"))
