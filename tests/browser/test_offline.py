"""runpt with no signal: installable, opens cold from the home screen, runs a whole
session, and syncs every log exactly once when the connection is back."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    CHROMIUM_ARGS,
    create_routine,
    kept_unit,
    log_set,
    login,
    new_email,
    outbox_for,
    phone_context_options,
    register,
    run_whole_session,
    runner_id,
    server_sessions,
    start_session,
    wait_for_offline_set,
    wait_until,
)

TWO_SETS = [("glute-bridge", {"sets": 2, "reps": 5, "rest_s": 0})]


def controlled(page):
    # Polled from Python: wait_for_function would eval in the page, which our CSP forbids.
    assert wait_until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"))


def test_a_library_filter_opens_filtered_from_a_phone_that_keeps_the_library(page):
    """The phone keeps the library page, not each filter of it: a filter chip tapped
    online opens the library filtered, as the server makes it, not the whole library
    the phone holds (its copy is kept without the query)."""
    register(page)
    wait_for_offline_set(page)
    controlled(page)
    page.goto("/library/")
    page.locator("a.chip", has_text="Knee pain").first.click()
    expect(page).to_have_url(re.compile(r"\?problem=knee-pain$"))
    expect(page.locator("a.chip[aria-current=true]")).to_have_text(["Knee pain"])


def test_pages_opened_from_a_reminder_or_an_early_start_open_with_no_signal(page, server):
    """How a page was opened is in its query, and the page is the same: a reminder's tap
    (`?reminder=`) and Start tapped before the page's scripts ran (`?start=1`) open the
    phone's copy with no signal, as the home-screen icon's `?source=` does."""
    register(page)
    routine_id = create_routine(page, "Opened", TWO_SETS)
    wait_for_offline_set(page)
    server.stop()  # the `server` fixture starts it again for the next test
    page.goto("/?reminder=morning")
    expect(page.get_by_role("heading", name="Your routines")).to_be_visible()
    page.goto(f"/session/{routine_id}?start=1")
    expect(page.locator("#step")).to_contain_text("Set 1 of 2")


def test_the_start_page_is_installable(playwright_instance, chromium_path, server, tmp_path):
    # A real profile: Chromium never offers to install from an incognito context.
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=chromium_path, args=CHROMIUM_ARGS,
        base_url=server.url, **phone_context_options(),
    )  # fmt: skip
    try:
        check_installable(context.pages[0] if context.pages else context.new_page())
    finally:
        context.close()


def check_installable(page):
    page.goto("/?source=home-screen")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    controlled(page)
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = json.loads(page.request.get("/manifest.webmanifest").text())
    assert manifest["display"] == "standalone" and manifest["short_name"] == "runpt"
    assert {i["purpose"] for i in manifest["icons"]} == {"any", "maskable"}
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    assert manifest["shortcuts"][0]["name"] == "Start next session"
    assert page.locator("link[rel=apple-touch-icon]").count() == 1
    assert page.locator("meta[name=apple-mobile-web-app-capable]").count() == 1


def cached_paths(page) -> list[str]:
    return page.evaluate(
        """async (user) => {
            const cache = await caches.open(`runpt-user-${user}`);
            return (await cache.keys()).map(r => new URL(r.url).pathname);
        }""",
        runner_id(page),
    )


def test_after_login_every_routine_is_kept_offline_and_its_size_shown(page):
    register(page)
    held = wait_for_offline_set(page)
    assert len(held["routines"]) >= 7 and held["bytes"] > 10_000
    page.reload()
    expect(page.locator("[data-offline-summary]")).to_have_text(
        re.compile(r"^\d+ routines available offline · [\d.]+ (KB|MB) on this phone$")
    )
    cached = cached_paths(page)
    assert "/" in cached and "/routines" in cached and "/library/glute-bridge" in cached
    assert any(re.fullmatch(r"/offline/routines/\d+", path) for path in cached)
    assert any(re.fullmatch(r"/session/\d+", path) for path in cached)
    # Steps are kept inside their routine's unit, not one by one.
    assert not any("/steps/" in path for path in cached)
    # Every routine on the list says it can be started with no signal.
    badges = page.locator("[data-routine-list] [data-offline-routine]")
    expect(badges.first).to_have_text("Ready offline")
    assert badges.count() == len(held["routines"])
    assert set(badges.all_text_contents()) == {"Ready offline"}


def test_a_changed_routine_is_kept_again(page):
    register(page)
    routine_id = create_routine(page, "Changing", TWO_SETS)
    wait_for_offline_set(page)
    assert len(kept_unit(page, routine_id)["steps"]) == 2
    page.goto(f"/routines/{routine_id}/edit")
    page.get_by_label("Add an exercise").select_option("clamshell")
    page.get_by_role("button", name="Add exercise").click()
    expect(page.locator("li.editor-step")).to_have_count(2)
    # Kept again within a few seconds of the change, with no other page opened.
    unit = wait_until(lambda: (u := kept_unit(page, routine_id)) and len(u["steps"]) > 2 and u)
    assert unit, "the changed routine was not kept offline again"
    assert "Clamshell" in unit["steps"][-1]


# Stands in for a copy of a later change of the routine (another device edited it,
# and the offline set kept that while an older answer was still on its way).
KEEP_AS_LATER_COPY = """async ([user, id]) => {
    const cache = await caches.open(`runpt-user-${user}`);
    const kept = await cache.match(`/offline/routines/${id}`);
    const unit = await kept.json();
    unit.name = "Later copy";
    const headers = new Headers(kept.headers);
    headers.set("X-Runpt-Routine-Changed", "9999-12-31T00:00:00+00:00");
    await cache.put(`/offline/routines/${id}`, new Response(JSON.stringify(unit), { headers }));
}"""


def test_an_answer_about_an_older_change_never_replaces_a_later_copy(page):
    register(page)
    routine_id = create_routine(page, "Kept in order", TWO_SETS)
    wait_for_offline_set(page)
    page.evaluate(KEEP_AS_LATER_COPY, [runner_id(page), routine_id])
    # The routine page names the change it shows; the phone's copy is of another, so
    # the player asks the server and keeps its answer on the way (sw.js), unless the
    # phone holds a later one.
    start_session(page, routine_id)
    expect(page.locator("#step")).to_contain_text("Set 1 of 2")
    after_the_units_written_so_far(page)
    assert kept_unit(page, routine_id)["name"] == "Later copy", (
        "an answer about an older change replaced the later copy"
    )


# The worker writes kept units one after another (sw-offline-set.js, `keepUnit`): a unit
# of no runner, queued now, settles only after every write queued before it. The
# player's answer is queued the moment its body has arrived (keepRoutineFrom), which the
# page needs whole before it can show the step the test waits for first.
WAIT_FOR_UNIT_WRITES = """() => self.RunptOfflineSet.keepRoutineFrom(
    new Response(JSON.stringify({ user: "nobody", kind: "routine" })), "no runner")"""


def after_the_units_written_so_far(page) -> None:
    """Returns once the service worker has written (or refused) every unit it was given:
    what the cache holds then is its decision, with no time to wait and guess."""
    (worker,) = page.context.service_workers
    worker.evaluate(WAIT_FOR_UNIT_WRITES)


def run_offline_session(context, page, go_offline):
    """Register, keep the routine offline, cut the connection, then from a new tab:
    open the start URL, see the routines, run a whole session."""
    register(page)
    routine_id = create_routine(page, "No signal", TWO_SETS)
    wait_for_offline_set(page)
    go_offline()
    tab = context.new_page()
    tab.goto("/?source=home-screen")
    expect(tab.get_by_role("heading", name="Your routines")).to_be_visible()
    expect(tab.get_by_role("link", name=re.compile("No signal"))).to_be_visible()
    tab.get_by_role("link", name=re.compile("No signal")).click()
    tab.get_by_role("button", name="Start session").click()
    expect(tab.locator("[data-timer-label]")).to_have_text("Get ready")
    log_set(tab, pain=2)
    log_set(tab, pain=1)
    expect(tab.locator("#summary")).to_be_visible()
    expect(tab.locator("[data-sync-text]")).to_have_text(re.compile(r"^4 logs waiting"))
    return tab, routine_id


def test_cold_start_with_the_server_stopped_runs_a_session_then_syncs(context, page, server):
    tab, routine_id = run_offline_session(context, page, server.stop)
    assert outbox_for(tab, runner_id(tab)) == 4
    server.start()
    tab.goto("/")  # the next time the app opens
    wait_until(lambda: outbox_for(tab, runner_id(tab)) == 0)
    sessions = server_sessions(tab)
    assert len(sessions) == 1
    assert sessions[0]["routine"] == routine_id and len(sessions[0]["sets"]) == 2
    assert sessions[0]["finished_at"] is not None


@pytest.mark.end_to_end
def test_cold_start_offline_runs_a_session_and_syncs_when_back_online(context, page):
    tab, _ = run_offline_session(context, page, lambda: context.set_offline(True))
    context.set_offline(False)  # the `online` event, with no action from the runner
    wait_until(lambda: outbox_for(tab, runner_id(tab)) == 0)
    expect(tab.locator("[data-sync-text]")).to_have_text(re.compile("^Synced"))
    sessions = server_sessions(tab)
    assert len(sessions) == 1 and len(sessions[0]["sets"]) == 2


def test_logs_waiting_when_the_browser_closed_sync_when_it_opens_again(
    playwright_instance, chromium_path, server, tmp_path
):
    profile = tmp_path / "profile"

    def open_browser():
        return playwright_instance.chromium.launch_persistent_context(
            str(profile), executable_path=chromium_path, args=CHROMIUM_ARGS,
            base_url=server.url, **phone_context_options(),
        )  # fmt: skip

    context = open_browser()
    page = context.pages[0] if context.pages else context.new_page()
    email = new_email()
    register(page, email)
    routine_id = create_routine(page, "Across restarts", TWO_SETS)
    wait_for_offline_set(page)
    context.set_offline(True)
    run_whole_session(page, routine_id, sets=2)
    user = runner_id(page)
    assert outbox_for(page, user) == 4
    ids = page.evaluate("u => RunptOutbox.waiting(u).then(e => e.map(x => x.id))", user)
    context.close()  # closed while offline, logs waiting

    server.stop()
    server.start()
    context = open_browser()
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/")
    wait_until(lambda: outbox_for(page, user) == 0)
    sessions = server_sessions(page)
    context.close()
    assert len(sessions) == 1
    stored = [sessions[0]["id"]] + [s["event"] for s in sessions[0]["sets"]]
    assert len(stored) == len(set(stored))
    assert {s["event"] for s in sessions[0]["sets"]} <= set(ids)
    assert len(sessions[0]["sets"]) == 2 and sessions[0]["finished_at"]


def test_a_401_keeps_the_logs_asks_to_sign_in_and_syncs_after(context, page):
    email = register(page)
    routine_id = create_routine(page, "Expired login", TWO_SETS)
    start_session(page, routine_id)
    wait_until(lambda: outbox_for(page, runner_id(page)) == 0)
    context.clear_cookies()  # the login lapsed while the phone was away
    log_set(page, pain=0)
    expect(page.locator("#signin-banner")).to_be_visible()
    assert outbox_for(page, runner_id(page)) == 1
    login(page, email)
    wait_until(lambda: outbox_for(page, runner_id(page)) == 0)
    expect(page.locator("#signin-banner")).to_be_hidden()
    assert sum(len(s["sets"]) for s in server_sessions(page)) == 1


@pytest.mark.end_to_end
def test_another_runner_on_the_same_phone_never_uploads_the_first_runners_logs(context, page):
    register(page)
    first = runner_id(page)
    routine_id = create_routine(page, "Mine only", TWO_SETS)
    wait_for_offline_set(page)
    context.set_offline(True)
    run_whole_session(page, routine_id, sets=2)
    assert outbox_for(page, first) == 4
    # The first runner's login is gone before the connection is back (otherwise their
    # logs would rightly sync to their own account at the `online` event).
    context.clear_cookies()
    context.set_offline(False)
    page.goto("/auth/login")  # a second runner signs in on this phone
    register(page, new_email("second"))
    second = runner_id(page)
    page.reload()
    assert server_sessions(page) == []
    assert outbox_for(page, first) == 4
    assert outbox_for(page, second) == 0
    # Nor do they see the first runner's pages, even offline from the cache.
    wait_for_offline_set(page)
    context.set_offline(True)
    tab = context.new_page()
    tab.goto("/?source=home-screen")
    expect(tab.get_by_role("heading", name="Your routines")).to_be_visible()
    assert runner_id(tab) == second
    expect(tab.get_by_text("Mine only")).to_have_count(0)


def test_logout_with_logs_waiting_warns_and_keeps_the_outbox(context, page):
    register(page)
    user = runner_id(page)
    routine_id = create_routine(page, "Leaving", TWO_SETS)
    wait_for_offline_set(page)
    context.set_offline(True)
    start_session(page, routine_id)
    log_set(page, pain=0)
    page.context.route("**/api/sync", lambda route: route.abort())  # keep the logs waiting
    context.set_offline(False)
    warnings = []

    def answer(dialog):
        warnings.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/auth/login")
    assert warnings and "not synced yet" in warnings[0]
    assert outbox_for(page, user) == 2
    names = page.evaluate("caches.keys()")
    assert f"runpt-user-{user}" not in names
    assert any(name.startswith("runpt-shell-") for name in names)


def test_persistent_storage_is_requested_after_login(page):
    page.add_init_script(
        """
        window.__persistAsked = 0;
        const ask = navigator.storage.persist.bind(navigator.storage);
        navigator.storage.persist = () => { window.__persistAsked += 1; return ask(); };
        """
    )
    page.goto("/")
    assert page.evaluate("window.__persistAsked") == 0
    register(page)
    assert wait_until(lambda: page.evaluate("window.__persistAsked") > 0)


def test_an_update_waits_for_the_runner_and_keeps_the_session_and_logs(context, page, server):
    register(page)
    routine_id = create_routine(
        page, "Update me", [("glute-bridge", {"sets": 3, "reps": 5, "rest_s": 0})]
    )
    page.reload()
    controlled(page)
    page.context.route("**/api/sync", lambda route: route.abort())  # logs stay waiting
    start_session(page, routine_id)
    log_set(page, pain=0)
    user = runner_id(page)
    server.stop()
    server.start(release="next")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    expect(page.get_by_role("button", name="Update")).to_be_visible(timeout=15000)
    # The session was not interrupted: still on the same step, and it goes on.
    expect(page.locator("#step")).to_contain_text("Set 2 of 3")
    log_set(page, pain=0)
    assert outbox_for(page, user) == 3
    page.evaluate("window.beforeTheUpdate = true")
    # The tap alone takes the new version and reloads the page: nothing else opens it
    # again. Waited for as the reload commits, not for every file of the new page.
    with page.expect_navigation(wait_until="commit", timeout=15000):
        page.get_by_role("button", name="Update").click()
    expect(page.locator("#update-banner")).to_be_hidden(timeout=15000)
    assert page.evaluate("window.beforeTheUpdate") is None  # a new page, after the reload
    no_update_waiting = "navigator.serviceWorker.getRegistration().then(r => !r.waiting)"
    assert page.evaluate(no_update_waiting)
    expect(page.locator("#step")).to_contain_text("Set 3 of 3")
    assert outbox_for(page, user) == 3


def test_deleting_the_account_also_clears_this_phone(context, page):
    register(page)
    user = runner_id(page)
    routine_id = create_routine(page, "Gone soon", TWO_SETS)
    wait_for_offline_set(page)
    page.context.route("**/api/sync", lambda route: route.abort())  # a log still waiting
    start_session(page, routine_id)
    log_set(page, pain=0)
    assert outbox_for(page, user) == 2
    page.goto("/auth/delete")
    page.get_by_label("Your password, to confirm").fill("long-enough-1")
    page.get_by_role("button", name="Delete my account and data").click()
    expect(page.get_by_text("all your logs and routines are deleted")).to_be_visible()
    assert wait_until(lambda: outbox_for(page, user) == 0)
    assert wait_until(lambda: f"runpt-user-{user}" not in page.evaluate("caches.keys()"))
    session_in_progress = "u => RunptOutbox.transaction(['sessions'], 'readonly', " \
        "({sessions}) => RunptOutbox.asPromise(sessions.get(u)))"  # fmt: skip
    assert page.evaluate(session_in_progress, user) is None
