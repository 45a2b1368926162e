"""Running in the browser: a run logged by hand with no signal waits in the outbox and is
stored once; a watch file is read by the server and, logged twice, is still one run."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import outbox_count, register, wait_for_offline_set, wait_until
from tests.browser.no_signal import server_events

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)

GPX = Path(__file__).resolve().parents[1] / "watch_files" / "easy-run.gpx"


def runs_on_server(page) -> list[dict]:
    return [e for e in server_events(page) if e["type"] == "run.logged"]


def test_a_run_logged_with_no_signal_is_stored_once_at_its_stage(page, server):
    register(page)
    wait_for_offline_set(page)
    server.stop()
    page.goto("/running/stages")  # from the phone
    expect(page.locator("[data-running-page]")).to_have_attribute("data-ready", "yes")
    form = log_run_by_hand(page, "2026-03-02", "07:30", 30, 3.2, pain=1)
    expect(form.locator("[data-run-saved]")).to_contain_text("Run saved on this phone")
    assert outbox_count(page) == 1

    server.start()
    page.goto("/")
    assert wait_until(lambda: outbox_count(page) == 0, timeout=20)
    [run] = runs_on_server(page)
    assert run["data"]["start"].startswith("2026-03-02T07:30:00")
    assert (run["data"]["duration_s"], run["data"]["distance_m"]) == (1800, 3200)
    assert (run["data"]["stage"], run["data"]["pain"], run["data"]["source"]) == (1, 1, "hand")


def test_a_watch_file_fills_the_run_and_importing_it_twice_counts_once(page, server):
    register(page)
    for _ in range(2):
        page.goto("/running/")
        expect(page.locator("[data-running-page]")).to_have_attribute("data-ready", "yes")
        page.locator("[data-run-import] input[type=file]").set_input_files(str(GPX))
        expect(page.locator("[data-import-status]")).to_contain_text("Read 25 min from the file")
        form = page.locator("[data-run-form]")
        expect(form.get_by_label("Minutes")).to_have_value("24.83")
        form.get_by_label("Pain during the run").select_option("0")
        # The file's run (2 March 2026) is over 60 days old: the form asks first.
        form.get_by_role("button", name="Log run").click()
        expect(form.locator("[data-run-error]")).to_contain_text("tick the box")
        assert outbox_count(page) == 0
        form.get_by_label(re.compile(r"Yes, log this run from 2 March 2026")).check()
        form.get_by_role("button", name="Log run").click()
        expect(form.locator("[data-run-saved]")).to_contain_text("Run saved")
        assert wait_until(lambda: outbox_count(page) == 0, timeout=20)
    logged = runs_on_server(page)
    assert len(logged) == 2 and len({e["session"] for e in logged}) == 1  # one run
    assert logged[0]["data"]["source"] == "gpx" and logged[0]["data"]["distance_m"] == 4210
    page.goto("/running/")
    expect(page.locator("[data-run-row]")).to_have_count(1)


def test_a_shin_runner_logs_the_hop_check_with_a_walk_and_it_counts(page, server):
    """Before the first run-walk a runner with shin pain logs a pain-free hop check from
    the plan's own form (390×844); the run carries it and the plan shows it met."""
    register(page)
    page.goto("/get-started")
    page.get_by_label("Shin splints").check()
    page.get_by_role("button", name="Show me my first session").click()
    page.wait_for_url("**/")
    page.goto("/running/stages")
    expect(page.locator("[data-running-page]")).to_have_attribute("data-ready", "yes")
    expect(page.locator('[data-criterion="hop"]')).to_have_attribute("data-met", "no")
    form = page.locator("[data-run-form]")
    form.get_by_label("Minutes").fill("30")
    form.get_by_label("Pain during the run").select_option("0")
    form.get_by_label("Hop check").select_option("1")
    form.get_by_role("button", name="Log run").click()
    expect(form.locator("[data-run-saved]")).to_contain_text("Run saved")
    assert wait_until(lambda: outbox_count(page) == 0, timeout=20)
    [run] = runs_on_server(page)
    assert (run["data"]["stage"], run["data"]["hop_pain"]) == (1, 1)
    page.goto("/running/stages")
    expect(page.locator('[data-criterion="hop"]')).to_have_attribute("data-met", "yes")


def share_from_another_app(page, path: Path) -> None:
    """What Android does with the manifest's share_target: a multipart POST navigation to
    its action, with the file in the `file` field."""
    page.evaluate(
        """([name, text]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.enctype = "multipart/form-data";
            form.action = "/running/share";
            const input = document.createElement("input");
            input.type = "file";
            input.name = "file";
            const files = new DataTransfer();
            files.items.add(new File([text], name, { type: "application/gpx+xml" }));
            input.files = files.files;
            form.append(input);
            document.body.append(form);
            form.submit();
        }""",
        [path.name, path.read_text()],
    )


def test_a_file_shared_with_no_signal_is_kept_and_read_once_the_server_answers(page, server):
    register(page)
    wait_for_offline_set(page)
    page.goto("/running/")
    expect(page.locator("[data-running-page]")).to_have_attribute("data-ready", "yes")
    server.stop()
    share_from_another_app(page, GPX)
    page.wait_for_url("**/running/?shared=1")
    status = page.locator("[data-import-status]")
    expect(status).to_contain_text("easy-run.gpx is kept on this phone")

    server.start()
    page.reload()  # the runner opens runpt again with signal
    expect(status).to_contain_text("Read 25 min from the file")
    form = page.locator("[data-run-form]")
    expect(form.get_by_label("Minutes")).to_have_value("24.83")
    expect(form.get_by_label("Distance, km")).to_have_value("4.21")
    kept = page.evaluate(
        "caches.open('runpt-shared').then(c => c.match('/running/shared-file')).then(Boolean)"
    )
    assert kept is False  # read, so no longer kept


def log_run_by_hand(page, day: str, start: str, minutes: int, km: float, pain: int | None = None):
    """The running page's form, filled in and sent as a runner would."""
    form = page.locator("[data-run-form]")
    form.get_by_label("Day").fill(day)
    form.get_by_label("Start time").fill(start)
    form.get_by_label("Minutes").fill(str(minutes))
    form.get_by_label("Distance, km").fill(str(km))
    if pain is not None:
        form.get_by_label("Pain during the run").select_option(str(pain))
    form.get_by_role("button", name="Log run").click()
    return form


def test_a_run_synced_just_before_the_signal_goes_is_on_the_phones_running_page(page, server):
    """The runner logs a run with signal, it syncs, and the signal goes before any other
    page is opened: the phone's copy of the running page already shows it (the worker
    keeps the runner's pages again once logs are sent, not at the next page load)."""
    register(page)
    wait_for_offline_set(page)
    page.goto("/running/stages")
    expect(page.locator("[data-running-page]")).to_have_attribute("data-ready", "yes")
    assert server.quiet_for(1.5), "the worker never stopped fetching"
    log_run_by_hand(page, "2026-03-02", "07:30", 30, 3.2)
    assert wait_until(lambda: outbox_count(page) == 0, timeout=20), "the run never synced"

    # The worker reads what to keep again after the sync, with no page opened since.
    made = server.requests_made()
    synced = max(n for n, (method, path, *_) in enumerate(made) if path == "/api/sync")
    assert wait_until(
        lambda: any(r[1] == "/offline/urls" for r in server.requests_made()[synced + 1 :])
    ), "the worker did not refresh the offline set after the sync"
    wait_for_offline_set(page)
    server.stop()
    page.goto("/running/")  # from the phone
    row = page.locator("[data-run-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("2 Mar 2026")
    expect(row.locator("td").nth(1)).to_have_text("3.2")


def test_a_run_sent_by_background_sync_is_on_the_phones_running_page(page, server):
    """The run waits on the phone and runpt is closed; Background Sync sends it once the
    signal is back, and the worker keeps the running page again by itself: opened later
    with no signal, it shows the run."""
    register(page)
    wait_for_offline_set(page)
    server.stop()
    page.goto("/running/stages")  # from the phone
    expect(page.locator("[data-running-page]")).to_have_attribute("data-ready", "yes")
    form = log_run_by_hand(page, "2026-03-03", "18:00", 25, 4.1)
    expect(form.locator("[data-run-saved]")).to_contain_text("Run saved on this phone")
    assert outbox_count(page) == 1

    # runpt closed: this tab holds a file of its origin, and no script of runpt's, only
    # so that the DevTools protocol can reach the worker.
    page.goto("/static/app.css")
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    server.start()  # the signal is back
    assert server.quiet_for(1.5)
    origin = page.evaluate("location.origin")
    assert wait_until(lambda: any(r["scopeURL"].startswith(origin) for r in registrations))
    registration = next(r for r in registrations if r["scopeURL"].startswith(origin))
    cdp.send("ServiceWorker.dispatchSyncEvent", {
        "origin": origin, "registrationId": registration["registrationId"],
        "tag": "runpt-sync", "lastChance": False,
    })  # fmt: skip
    assert wait_until(lambda: len(runs_on_server(page)) == 1), "Background Sync sent nothing"
    made = server.requests_made()
    synced = max(n for n, (method, path, *_) in enumerate(made) if path == "/api/sync")
    assert wait_until(
        lambda: any(r[1] == "/offline/urls" for r in server.requests_made()[synced + 1 :])
    ), "the worker did not refresh the offline set after Background Sync"
    assert server.quiet_for(1.5)  # the units it found changed, kept

    server.stop()
    page.goto("/running/")  # opened later, from the phone
    expect(page.locator("[data-run-row]")).to_contain_text("3 Mar 2026")
