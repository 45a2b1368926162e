"""The suite's own shape: test files take helpers from tests/helpers.py (or
tests/browser/helpers.py), never from a conftest, and a conftest's fixture is defined once,
not copied into the test files that use it (the fixture that stops every server process
a test made was once in two files)."""

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from runpt import create_app
from runpt.auth.models import User
from runpt.extensions import db
from runpt.library.models import Exercise
from runpt.routines import builtin
from tests.helpers import (
    AppReset,
    AuthActions,
    hooks_of,
    settings,
    tables_with_runners_rows,
    wipe_runner_data,
)

TESTS = Path(__file__).parent
ROOT = TESTS.parent

# Test files that define a fixture of a conftest's name on purpose, and why.
OVERRIDES = {
    ("tests/test_reminders.py", "clock"): "pins a runner's Monday 07:30 in Tonga",
    ("tests/browser/test_reminders.py", "server"): "a server that may push over loopback",
}


def files_of_tests():
    return [path for path in sorted(TESTS.rglob("*.py")) if path.name != "conftest.py"]


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def fixtures_defined(path: Path) -> set[str]:
    return {
        node.name
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.FunctionDef)
        and any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)
    }


def test_no_test_file_imports_a_conftest():
    """pytest loads a conftest itself, under its own rules; a test file importing one
    loads it a second time as a plain module (two copies of its state) and ties the
    file to fixtures' plumbing. Helpers belong in tests/helpers.py."""
    importers = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in files_of_tests()
        for module in sorted(imported_modules(path))
        if module.split(".")[-1] == "conftest"
    ]
    assert importers == []


def test_this_check_sees_an_import_of_a_conftest(tmp_path):
    copied = tmp_path / "test_copy.py"
    copied.write_text("from tests.conftest import AuthActions\nimport tests.browser.conftest\n")
    assert {"tests.conftest", "tests.browser.conftest"} <= imported_modules(copied)


def test_a_conftests_fixtures_are_not_copied_into_test_files():
    """One definition of each shared fixture (`servers`, `app`, `client`, ...): a copy in
    a test file would silently win over the conftest's for that file."""
    shared = {}
    for conftest in TESTS.rglob("conftest.py"):
        for name in fixtures_defined(conftest):
            shared[name] = conftest.relative_to(ROOT)
    copies = [
        f"{path.relative_to(ROOT)}: {name} (also in {shared[name]})"
        for path in files_of_tests()
        for name in sorted(fixtures_defined(path) & set(shared))
        if (str(path.relative_to(ROOT)), name) not in OVERRIDES
    ]
    assert copies == []


# --- the reset after each test (tests/helpers.py, AppReset) ------------------------------


@pytest.fixture
def own_app(_schema, tmp_path):
    """An app of the test's own with its reset, so the `app` fixture's stays untouched."""
    app = create_app(settings(_schema, tmp_path))
    yield app, AppReset(app)
    with app.app_context():
        wipe_runner_data()
        db.engine.dispose()


@pytest.fixture
def library_loads(monkeypatch):
    loads = []
    load = builtin.load_library
    monkeypatch.setattr(builtin, "load_library", lambda *a: loads.append(a) or load(*a))
    return loads


def test_the_reset_puts_config_limits_and_runners_rows_back_without_loading_the_library(
    own_app, library_loads
):
    app, reset = own_app
    login_limit = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = login_limit + 7
    app.config["SOMETHING_NEW"] = True
    app.config["COMPRESS_MIMETYPES"].append("text/x-runner")  # changed in place
    app.extensions["runpt.per_address"] = {"emptied": "bucket"}
    assert AuthActions(app.test_client()).register().status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1

    reset()

    assert app.config["LOGIN_RATE_LIMIT"] == login_limit
    assert "SOMETHING_NEW" not in app.config
    assert "text/x-runner" not in app.config["COMPRESS_MIMETYPES"]
    assert "runpt.per_address" not in app.extensions
    with app.app_context():
        assert tables_with_runners_rows() == []
        assert db.session.scalar(select(func.count()).select_from(Exercise)) > 0
    assert library_loads == []  # nothing changed it: not loaded again


def test_the_reset_loads_the_library_again_when_a_test_changed_it(own_app, library_loads):
    """However it was changed: here a plain UPDATE no ORM event would see."""
    app, reset = own_app
    with app.app_context():
        name = db.session.scalar(select(Exercise.name).where(Exercise.slug == "glute-bridge"))
        db.session.execute(
            update(Exercise).where(Exercise.slug == "glute-bridge").values(name="Renamed")
        )
        db.session.commit()

    reset()

    assert len(library_loads) == 1
    with app.app_context():
        stored = db.session.scalar(select(Exercise.name).where(Exercise.slug == "glute-bridge"))
    assert stored == name


def test_the_reset_forgets_steps_drawn_and_hooks_added_for_the_test_before(own_app, clock):
    """The next test's routine may reuse a deleted one's id, with the same `updated_at`
    under the pinned clock: the step it is shown is its own, not one drawn before."""
    from tests.test_routines import create

    app, reset = own_app
    shown = []
    for slug, name in (("glute-bridge", "Glute bridge"), ("side-plank", "Side plank")):
        client = app.test_client()
        assert AuthActions(client).register().status_code == 302
        routine_id = create(client, "Mine", slug)
        step = client.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
        shown.append((routine_id, name in step))
        app.before_request_funcs.setdefault(None, []).append(lambda: None)  # a test's own hook
        reset()
        assert hooks_of(app) == reset.hooks
    assert [seen for _, seen in shown] == [True, True]
