"""Browser tests: Debian's Chromium driven by Playwright at phone size, against a real
server process on a fixed port (the port is part of the origin that owns the service
worker and IndexedDB, so a restarted server must come back on the same one).

With CI set, a missing Chromium fails the run instead of skipping it. What test files
import (phone size, registering a runner, ...) is in tests/browser/helpers.py.
"""

import os
from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM_ARGS, phone_context_options
from tests.helpers import database_of_this_worker, worker_of
from tests.live_server import LiveServer, free_port

CHROMIUM = os.environ.get("RUNPT_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"Chromium not found at {CHROMIUM}; CI must run the browser tests")
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
def server_database_url(tmp_path_factory, request):
    """The browser tests' server has its own database (PostgreSQL when the suite runs
    against it: RUNPT_BROWSER_DATABASE_URL, one per xdist worker), apart from the unit
    tests' one."""
    url = os.environ.get("RUNPT_BROWSER_DATABASE_URL")
    if url:
        return database_of_this_worker(url, worker_of(request.config))
    return "sqlite:///" + str(tmp_path_factory.mktemp("browser-db") / "runpt.sqlite3")


@pytest.fixture(scope="session")
def live_server(server_database_url, tmp_path_factory, chromium_path):
    # One fixed port for the whole session: a restarted server must come back on it.
    server = LiveServer(server_database_url, tmp_path_factory.mktemp("server"), port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(live_server):
    """The session's server, started again if a test stopped it."""
    if live_server.process is None:
        live_server.start()
    return live_server


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    browser = playwright_instance.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class PageProblems:
    """Console errors and CSP violations seen while a test used the app."""

    def __init__(self):
        self.messages: list[str] = []

    def watch(self, page):
        page.on("console", lambda m: m.type == "error" and self.messages.append(m.text))
        page.on("pageerror", lambda e: self.messages.append(f"uncaught: {e}"))

    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m]


@pytest.fixture
def context(browser, server):
    context = browser.new_context(base_url=server.url, **phone_context_options())
    context.set_default_timeout(10000)
    yield context
    context.close()


@pytest.fixture
def problems():
    return PageProblems()


@pytest.fixture
def page(context, problems, request):
    page = context.new_page()
    problems.watch(page)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    assert problems.csp_violations() == [], problems.csp_violations()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
