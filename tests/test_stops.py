"""When the player stops an exercise for pain (pain above 5, or a note saying sharp
pain), the decision is recorded as an exercise.stopped event and shown where a runner
and their physio look: the session's page, the physio report and the export."""

import csv
import io
import json
from datetime import timedelta

import pytest

from tests.events import event, finished, logged, new_session, started
from tests.test_history import days_ago, sync, text

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)


def stop(session, at, **data) -> dict:
    body = {"exercise": "step-down", "set": 2, "side": "left", "reason": "pain", "pain": 6,
            "choice": "easier", **data}  # fmt: skip
    return event("exercise.stopped", session, body, at=at)


def session_with_a_stop(client, **stop_data) -> str:
    """Step-down: set 1 fine, set 2 left at pain 6, stopped; the rest at the easier
    variant (level -1), as the player logs them."""
    when = days_ago(1)
    session = new_session()

    def moment(minutes):
        return (when + timedelta(minutes=minutes)).isoformat()

    sync(client, [
        started(session, routine="knee-pain-relief", planned_sets=6, at=moment(0)),
        logged(session, "step-down", 1, side="left", reps=8, pain=2, at=moment(1)),
        logged(session, "step-down", 1, side="right", reps=8, pain=1, at=moment(2)),
        logged(session, "step-down", 2, side="left", reps=8, pain=6, at=moment(3)),
        stop(session, moment(3.5), **stop_data),
        logged(session, "step-down", 2, side="right", reps=8, pain=2, level=-1, at=moment(4)),
        logged(session, "step-down", 3, side="left", reps=8, pain=2, level=-1, at=moment(5)),
        logged(session, "step-down", 3, side="right", reps=8, pain=1, level=-1, at=moment(6)),
        finished(session, at=moment(20)),
    ])  # fmt: skip
    return session


@pytest.mark.parametrize(
    ("stop_data", "line"),
    [
        ({}, "Step-down stopped at set 2, left side (pain 6): went on with the easier variant."),
        ({"choice": "skip", "pain": 8},
         "Step-down stopped at set 2, left side (pain 8): skipped to the next exercise."),
        ({"reason": "sharp-pain", "pain": None, "side": None},
         "Step-down stopped at set 2 (sharp pain): went on with the easier variant."),
        ({"reason": "sharp-pain", "pain": 4},
         "Step-down stopped at set 2, left side (sharp pain, pain 4): went on with the easier"),
    ],
    ids=["pain-easier", "pain-skip", "sharp-no-side", "sharp-with-pain"],
)  # fmt: skip
def test_the_session_page_and_the_report_show_the_stop(signed_in, stop_data, line):
    session = session_with_a_stop(signed_in, **stop_data)
    detail = text(signed_in.get(f"/history/sessions/{session}"))
    assert "data-stops" in detail and line in detail
    report = text(signed_in.get("/history/report"))
    stops = report.split("data-report-stops")[1].split("</section>")[0]
    assert line in stops and days_ago(1).strftime("%-d %b") in stops


def test_no_stop_says_none_in_the_report(signed_in):
    assert "None in these weeks." in text(signed_in.get("/history/report"))


def test_exports_carry_the_stop(signed_in):
    session = session_with_a_stop(signed_in)
    body = json.loads(text(signed_in.get("/history/export.json")))
    [derived] = body["sessions"]
    assert [(s["exercise"], s["set"], s["reason"], s["pain"], s["choice"])
            for s in derived["stops"]] == [("step-down", 2, "pain", 6, "easier")]  # fmt: skip
    assert derived["planned_sets"] == 6 and len(derived["sets"]) == 6
    events = list(csv.DictReader(io.StringIO(text(signed_in.get("/history/export/events.csv")))))
    [row] = [r for r in events if r["type"] == "exercise.stopped"]
    assert (row["exercise"], row["reason"], row["pain"], row["choice"]) == (
        "step-down", "pain", "6", "easier",
    )  # fmt: skip
    assert [r["planned_sets"] for r in events if r["type"] == "session.started"] == ["6"]
    sessions = list(
        csv.DictReader(io.StringIO(text(signed_in.get("/history/export/sessions.csv"))))
    )
    assert [(r["session"], r["stops"]) for r in sessions] == [
        (session, "step-down set 2 left: pain 6, easier"),
    ]  # fmt: skip
    [api] = signed_in.get("/api/sessions").get_json()["sessions"]
    assert api["stops"][0]["choice"] == "easier" and api["stops"][0]["at"].endswith("+00:00")


def test_a_stop_tapped_twice_is_one_stop(signed_in):
    session = session_with_a_stop(signed_in)
    sync(signed_in, [stop(session, days_ago(1).isoformat(), choice="skip")])  # earlier: loses
    detail = text(signed_in.get(f"/history/sessions/{session}"))
    assert detail.count("Step-down stopped at set 2") == 1 and "went on with the easier" in detail
