"""One clock (docs/architecture.md): every read of the time in runpt goes through
runpt.timestamps, the runner's day and week are counted there on their own clock, and the
tests' `clock` fixture pins all of it at once."""

import ast
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from runpt import timestamps
from runpt.auth.models import User
from runpt.extensions import db
from runpt.timestamps import day_turns_key, local_day, monday_of, runner_today, server_today
from tests.test_layers import RUNPT, units_of_code

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)

# The session cookie's age is checked against itsdangerous's own stamp, made with
# time.time(): that check must read the same clock (runpt/security/sessions.py says why).
SYSTEM_CLOCK_ALLOWED = {("security/sessions.py", "time.time")}
CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time")}

SUNDAY_2350 = datetime(2026, 12, 13, 23, 50, tzinfo=UTC)
MONDAY_0030 = datetime(2026, 12, 14, 0, 30, tzinfo=UTC)


def clock_reads(path) -> list[tuple[int, str]]:
    """(line, "datetime.now") for every direct read of the system clock in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) in CLOCK_READS
        ):
            found.append((node.lineno, f"{node.func.value.id}.{node.func.attr}"))
    return found


def test_nothing_in_runpt_reads_the_time_but_timestamps():
    reads = [
        f"{path.relative_to(RUNPT)}:{line}: {call}() (use runpt.timestamps)"
        for path in sorted(units_of_code())
        if path.name != "timestamps.py"
        for line, call in clock_reads(path)
        if (str(path.relative_to(RUNPT)), call) not in SYSTEM_CLOCK_ALLOWED
    ]
    assert reads == []


TESTS = RUNPT.parent / "tests"
HAND_PIN = re.compile(r"setattr\(.*(utcnow|read_clock|timestamps)")


def clock_pins(path) -> list[int]:
    """Lines of a test module that pin the time by hand: patching `utcnow` or
    `read_clock` instead of asking for the one `clock` fixture."""
    return [
        number
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HAND_PIN.search(line)
    ]


def test_the_tests_pin_the_time_through_the_one_clock_fixture():
    pins = [
        f"{path.relative_to(TESTS)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "conftest.py" or path.parent != TESTS
        for line in clock_pins(path)
    ]
    assert pins == [], "ask for the `clock` fixture (tests/conftest.py) instead"


def test_the_check_itself_catches_a_server_local_today(tmp_path):
    module = tmp_path / "sneaky.py"
    module.write_text("from datetime import date\nkey = (1, date.today())\n")
    assert clock_reads(module) == [(2, "date.today")]


def test_timestamps_stays_at_the_bottom_importing_nothing_of_runpt():
    tree = ast.parse((RUNPT / "timestamps.py").read_text())
    imported = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("runpt")
    ]
    imported += [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.startswith("runpt")
    ]
    assert imported == []


def test_a_runners_day_is_on_their_own_clock_not_the_servers():
    assert runner_today(0, SUNDAY_2350) == date(2026, 12, 13)
    assert runner_today(60, SUNDAY_2350) == date(2026, 12, 14)  # already Monday in UTC+1
    assert runner_today(-300, MONDAY_0030) == date(2026, 12, 13)  # still Sunday in New York
    assert local_day(MONDAY_0030, 0) == date(2026, 12, 14)


def test_a_runners_week_starts_on_their_monday():
    assert monday_of(runner_today(60, SUNDAY_2350)) == date(2026, 12, 14)
    assert monday_of(runner_today(0, SUNDAY_2350)) == date(2026, 12, 7)
    assert monday_of(date(2026, 12, 20)) == date(2026, 12, 14)  # a Sunday ends that week


def test_the_day_turns_key_changes_at_every_zones_midnight_and_only_at_quarter_hours():
    # Kathmandu (UTC+05:45) turns its day at 18:15 UTC.
    before = datetime(2026, 12, 13, 18, 14, 59, tzinfo=UTC)
    assert day_turns_key(before) != day_turns_key(before + timedelta(seconds=1))
    assert day_turns_key(before) == day_turns_key(before - timedelta(minutes=14))


def test_the_clock_fixture_pins_now_today_and_what_the_database_stamps(app, auth, clock):
    clock.set(SUNDAY_2350)
    assert timestamps.utcnow() == SUNDAY_2350
    assert server_today() == date(2026, 12, 13)
    auth.register()  # a column default (User.created_at) reads the same clock
    clock.advance(minutes=40)
    assert runner_today(0) == date(2026, 12, 14)  # `now=None` defaults read it at call time
    with app.app_context():
        assert db.session.scalar(select(User.created_at)) == SUNDAY_2350


def test_the_clock_fixture_refuses_a_naive_time(clock):
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2026, 12, 14, 0, 30))
