"""Red flags and triage before set 1, by every route a runner takes to a routine's first
set (issue 22 item 1): home's Start after the first-run questions, a routine's page, a
routine passed on as a link, and a resumed session; with no signal too. The first time,
no route reaches set 1 past them; once answered, none asks again. A "see a clinician"
answer leaves no way to set 1; an answer that fits another routine offers it, and that
routine's own check comes first. At 390×844 and 360×640."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import (
    answer_red_flags,
    log_set,
    new_email,
    runner_id,
    start_check_kept,
    wait_for_offline_set,
    wait_until,
    wait_until_kept,
)

VIEWPORTS = [{"width": 390, "height": 844}, {"width": 360, "height": 640}]


@pytest.fixture(params=VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def phone(browser, server, problems, request):
    context = browser.new_context(
        base_url=server.url, viewport=request.param, is_mobile=True, has_touch=True,
        device_scale_factor=2,
    )  # fmt: skip
    context.set_default_timeout(10000)
    page = context.new_page()
    problems.watch(page)
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()
    assert problems.csp_violations() == []


def sign_up(page, aims: list[str] | None = None) -> None:
    """A new runner; with `aims`, the first-run answers (labels), landing on home."""
    page.goto("/auth/register")
    page.get_by_label("Email").fill(new_email("red-flags"))
    page.get_by_label("Password").fill("long-enough-1")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/get-started")
    if aims is None:
        page.get_by_role("link", name="Not now").click()
    else:
        for aim in aims:
            page.get_by_label(aim).check()
        page.get_by_role("button", name="Show me my first session").click()
    page.wait_for_url(re.compile(r"/$"))


def routine_page(page, name: str) -> int:
    """Open a routine's page from the list; its id."""
    page.goto("/routines")
    page.get_by_role("link", name=re.compile(f"^{re.escape(name)}")).first.click()
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def check(page):
    return page.locator("[data-start-check-fields]")


def no_set_yet(page) -> None:
    expect(page.locator("#step")).to_have_count(0)


def tap_start(page) -> None:
    page.get_by_role("button", name="Start session").click()


def test_first_run_answers_then_home_start_show_red_flags_before_set_1(phone):
    page = phone
    sign_up(page, ["Shin splints"])
    # Right after the answers: the shin routine's red flags, on home.
    added = page.locator("section.new-problems")
    expect(added).to_contain_text("Red flags for shin splints")
    expect(added).to_contain_text("bone stress injury")
    expect(page.locator("#next-title")).to_contain_text("Shin care")
    tap_start(page)
    # Home's Start opened the player to its start card: red flags and triage, no set.
    page.wait_for_url(re.compile(r"/session/\d+$"))
    expect(check(page)).to_be_visible()
    expect(check(page).locator("[data-red-flags]")).to_contain_text("Pain at one spot")
    expect(check(page)).to_contain_text("a hand's width long (5 cm or more)")
    assert page.evaluate("u => RunptOutbox.loadSession(u)", runner_id(page)) is None  # no run made
    tap_start(page)  # not answered yet: no way past
    no_set_yet(page)
    answer_red_flags(page)
    # Answered: home's Start goes straight to set 1 from now on.
    page.goto("/")
    tap_start(page)
    expect(page.locator("#step[data-index='0']")).to_be_visible()
    expect(page.locator(".player-title")).to_have_text("Shin care")


def test_a_routine_page_asks_before_set_1_and_only_the_first_time(phone):
    page = phone
    sign_up(page)
    knee = routine_page(page, "Kneecap pain")
    expect(check(page)).to_be_visible()
    expect(check(page)).to_contain_text("Where does your knee hurt?")
    tap_start(page)
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/routines/{knee}")  # the browser asks for the answers
    no_set_yet(page)
    answer_red_flags(page)
    tap_start(page)
    expect(page.locator("#step[data-index='0']")).to_be_visible()
    log_set(page, pain=1)
    page.get_by_role("button", name="Finish session").click()
    expect(page.locator("#summary")).to_be_visible()
    # The next time: the answers are there, and Start starts; the player's card folds.
    page.goto(f"/routines/{knee}")
    expect(check(page).get_by_label("None of these apply to me")).to_be_checked()
    page.goto(f"/session/{knee}")
    expect(page.get_by_role("button", name="Start session")).to_be_visible()
    expect(check(page)).to_be_hidden()
    tap_start(page)
    expect(page.locator("#step[data-index='0']")).to_be_visible()
    # Red flags stay in reach at every step, from the step's header.
    log_set(page, pain=0)
    page.locator("#step[data-index='1']").get_by_role("link", name="Red flags").click()
    expect(page.locator("#red-flags")).to_contain_text("locks, gives way")
    expect(page.locator("#red-flags")).to_be_in_viewport()
    assert page.url.endswith(f"/session/{knee}")  # a reload resumes the step, not the link


def test_a_routine_passed_on_as_a_link_asks_before_set_1(phone):
    page = phone
    sign_up(page)
    heel = routine_page(page, "Heel and arch care")
    page.goto(f"/routines/{heel}/share")
    link = page.locator("#routine-link").input_value()
    page.goto(link)
    expect(page.locator("[data-red-flags]")).to_contain_text("squeeze the heel")
    page.get_by_role("button", name="Add to my routines").click()
    page.wait_for_url(re.compile(r"/routines/\d+$"))
    # The runner's own copy now: its red flags came with it, and come before set 1.
    expect(check(page)).to_be_visible()
    expect(check(page)).to_contain_text("pain that builds the longer you walk or run")
    tap_start(page)
    no_set_yet(page)
    answer_red_flags(page)
    tap_start(page)
    expect(page.locator("#step[data-index='0']")).to_be_visible()


def test_a_resumed_session_asks_first_when_its_routine_was_never_checked(phone):
    """A session kept on the phone from before the check (an older runpt) resumes to the
    red flags, then goes on where it was."""
    page = phone
    sign_up(page)
    back = routine_page(page, "Lower back care")
    answer_red_flags(page)
    tap_start(page)
    log_set(page, pain=0)
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    wait_until_kept(page)
    page.evaluate("u => RunptOutbox.setMeta(`start-checks:${u}`, null)", runner_id(page))
    page.goto("/")
    page.get_by_role("link", name="Resume session").click()
    page.wait_for_url(f"**/session/{back}")
    expect(check(page)).to_be_visible()
    expect(check(page)).to_contain_text("bladder or bowel")
    no_set_yet(page)
    answer_red_flags(page)
    page.get_by_role("button", name="Go on with the session").click()
    expect(page.locator("#step[data-index='1']")).to_be_visible()  # where it was
    # Answered now: a reload resumes straight to the step.
    page.reload()
    expect(page.locator("#step[data-index='1']")).to_be_visible()


def test_with_the_server_stopped_the_check_still_comes_first(context, page, server):
    sign_up(page, ["Knee pain"])
    wait_for_offline_set(page)
    server.stop()
    page.goto("/")
    tap_start(page)  # Kneecap pain, from the phone
    expect(check(page)).to_be_visible()
    no_set_yet(page)
    # An answer that fits another routine offers it; its own check comes first.
    check(page).get_by_label(re.compile("Just below the kneecap")).check()
    expect(page.get_by_role("button", name="Start session")).to_be_hidden()
    page.get_by_role("link", name="Start “Below the kneecap (patellar tendon)” instead").click()
    expect(page.locator(".player-title")).to_have_text("Below the kneecap (patellar tendon)")
    expect(check(page)).to_be_visible()
    no_set_yet(page)
    answer_red_flags(page)
    tap_start(page)
    expect(page.locator("#step[data-index='0']")).to_be_visible()
    log_set(page, pain=1)
    expect(page.locator("#step[data-index='1']")).to_be_visible()


def test_a_clinician_answer_leaves_no_way_to_set_1(phone):
    page = phone
    sign_up(page, ["Shin splints"])
    shin = routine_page(page, "Shin care")
    page.goto(f"/session/{shin}")
    check(page).get_by_label("None of these apply to me").check()
    check(page).get_by_label(re.compile("A spot you can cover with a fingertip")).check()
    stop = check(page).get_by_role("alert")
    expect(stop).to_contain_text("stop running and see a clinician")
    expect(page.get_by_role("button", name="Start session")).to_have_count(0)

    # Kept (a moment after the tap): home's Start, the routine's page and a reload all
    # still have no Start.
    def stop_kept():
        kept = start_check_kept(page)
        return kept if kept and None not in kept["answers"] else None

    kept = wait_until(stop_kept)
    assert kept and kept["fits"] is False, kept
    page.goto("/")
    tap_start(page)
    page.wait_for_url(f"**/session/{shin}")
    expect(check(page).get_by_role("alert")).to_contain_text("see a clinician")
    expect(page.get_by_role("button", name="Start session")).to_have_count(0)
    page.goto(f"/session/{shin}?start=1")  # Start tapped before the scripts ran
    expect(check(page).get_by_role("alert")).to_be_visible()
    no_set_yet(page)
    page.goto(f"/routines/{shin}")
    expect(page.get_by_role("button", name="Start session")).to_have_count(0)
    # The answer can be changed.
    check(page).get_by_label(re.compile("Along a stretch")).check()
    tap_start(page)
    expect(page.locator("#step[data-index='0']")).to_be_visible()


def test_adding_a_problem_in_settings_shows_its_red_flags_and_asks_again(phone):
    page = phone
    sign_up(page, ["Achilles tendon pain"])
    achilles = routine_page(page, "Achilles care (mid-tendon)")
    answer_red_flags(page)
    page.goto("/settings")
    page.get_by_label("Achilles tendon pain").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("section.new-problems")).to_have_count(0)
    page.get_by_label("Achilles tendon pain").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("section.new-problems")).to_contain_text("fluoroquinolone")
    page.wait_for_timeout(300)  # the phone forgets the answers as the page loads
    page.goto(f"/session/{achilles}")
    expect(check(page)).to_be_visible()
    expect(check(page).get_by_label("None of these apply to me")).not_to_be_checked()


def test_the_check_has_no_axe_violation(page):
    """The check on a routine's page with another routine offered, and on the player
    with a stop answer: labelled choices, alerts and contrast pass axe-core."""
    axe = Axe()
    sign_up(page, ["Knee pain"])
    found = [v["id"] for v in axe.run(page).response["violations"]]  # red flags on home
    routine_page(page, "Kneecap pain")
    check(page).get_by_label(re.compile("outside of the knee")).check()
    found += [v["id"] for v in axe.run(page).response["violations"]]
    shin = routine_page(page, "Shin care")
    page.goto(f"/session/{shin}")
    check(page).get_by_label(re.compile("A spot you can cover with a fingertip")).check()
    found += [v["id"] for v in axe.run(page).response["violations"]]
    assert found == []


def test_a_kept_session_a_see_a_clinician_answer_stops_can_be_ended(phone):
    """A session kept from before the check, resumed onto an answer that says see a
    clinician: Start is gone, and the session can be ended there with its sets kept,
    so Resume stops offering a session nobody may go on with."""
    page = phone
    sign_up(page)
    shin = routine_page(page, "Shin care")
    answer_red_flags(page)
    tap_start(page)
    log_set(page, pain=0)
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    wait_until_kept(page)
    page.evaluate("u => RunptOutbox.setMeta(`start-checks:${u}`, null)", runner_id(page))
    page.goto("/")
    page.get_by_role("link", name="Resume session").click()
    page.wait_for_url(f"**/session/{shin}")
    check(page).get_by_label("None of these apply to me").check()
    end = page.get_by_role("button", name="End the session in progress")
    expect(end).to_be_hidden()  # nothing says stop yet
    check(page).get_by_label(re.compile("A spot you can cover with a fingertip")).check()
    expect(page.get_by_role("button", name="Go on with the session")).to_be_hidden()
    page.screenshot(path="test-artifacts/kept-session-stop.png", full_page=True)
    end.click()
    summary = page.locator("#summary")
    expect(summary).to_be_visible()
    expect(summary.locator("[data-summary-sets]")).to_have_text("1")
    no_set_yet(page)
    kinds = page.evaluate(
        "u => RunptOutbox.waiting(u).then(events => events.map(e => e.type))", runner_id(page)
    )
    assert kinds[-1] == "session.finished"  # the set went up before; the end waits its turn
    page.goto("/")
    expect(page.get_by_role("link", name="Resume session")).to_be_hidden()
