"""A set logged twice is one set: a double tap, or a correction after "Back", writes a
second set.logged for the same step (session, exercise, set and side). Both are kept as
facts; every derivation (sessions, history, progress, pain, the report, suggestions,
exports) reads the latest one only."""

import csv
import io
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

import runpt.history  # noqa: F401 (blueprints first, in the order the app imports them)
from runpt.log.sessions import current_sets
from runpt.timestamps import utcnow
from tests.events import finished, logged, new_session, started
from tests.test_history import ZONE, days_ago, sync, text
from tests.test_routines import create

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)

T0 = datetime(2026, 11, 27, 7, 30, tzinfo=UTC)
SESSION = uuid.UUID(int=1)


def one(name, *, at=0, received=0, id_=1, exercise="clamshell", set_no=1, side="left", **data):
    """An event as the database hands it back: times in seconds after T0."""
    return SimpleNamespace(
        name=name,
        session_id=data.pop("session", SESSION),
        id=uuid.UUID(int=id_),
        at=T0 + timedelta(seconds=at),
        received_at=T0 + timedelta(seconds=received),
        data={"exercise": exercise, "set": set_no, "side": side, **data},
    )


@pytest.mark.parametrize(
    ("events", "kept"),
    [
        ([one("a"), one("b", at=5, id_=2)], ["b"]),
        ([one("b", at=5, id_=2), one("a")], ["b"]),  # arrival order doesn't matter
        ([one("a", received=9), one("b", received=1, id_=2)], ["a"]),  # same time: received later
        ([one("a", id_=7), one("b", id_=3)], ["a"]),  # same time and batch: the larger id
        ([one("l"), one("r", side="right", id_=2)], ["l", "r"]),  # each side is its own step
        ([one("1"), one("2", set_no=2, id_=2)], ["1", "2"]),  # each set is its own step
        ([one("c"), one("b", exercise="glute-bridge", side=None, id_=2)], ["c", "b"]),
        ([one("s1"), one("s2", session=uuid.UUID(int=2), id_=2)], ["s1", "s2"]),
        # A correction of set 1 after set 2: set 1 keeps its place, with the new values.
        ([one("1"), one("2", at=60, set_no=2, id_=2), one("1 again", at=90, id_=3)],
         ["1 again", "2"]),
        ([], []),
    ],
    ids=["later-at", "later-at-sent-first", "received-later", "larger-id", "two-sides",
         "two-sets", "two-exercises", "two-sessions", "correction-keeps-place", "none"],
)  # fmt: skip
def test_the_latest_event_for_a_step_is_the_one_that_counts(events, kept):
    assert [event.name for event in current_sets(events)] == kept


# --- in the app: a double tap, then a correction --------------------------------------


def twice_logged_session(client, when=None) -> str:
    """Clamshell set 1 on the left logged twice (the second after Back: 8 reps, pain 4
    became 10 reps, pain 2), then set 1 on the right. Returns the session id."""
    when = when or days_ago(1)
    session = new_session()

    def moment(minutes):
        return (when + timedelta(minutes=minutes)).isoformat()

    sync(client, [
        started(session, routine="runners-essentials", at=moment(0)),
        logged(session, "clamshell", 1, side="left", reps=8, pain=4, rpe=9, at=moment(1)),
        logged(session, "clamshell", 1, side="left", reps=10, pain=2, rpe=6, at=moment(2)),
        logged(session, "clamshell", 1, side="right", reps=10, pain=1, rpe=6, at=moment(3)),
        finished(session, at=moment(20)),
    ])  # fmt: skip
    return session


def test_history_counts_a_set_logged_twice_once_with_the_later_values(signed_in):
    session = twice_logged_session(signed_in)
    listing = text(signed_in.get("/history/"))
    assert "2 sets" in listing and "3 sets" not in listing
    assert "highest pain 2" in listing
    detail = text(signed_in.get(f"/history/sessions/{session}"))
    assert "2 sets logged" in detail
    assert "Highest pain during: <strong>2</strong>" in detail
    rows = re.findall(r"<td>1 (L|R)</td>\s*<td>(\d+)</td>", detail)
    assert rows == [("L", "10"), ("R", "10")]


def test_progress_pain_and_the_report_read_the_later_values(signed_in):
    twice_logged_session(signed_in)
    progress = text(signed_in.get("/history/progress/clamshell"))
    table = re.search(r"data-progress-table>.*?</table>", progress, re.S).group(0)
    # Left and right each 10 reps over the session, highest pain 2 (not 8 reps, pain 4).
    assert re.search(r"<td>10</td><td>10</td>\s*<td>–</td>\s*<td>2</td>", table), table
    pain = text(signed_in.get("/history/pain"))
    assert "Latest: <strong>2</strong>" in pain
    report = text(signed_in.get("/history/report"))
    levels = re.search(r"data-report-levels.*?</table>", report, re.S).group(0)
    assert re.search(r"Clamshell</th>.*?<td>1</td>\s*<td>10 reps</td>\s*<td>2</td>", levels, re.S)


def test_exports_keep_both_events_and_derive_one_set(signed_in):
    session = twice_logged_session(signed_in)
    body = json.loads(text(signed_in.get("/history/export.json")))
    assert [e["type"] for e in body["events"]].count("set.logged") == 3  # every fact kept
    [derived] = body["sessions"]
    assert [(s["side"], s["reps"], s["pain"]) for s in derived["sets"]] == [
        ("left", 10, 2), ("right", 10, 1),
    ]  # fmt: skip
    events_csv = list(
        csv.DictReader(io.StringIO(text(signed_in.get("/history/export/events.csv"))))
    )
    assert [r["type"] for r in events_csv].count("set.logged") == 3
    sessions_csv = list(
        csv.DictReader(io.StringIO(text(signed_in.get("/history/export/sessions.csv"))))
    )
    assert [(r["session"], r["sets"], r["highest_pain"]) for r in sessions_csv] == [
        (session, "2", "2"),
    ]  # fmt: skip
    [api] = signed_in.get("/api/sessions").get_json()["sessions"]
    assert len(api["sets"]) == 2 and api["highest_pain"] == 2


def test_the_suggestion_judges_the_corrected_set(signed_in):
    """A first tap of 7 reps at RPE 9, corrected to 10 reps at RPE 6: the set reached
    its target, so the runner may progress; judged by the first tap, they'd be held."""
    routine = create(signed_in, "Mine", "glute-bridge")
    session = new_session()
    when = utcnow().astimezone(ZONE) - timedelta(days=1)

    def moment(seconds):
        return (when + timedelta(seconds=seconds)).isoformat()

    events = [started(session, routine=routine, at=moment(0))]
    events += [logged(session, set_no=n, reps=10, pain=0, rpe=6, at=moment(n)) for n in (1, 2, 3)]
    events.append(logged(session, set_no=2, reps=7, pain=0, rpe=9, at=moment(2)))  # the slip
    events.append(logged(session, set_no=2, reps=10, pain=0, rpe=6, at=moment(10)))  # fixed
    sync(signed_in, events)
    page = text(signed_in.get(f"/routines/{routine}"))
    assert "7 of 10" not in page and "RPE 9" not in page
    assert "All 3 × 10" in page
