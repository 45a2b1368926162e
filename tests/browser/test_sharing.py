"""Sharing in a real browser: a physio's printout of a shared report (A4 and Letter, saved
as PDF by headless Chromium), and a routine passed on as a link, added by another runner
and run with no signal ("no signal" is the server process stopped)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    log_set,
    login,
    new_email,
    outbox_for,
    phone_context_options,
    register,
    runner_id,
    server_sessions,
    wait_for_offline_set,
    wait_until,
)
from tests.events import event, finished, logged, new_session, started

# The printable width of A4 (210 mm) less app.css's @page margins (12 mm each side), in
# CSS pixels (96 per inch): the narrower of A4 and Letter.
PRINTABLE_PX = round((210 - 24) / 25.4 * 96)


def eight_weeks_of_sessions() -> list[dict]:
    """Two sessions a week for eight weeks, with pain and next-morning answers."""
    events = []
    for days in range(2, 56, 4):
        when = datetime.now(UTC) - timedelta(days=days)
        stamp = when.isoformat()
        session = new_session()
        events.append(started(session, at=stamp))
        for exercise in ("glute-bridge", "clamshell", "side-plank"):
            for set_no in (1, 2):
                fields = {"hold_s": 30, "reps": None} if exercise == "side-plank" else {}
                events.append(logged(session, exercise, set_no, at=stamp, pain=days % 5, **fields))
        events.append(finished(session, at=stamp))
        morning = (when + timedelta(hours=20)).isoformat()
        events.append(event("morning.checked", session, {"feel": "same"}, at=morning))
    return events


def make_share_link(page) -> str:
    page.goto("/sharing")
    page.get_by_label("Who is it for?").fill("Physio")
    page.get_by_label("90 days").check()
    page.get_by_role("button", name="Make a link").click()
    page.wait_for_url("**/sharing")
    return page.locator("#new-link-url").input_value()


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF Chromium wrote: one /Type /Page object each (not /Pages)."""
    assert pdf.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_a_shared_report_prints_cleanly_on_a4_and_letter(browser, page, server):
    register(page)
    answer = page.request.post("/api/sync", data={"events": eight_weeks_of_sessions()})
    assert answer.status == 200, answer.text()
    link = make_share_link(page)

    # The physio: another browser, no account, a desk-sized window.
    physio = browser.new_context(viewport={"width": PRINTABLE_PX, "height": 1000})
    try:
        shared = physio.new_page()
        shared.goto(link)
        expect(shared.locator("h1")).to_have_text("Runner's report")
        expect(shared.locator("[data-report-levels]")).to_contain_text("Glute bridge")
        assert physio.cookies() == []  # opening it set no cookie

        shared.emulate_media(media="print", color_scheme="dark")
        for hidden in ("header.top", "footer.foot", ".subnav", "[data-print]"):
            expect(shared.locator(hidden).first).to_be_hidden()
        # Black on white even when the screen is dark, and nothing wider than the paper.
        colours = shared.evaluate(
            """() => [document.body, ...document.querySelectorAll('.card, .chart-figure')]
                .map(el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor])"""
        )
        assert len(colours) > 4
        assert {c for c, _ in colours} == {"rgb(0, 0, 0)"}
        assert {b for _, b in colours} <= {"rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"}
        widest = shared.evaluate("() => document.documentElement.scrollWidth")
        assert widest <= PRINTABLE_PX
        # Chromium saves it as PDF on both papers, a handful of pages each.
        for paper in ("A4", "Letter"):
            pages = pdf_pages(shared.pdf(format=paper))
            assert 1 <= pages <= 4, (paper, pages)
    finally:
        physio.close()


@pytest.mark.end_to_end
def test_a_routine_link_is_added_by_another_runner_and_runs_with_no_signal(browser, page, server):
    # The giver (a physio's own runpt, or a coach's) makes a short routine and its link.
    register(page)
    given = create_routine(
        page,
        "From my physio",
        [("clamshell", {"sets": 1, "reps": 5, "rest_s": 0}),
         ("glute-bridge", {"sets": 2, "reps": 8, "rest_s": 0})],
    )  # fmt: skip
    page.goto(f"/routines/{given}")
    page.get_by_role("link", name="Share as a link or file").click()
    expect(page.locator("[data-qr] svg")).to_be_visible()
    link = page.locator("#routine-link").input_value()

    # The runner has an account on their own phone but isn't signed in when the link comes.
    phone = browser.new_context(base_url=server.url, **phone_context_options())
    try:
        runner = phone.new_page()
        email = new_email()
        register(runner, email)
        phone.clear_cookies()
        runner.goto(link)
        expect(runner.locator("h1")).to_have_text("From my physio")
        expect(runner.locator(".routine-step")).to_have_count(2)
        runner.get_by_role("link", name="Log in to add it to your routines").click()
        runner.get_by_label("Email").fill(email)
        runner.get_by_label("Password").fill("long-enough-1")
        runner.get_by_role("button", name="Log in").click()
        # Back at the link, signed in now.
        runner.get_by_role("button", name="Add to my routines").click()
        runner.wait_for_url(re.compile(r"/routines/\d+$"))
        routine_id = int(runner.url.rsplit("/", 1)[1])
        expect(runner.locator(".flash")).to_contain_text("is in your routines now")
        # The page it lands on has the phone keep it offline, like any routine.
        wait_for_offline_set(runner)
        expect(runner.locator(f"[data-offline-routine='{routine_id}']")).to_have_text(
            "Ready offline"
        )

        server.stop()
        runner.goto(f"/routines/{routine_id}")
        runner.get_by_role("button", name="Start session").click()
        expect(runner.locator("#step")).to_be_visible()
        steps = int(re.search(r"of (\d+)$", runner.locator(".step-count").inner_text()).group(1))
        assert steps == 4  # clamshell: one set each side; bridge: two sets
        for _ in range(steps):
            log_set(runner, pain=1)
        expect(runner.locator("#summary")).to_be_visible()
        waiting = outbox_for(runner, runner_id(runner))
        assert waiting > 0  # logged on the phone, waiting for the signal

        server.start()
        runner.goto("/")
        assert wait_until(lambda: outbox_for(runner, runner_id(runner)) == 0, timeout=20)
        sessions = server_sessions(runner)
        assert [s["routine"] for s in sessions] == [routine_id]
    finally:
        phone.close()


def routine_link(page) -> str:
    """A routine's link, made by a giver signed in on `page`."""
    register(page)
    given = create_routine(
        page, "From my physio", [("clamshell", {"sets": 1, "reps": 5, "rest_s": 0})]
    )
    page.goto(f"/routines/{given}/share")
    return page.locator("#routine-link").input_value()


def test_a_runner_new_to_runpt_signs_up_from_a_routine_link_and_comes_back_to_add_it(
    browser, page, server, tmp_path
):
    link = routine_link(page)
    phone = browser.new_context(base_url=server.url, **phone_context_options())
    try:
        runner = phone.new_page()
        runner.goto(link)
        expect(runner.locator("h1")).to_have_text("From my physio")
        runner.screenshot(path=str(tmp_path / "routine-link-signed-out.png"), full_page=True)
        runner.get_by_role("link", name="Create an account").click()
        runner.get_by_label("Email").fill(new_email())
        runner.get_by_label("Password").fill("long-enough-1")
        runner.get_by_role("button", name="Create account").click()
        # The two first-run questions, then back to the link.
        expect(runner.locator("h1")).to_have_text("Two questions, then back to where you were")
        runner.get_by_label("Knee pain").check()
        runner.get_by_role("button", name="Save and go back").click()
        runner.wait_for_url(link)
        expect(runner.locator("h1")).to_have_text("From my physio")
        runner.screenshot(path=str(tmp_path / "routine-link-after-sign-up.png"), full_page=True)
        runner.get_by_role("button", name="Add to my routines").click()
        runner.wait_for_url(re.compile(r"/routines/\d+$"))
        expect(runner.locator(".flash")).to_contain_text("is in your routines now")
    finally:
        phone.close()


def test_adding_after_being_signed_out_elsewhere_logs_in_and_comes_back_to_the_link(
    browser, page, server, tmp_path
):
    link = routine_link(page)
    phone = browser.new_context(base_url=server.url, **phone_context_options())
    laptop = browser.new_context(base_url=server.url)
    try:
        runner = phone.new_page()
        email = register(runner)
        runner.goto(link)
        add = runner.get_by_role("button", name="Add to my routines")
        expect(add).to_be_visible()
        # Meanwhile, on the laptop: "Sign out of all other devices".
        elsewhere = laptop.new_page()
        login(elsewhere, email)
        elsewhere.goto("/auth/account")
        elsewhere.get_by_role("button", name="Sign out of all other devices").click()
        expect(elsewhere.locator(".flash")).to_contain_text("Signed out of 1 other device")

        add.click()  # the page was open all along: the tap goes to a signed-out server
        runner.wait_for_url(re.compile(r"/auth/login\?next=/routines/open"))
        expect(runner.locator(".flash")).to_contain_text("Your sign-in on this phone has ended")
        runner.screenshot(path=str(tmp_path / "login-after-sign-in-ended.png"), full_page=True)
        runner.get_by_label("Email").fill(email)
        runner.get_by_label("Password").fill("long-enough-1")
        runner.get_by_role("button", name="Log in").click()
        runner.wait_for_url(link)
        runner.get_by_role("button", name="Add to my routines").click()
        runner.wait_for_url(re.compile(r"/routines/\d+$"))
        expect(runner.locator(".flash")).to_contain_text("is in your routines now")
    finally:
        laptop.close()
        phone.close()
