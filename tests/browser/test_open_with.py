"""Open with runpt (issue 24 item 4): desktop Chrome's "Open with" for a watch file,
through the manifest's file_handlers and the running page's launchQueue consumer. The
DevTools Protocol installs runpt (`PWA.install`) and opens a file with it
(`PWA.launchFilesInApp`), as the operating system would."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CHROMIUM_ARGS, register

FIT = Path(__file__).resolve().parents[1] / "watch_files" / "easy-run.fit"


@pytest.fixture
def installed(playwright_instance, chromium_path, server, tmp_path):
    """A persistent profile (apps are installed into a profile, never an incognito one)."""
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path,
        args=CHROMIUM_ARGS,
        base_url=server.url,
        viewport={"width": 1024, "height": 768},
    )
    context.set_default_timeout(10000)
    yield context
    context.close()


def test_a_watch_file_opened_with_runpt_fills_the_run_form(installed, server):
    page = installed.new_page()
    register(page)
    page.goto("/running/")
    expect(page.locator("[data-running-page]")).to_have_attribute("data-ready", "yes")
    cdp = installed.new_cdp_session(page)
    manifest_id = f"{server.url}/"
    cdp.send(
        "PWA.install",
        {"manifestId": manifest_id, "installUrlOrBundleUrl": f"{server.url}/running/"},
    )
    with installed.expect_page() as opened:
        cdp.send("PWA.launchFilesInApp", {"manifestId": manifest_id, "files": [str(FIT)]})
    app = opened.value
    app.wait_for_url("**/running/?opened=file")
    expect(app.locator("[data-import-status]")).to_contain_text("Read 25 min from the file")
    expect(app.locator("[data-run-form]").get_by_label("Minutes")).to_have_value("24.83")
    expect(app.locator("[data-run-form]").get_by_label("Distance, km")).to_have_value("4.21")
