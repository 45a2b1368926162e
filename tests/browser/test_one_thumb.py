"""The player with one thumb: on every step of every built-in routine, at 390×844 and
360×640, the exercise's name, set and side, the dose, the running countdown and Log set
(pinned at the bottom, within thumb reach) are on screen without scrolling, none of them
under the sticky header or behind the Log set bar. Measured with the viewport's own
geometry: each element's box inside the window, and the element itself at its centre
(`elementFromPoint`), so nothing covers it.

The player swaps steps from memory, so the walk taps Skip from one step to the next in
the page itself: hundreds of steps in well under a minute."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    answer_red_flags,
    create_routine,
    offline_manifest,
    register,
    start_session,
)

VIEWPORTS = [{"width": 390, "height": 844}, {"width": 360, "height": 640}]

# Runs in the page: every step of the session, each measured right after it was swapped
# in, then skipped; returns what was wrong.
WALK_EVERY_STEP = (Path(__file__).parent / "walk_every_step.js").read_text()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_every_step_of_every_builtin_routine_fits_one_thumb(browser, server, viewport):
    context = browser.new_context(
        base_url=server.url, viewport=viewport, is_mobile=True, has_touch=True,
        device_scale_factor=1,
    )  # fmt: skip
    context.set_default_timeout(15000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        register(page)
        listed = offline_manifest(page)["routines"]  # a new runner's: the built-in ones
        routines = [r["id"] for r in listed]
        assert len(routines) >= 10
        problems, steps = [], 0
        for routine_id in routines:
            page.goto(f"/session/{routine_id}")  # what Start opens
            if page.locator("[data-start-session][data-start-check]").count():
                answer_red_flags(page)  # the first time: red flags and triage first
            page.get_by_role("button", name="Start session").click()
            expect(page.locator("#step[data-index='0']")).to_be_visible()
            steps += int(page.locator("#step").get_attribute("data-total"))
            problems += page.evaluate(WALK_EVERY_STEP)
            expect(page.locator("#summary")).to_be_visible()
        # Every step of each: the unit's URLs are its page, its player and its steps.
        assert steps == sum(len(r["urls"]) - 2 for r in listed) > 200
        assert problems == []
    finally:
        context.close()


def test_the_hold_button_hides_while_its_hold_runs_and_more_fields_stay_folded(page):
    register(page)
    routine_id = create_routine(page, "Planks", [("front-plank", {"sets": 2, "hold_s": 20})])
    start_session(page, routine_id)
    hold = page.get_by_role("button", name="Start 20 s hold")
    page.get_by_role("button", name="Skip countdown").click()
    expect(hold).to_be_visible()
    hold.click()
    expect(page.locator("[data-timer-label]")).to_have_text("Hold")
    expect(hold).to_be_hidden()  # a running hold has Stop hold, not a second start
    page.get_by_role("button", name="Stop hold").click()
    expect(hold).to_be_visible()

    more = page.locator("details.log-more")
    expect(more).not_to_have_attribute("open", "")
    expect(page.get_by_label("Effort (RPE)")).to_be_hidden()
    more.locator("summary").click()  # opened, they still don't push Log set away
    expect(page.get_by_label("Effort (RPE)")).to_be_visible()
    log_set = page.get_by_role("button", name="Log set")
    box = log_set.bounding_box()
    assert box["y"] + box["height"] <= 844 and box["y"] > 844 * 0.75
