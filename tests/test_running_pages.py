"""Running as the runner and their physio see it: runs listed with pain and the next
morning, the next-morning question after yesterday's run, the walk-run plan naming what
is missing before the next stage, weekly load with a jump flagged, and the report and
export carrying capacity tests, runs and the stage."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from runpt.timestamps import utcnow
from tests.events import capacity_side, event, new_session, ran
from tests.test_history import sync, text
from tests.test_routines import other_runner

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)


def local(days: float, hour: int = 7) -> str:
    """A run's start `days` ago at `hour` on a UTC+1 clock."""
    zone = timezone(timedelta(hours=1))
    moment = (utcnow() - timedelta(days=days)).astimezone(zone)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0).isoformat()


def a_run(days: float, morning=("same", 0), **data) -> list:
    run = new_session()
    events = [ran(run, start=local(days), at=local(days, hour=9), **data)]
    if morning:
        feel, pain = morning
        answer = {"feel": feel, "pain": pain}
        events.append(event("morning.checked", run, answer, at=local(days - 1, hour=6)))
    return events


def strong_tests() -> list:
    events = []
    for test, amount in (("heel-raise", 24), ("single-leg-bridge", 18)):
        sitting = new_session()
        events += [capacity_side(sitting, test, side, reps=amount) for side in ("left", "right")]
    return events


def test_runs_are_listed_with_pain_during_and_the_next_morning(signed_in):
    sync(signed_in, a_run(3, pain=2, distance_m=5200, morning=("worse", 4)))
    page = text(signed_in.get("/running/"))
    assert page.count("data-run-row") == 1
    assert "5.2" in page and "worse, pain 4" in page


def test_the_morning_after_yesterdays_run_asks_how_it_feels_and_the_pain(signed_in):
    run = new_session()
    sync(signed_in, [ran(run, start=local(1), at=local(1, hour=9))])
    page = text(signed_in.get("/running/"))
    assert f'data-run-morning data-run="{run}"' in page
    assert "Pain this morning" in page
    sync(signed_in, [event("morning.checked", run, {"feel": "better", "pain": 0})])
    assert "data-run-morning" not in text(signed_in.get("/running/"))


def test_the_run_form_offers_the_plans_stages_within_the_events_limits(signed_in):
    page = text(signed_in.get("/running/plan"))
    assert '<option value="1" selected>1: Brisk walk</option>' in page
    assert 'name="minutes" inputmode="decimal" step="any" min="0.1" max="1440"' in page


def test_the_plan_says_which_criterion_is_missing_before_the_next_stage(signed_in):
    sync(signed_in, a_run(4, stage=2, pain=1) + a_run(2, stage=2, pain=3))
    page = text(signed_in.get("/running/plan"))
    assert 'data-current-stage="2"' in page
    assert 'data-criterion="runs" data-met="yes"' in page
    assert 'data-criterion="pain-during" data-met="no"' in page
    assert "Pain was 3 during the run" in page
    assert "Do the single-leg heel-raise test." in page
    assert "data-next-unlocked" not in page


def test_with_every_criterion_met_the_next_stage_unlocks_and_is_offered(signed_in):
    sync(signed_in, a_run(4, stage=2) + a_run(2, stage=2) + strong_tests())
    page = text(signed_in.get("/running/plan"))
    assert "<strong>Stage 3 is unlocked:</strong>" in page
    assert '<option value="3" selected>3: Run 2, walk 3</option>' in page
    assert 'data-met="no"' not in page


def test_pain_above_5_on_a_run_says_to_step_back(signed_in):
    sync(signed_in, a_run(2, stage=4, pain=6))
    page = text(signed_in.get("/running/plan"))
    assert "go back to stage 3 next time" in page


def test_weekly_load_flags_a_jump_beside_pain_and_mornings(signed_in, clock):
    # Mid-week (the clock fixture's Wednesday): the run 0.1 days ago is in this week.
    events = []
    for week in range(1, 5):
        events += a_run(7 * week, duration_s=1800)  # 30 minutes a week
    events += a_run(0.1, duration_s=2700, pain=3, morning=None)  # 45 minutes this week
    sync(signed_in, events)
    page = text(signed_in.get("/history/running"))
    assert "data-load-jump" in page and "more than 30% above your recent average" in page
    assert "runpt convention: flag" in page
    assert 'id="running-load"' in page and "data-load-table" in page


def test_the_weeks_of_running_load_turn_at_midnight_on_the_runs_clock(signed_in, clock):
    """Sunday 23:30 UTC is Monday 00:30 for a runner in UTC+1: a new week on their clock,
    even with no strength session logged to tell the server their offset."""
    clock.set(datetime(2026, 12, 13, 23, 30, tzinfo=UTC))
    sync(signed_in, a_run(1, duration_s=1800, morning=None))  # Sunday, UTC+1
    page = text(signed_in.get("/history/running"))
    assert "Minutes of running per week for 12 weeks to the week of 14 Dec 2026" in page


def test_the_physio_report_has_capacity_tests_runs_and_the_stage(signed_in):
    sync(signed_in, a_run(3, stage=2, pain=1) + strong_tests())
    report = text(signed_in.get("/history/report"))
    assert 'data-report-test="heel-raise"' in report and "24 reps" in report
    assert "data-report-stage" in report and "stage <strong>2</strong>" in report
    assert "Run 1, walk 4" in report


def test_the_export_has_capacity_tests_runs_and_the_stage(signed_in, app):
    sync(signed_in, a_run(3, stage=2, pain=1, distance_m=4000) + strong_tests())
    sync(other_runner(app), a_run(2, note="someone else's"))
    body = json.loads(text(signed_in.get("/history/export.json")))
    assert {t["test"] for t in body["capacity_tests"]} == {"heel-raise", "single-leg-bridge"}
    [run] = body["runs"]
    assert (run["stage"], run["pain"], run["distance_m"], run["morning"]) == (2, 1, 4000, "same")
    assert body["return_to_run"]["stage"] == 2
    assert "someone else's" not in json.dumps(body)
    rows = list(csv.DictReader(io.StringIO(text(signed_in.get("/history/export/events.csv")))))
    runs = [r for r in rows if r["type"] == "run.logged"]
    assert runs[0]["duration_s"] == "1800" and runs[0]["stage"] == "2"
    assert {r["test"] for r in rows if r["type"] == "capacity.tested"} == {
        "heel-raise", "single-leg-bridge",
    }  # fmt: skip


def test_another_runner_sees_none_of_the_first_ones_runs_or_stage(signed_in, app):
    sync(signed_in, a_run(2, stage=5, pain=2, note="my sore calf") + strong_tests())
    other = other_runner(app)
    for path in ("/running/", "/running/plan", "/history/running", "/history/report"):
        page = text(other.get(path))
        assert "data-run-row" not in page and "my sore calf" not in page, path
    assert 'data-current-stage="1"' in text(other.get("/running/plan"))
    assert "No runs logged yet." in text(other.get("/history/running"))


def test_runners_never_read_the_maintainers_file_names(signed_in):
    """Sources shown on the pages cite papers or say "runpt convention"; which rule of
    the content file they come from is for the maintainers (the data files' comments)."""
    for path in ("/running/", "/running/plan", "/capacity/", "/capacity/heel-raise",
                 "/capacity/side-bridge", "/history/report", "/history/running"):  # fmt: skip
        page = signed_in.get(path).get_data(as_text=True)
        assert "CONTENT.md" not in page, path
