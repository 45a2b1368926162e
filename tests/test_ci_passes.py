"""CI's PostgreSQL pass can't be lost unnoticed: with RUNPT_REQUIRE_POSTGRES set (as .ci/run
sets it for that pass), a run without PostgreSQL URLs fails instead of passing on SQLite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import POSTGRES_PASS_URLS, check_the_postgres_pass

ROOT = Path(__file__).parent.parent
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
BOTH_URLS = {
    "RUNPT_TEST_DATABASE_URL": f"{POSTGRES}/runpt_test",
    "RUNPT_BROWSER_DATABASE_URL": f"{POSTGRES}/runpt_browser",
}


@pytest.mark.parametrize(
    "environ",
    [
        {"RUNPT_REQUIRE_POSTGRES": "1"},
        {"RUNPT_REQUIRE_POSTGRES": "1", "RUNPT_BROWSER_DATABASE_URL": f"{POSTGRES}/b"},
        {"RUNPT_REQUIRE_POSTGRES": "1", "RUNPT_TEST_DATABASE_URL": f"{POSTGRES}/t"},
        {"RUNPT_REQUIRE_POSTGRES": "1", **BOTH_URLS, "RUNPT_TEST_DATABASE_URL": "sqlite:///x"},
    ],
    ids=["no URL", "no test URL", "no browser URL", "SQLite"],
)
def test_requiring_postgres_without_its_urls_stops_the_run(environ):
    with pytest.raises(pytest.UsageError, match="RUNPT_REQUIRE_POSTGRES is set"):
        check_the_postgres_pass(environ)


@pytest.mark.parametrize("environ", [{}, BOTH_URLS, {"RUNPT_REQUIRE_POSTGRES": "1", **BOTH_URLS}])
def test_a_run_that_needs_no_postgres_or_has_it_goes_on(environ):
    check_the_postgres_pass(environ)


def test_a_pytest_run_requiring_postgres_without_a_url_fails_before_any_test():
    """The whole way: pytest itself, with the variable set and no URL, exits with a usage
    error (and CI's `set -e` stops there), not with tests passed on SQLite."""
    environ = {k: v for k, v in os.environ.items() if k not in POSTGRES_PASS_URLS}
    environ["RUNPT_REQUIRE_POSTGRES"] = "1"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    run = subprocess.run(
        [*command, "tests/test_pain_zones.py"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert "RUNPT_REQUIRE_POSTGRES is set but RUNPT_TEST_DATABASE_URL" in run.stderr
    assert "passed" not in run.stdout


def test_ci_requires_postgres_wherever_it_runs_the_suite_on_postgres():
    """Each command of .ci/run that points the suite at PostgreSQL also sets the variable
    that makes a missing URL fail (a command is its lines joined at a trailing \\)."""
    commands = (ROOT / ".ci" / "run").read_text().replace("\\\n", " ").splitlines()
    on_postgres = [c for c in commands if "RUNPT_TEST_DATABASE_URL=" in c and "pytest" in c]
    assert on_postgres
    assert all("RUNPT_REQUIRE_POSTGRES=1 " in command for command in on_postgres)


def test_every_step_of_ci_that_fails_stops_it():
    """.ci/run runs under `set -e`, which ignores a failure before the last command of an
    `a && b` list: `ruff check . && ruff format --check .` let ruff's findings pass CI.
    No command line of it chains commands that way (the README's test command runs in
    `bash -c`, whose own exit status counts)."""
    commands = (ROOT / ".ci" / "run").read_text().replace("\\\n", " ").splitlines()
    chained = [
        line
        for line in (c.strip() for c in commands)
        if line and not line.startswith("#") and not line.startswith("bash -c ") and "&&" in line
    ]
    assert chained == []
