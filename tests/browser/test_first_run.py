"""A new runner, as they would meet runpt: sign up, answer two questions, land on home
with the routine that fits and tap Start once. The questions are a plain form (they work
before or without scripts), and home and the settings page open with no signal."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    answer_red_flags,
    new_email,
    phone_context_options,
    wait_for_offline_set,
)


def sign_up(page) -> None:
    page.goto("/auth/register")
    page.get_by_label("Email").fill(new_email("first-run"))
    page.get_by_label("Password").fill("long-enough-1")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/get-started")


def answer_for_shins(page) -> None:
    expect(page.get_by_label("Monday")).to_be_checked()  # rest days between, suggested
    expect(page.get_by_label("Wednesday")).to_be_checked()
    page.get_by_label("Shin splints").check()
    page.get_by_label("Achilles tendon pain").check()  # more than one
    page.get_by_role("button", name="Show me my first session").click()
    page.wait_for_url(re.compile(r"/$"))


def test_sign_up_two_answers_and_one_tap_starts_the_routine_that_fits(page):
    sign_up(page)
    answer_for_shins(page)
    heading = page.locator("#next-title")
    expect(heading).to_have_text(re.compile(r"^Next session: \w+ — Shin care$"))
    start = page.get_by_role("button", name="Start session")
    box = start.bounding_box()
    assert box["y"] + box["height"] < PHONE["height"]  # on screen without scrolling
    start.click()
    # The first time, its red flags and triage come before set 1
    # (tests/browser/test_red_flags_first.py).
    expect(page.locator(".player-title")).to_have_text("Shin care")
    answer_red_flags(page)
    page.get_by_role("button", name="Start session").click()
    expect(page.locator("#step[data-index='0']")).to_be_visible()


def test_the_questions_work_without_javascript(browser, server):
    context = browser.new_context(
        base_url=server.url, java_script_enabled=False, **phone_context_options()
    )
    page = context.new_page()
    try:
        sign_up(page)
        answer_for_shins(page)
        expect(page.locator("#next-title")).to_contain_text("Shin care")
        page.get_by_role("button", name="Start session").click()  # a GET form
        page.wait_for_url(re.compile(r"/session/\d+\?start=1$"))
    finally:
        context.close()


def test_home_and_settings_open_with_no_signal(context, page):
    sign_up(page)
    answer_for_shins(page)
    wait_for_offline_set(page)
    context.set_offline(True)
    page.goto("/settings")
    expect(page.get_by_label("Shin splints")).to_be_checked()
    page.goto("/")
    expect(page.locator("#next-title")).to_contain_text("Shin care")
    expect(page.get_by_role("button", name="Start session")).to_be_visible()
