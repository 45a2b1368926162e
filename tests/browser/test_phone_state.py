"""The phone's own state in Chromium at phone size: the one next-morning question on
home on the runner's morning after (UTC+13 and UTC−10, the phone's clock pinned),
logging out and deleting the account leaving no key of the runner's in IndexedDB,
what Settings says is kept, the warning and export for logs waiting too long, the
training-days error in view, and Copy and Share on the physio link."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    outbox_for,
    phone_context_options,
    register,
    runner_id,
    wait_for_offline_set,
    wait_until,
)

ALL_KEYS = """async () => {
  const db = await RunptOutbox.openDatabase();
  const read = (store) => new Promise((resolve) => {
    const request = db.transaction(store).objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result);
  });
  return {
    meta: await read("meta"), sessions: await read("sessions"), outbox: await read("outbox"),
  };
}"""

# Every key a runner can have, as the pages and the worker write them (RunptOutbox.keys).
SEED_EVERY_KEY = """async (user) => {
  const { keys } = RunptOutbox;
  const perRunner = Object.values(keys).filter((key) => typeof key === "function");
  for (const key of perRunner) await RunptOutbox.setMeta(key(user), { seeded: true });
  await RunptOutbox.setMeta(keys.morning(user), { session: "s", kind: "run", day: "2026-11-09" });
  await RunptOutbox.setMeta(keys.logOutLater(user), null); // held, but no logout to finish
  return perRunner.map((key) => key(user));
}"""


def runners_keys(page, user: int) -> list:
    held = page.evaluate(ALL_KEYS)
    keys = [entry["key"] for entry in held["meta"]]
    mine = [key for key in keys if key.rsplit(":", 1)[-1] == str(user)]
    named = [e["key"] for e in held["meta"] if e["key"] == "signed-in" and e["value"] == user]
    return mine + named + [one["user"] for one in held["sessions"] if one["user"] == user]


def test_deleting_the_account_leaves_no_key_of_the_runner_on_the_phone(page):
    register(page)
    user = runner_id(page)
    wait_for_offline_set(page)
    seeded = page.evaluate(SEED_EVERY_KEY, user)
    assert {"offline", "morning", "morning-asked", "log-out-later", "start-checks"} <= {
        key.split(":")[0] for key in seeded
    }
    page.goto("/auth/delete")
    page.get_by_label("Your password, to confirm").fill("long-enough-1")
    page.get_by_role("button", name="Delete my account and data").click()
    expect(page.get_by_text("all your logs and routines are deleted")).to_be_visible()
    assert wait_until(lambda: runners_keys(page, user) == []), runners_keys(page, user)


def test_logging_out_leaves_no_key_of_the_runner_but_their_waiting_logs(context, page):
    register(page)
    user = runner_id(page)
    wait_for_offline_set(page)
    page.evaluate(SEED_EVERY_KEY, user)
    page.evaluate(
        "async (user) => { await RunptOutbox.deleteMeta(RunptOutbox.keys.logOutLater(user)); }",
        user,
    )
    context.route("**/api/sync", lambda route: route.abort())  # a log still waiting
    page.evaluate("u => RunptOutbox.add(RunptOutbox.makeEvent(u, 'morning.checked', "
                  "RunptOutbox.newId(), {feel: 'same', pain: 0}))", user)  # fmt: skip
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/auth/login")
    assert wait_until(lambda: runners_keys(page, user) == []), runners_keys(page, user)
    assert outbox_for(page, user) == 1  # kept for the next sign-in


@pytest.mark.parametrize(
    ("zone", "hours_east"), [("Pacific/Auckland", 13), ("Pacific/Honolulu", -10)],
    ids=["utc+13", "utc-10"],
)  # fmt: skip
def test_a_run_is_asked_about_on_home_the_morning_after_by_the_phones_clock(
    browser, server, zone, hours_east
):
    context = browser.new_context(base_url=server.url, timezone_id=zone, **phone_context_options())
    context.set_default_timeout(10000)
    page = context.new_page()
    local = timezone(timedelta(hours=hours_east))
    page.clock.set_fixed_time(datetime(2026, 11, 9, 18, 0, tzinfo=local))  # Monday evening
    register(page)
    page.goto("/running/")
    form = page.locator("[data-run-form]")
    expect(page.locator("#run-date")).to_have_value("2026-11-09")
    form.get_by_label("Minutes").fill("30")
    form.get_by_role("button", name="Log run").click()
    expect(form.locator("[data-run-saved]")).to_contain_text("Run saved")
    page.goto("/")
    question = page.locator("#morning")
    expect(question).to_be_hidden()  # the same evening: nothing to ask yet

    page.clock.set_fixed_time(datetime(2026, 11, 10, 7, 30, tzinfo=local))  # Tuesday morning
    page.goto("/")
    expect(question).to_be_visible()
    expect(question).to_contain_text("yesterday's run")
    question.get_by_role("button", name="Same").click()
    expect(question.get_by_role("alert")).to_contain_text("pain this morning")
    question.get_by_label("Pain this morning").select_option("1")
    question.get_by_role("button", name="Same").click()
    expect(question.get_by_role("status")).to_contain_text("Saved")
    page.goto("/running/")
    page.goto("/#morning")  # where the next-morning reminder opens
    expect(question).to_be_hidden()  # asked once

    page.evaluate(
        "async () => { const u = Number(document.body.dataset.user);"
        " await RunptOutbox.deleteMeta(RunptOutbox.keys.morningAsked(u)); }"
    )
    page.clock.set_fixed_time(datetime(2026, 11, 12, 7, 30, tzinfo=local))  # Thursday
    page.goto("/")
    expect(question).to_be_hidden()  # never days late
    context.close()


def test_logs_waiting_too_long_are_warned_about_on_home_and_can_be_downloaded(context, page):
    register(page)
    user = runner_id(page)
    context.route("**/api/sync", lambda route: route.abort())  # no signal for days
    event_id = page.evaluate(
        """(u) => {
          const answer = { feel: "same", pain: 0 };
          const event = RunptOutbox.makeEvent(u, "morning.checked", RunptOutbox.newId(), answer);
          event.queued = Date.now() - 4 * 86400000;
          return RunptOutbox.add(event).then(() => event.id);
        }""",
        user,
    )
    page.reload()
    warning = page.locator("[data-waiting-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("1 log has waited 4 days")
    with page.expect_download() as download:
        warning.get_by_role("button", name="Download the waiting logs (JSON)").click()
    saved = json.loads(Path(download.value.path()).read_text())
    assert [event["id"] for event in saved["waiting"]] == [event_id]

    page.goto("/settings")
    kept = page.locator("[data-phone-kept]")
    expect(kept).to_have_attribute("data-ready", "yes")
    expect(kept.locator("[data-kept-waiting]")).to_have_text(
        "1 log waiting to sync, the oldest from 4 days ago"
    )
    expect(kept.locator("[data-kept-routines]")).to_contain_text("kept for use with no signal")
    expect(kept.locator("[data-kept-answers]")).to_contain_text("checks before set 1")


@pytest.mark.parametrize("size", [{"width": 390, "height": 844}, {"width": 360, "height": 640}])
def test_the_training_days_error_is_in_view_and_five_days_are_taken(page, size):
    page.set_viewport_size(size)
    register(page)
    page.goto("/settings")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(day, exact=True).check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        expect(page.get_by_label(day, exact=True)).to_be_checked()
    # A day the server can't take (a tampered or stale form): said where the runner looks.
    page.get_by_label("Sunday", exact=True).evaluate(
        "box => { box.value = '8'; box.checked = true; }"
    )
    page.get_by_role("button", name="Save settings").click()
    error = page.locator("#day-error")
    expect(error).to_have_text("Pick days from Monday to Sunday.")
    expect(error).to_be_in_viewport()
    expect(error).to_be_focused()


def test_the_physio_link_has_copy_and_share(context, page):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.add_init_script(
        "navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };"
        "navigator.canShare = () => true;"
    )
    register(page)
    page.goto("/sharing")
    page.get_by_role("button", name="Make a link").click()
    url = page.locator("#new-link-url").input_value()
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("[data-copy-status]")).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == url
    page.get_by_role("button", name="Share").click()
    assert wait_until(lambda: page.evaluate("window.__shared && window.__shared.url")) == url
