"""Running as the runner and their physio see it: runs listed with pain and the next
morning (asked on home: tests/test_morning_question.py), the walk-run plan naming what
is missing before the next stage, weekly load with a jump flagged, and the report and
export carrying capacity tests, runs and the stage."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from runpt.timestamps import utcnow
from tests.events import capacity_side, event, new_session, ran
from tests.test_first_run import builtin_id
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


def test_the_run_form_offers_the_plans_stages_within_the_events_limits(signed_in):
    page = text(signed_in.get("/running/stages"))
    assert '<option value="1" selected>1: Brisk walk</option>' in page
    assert 'name="minutes" inputmode="decimal" step="any" min="0.1" max="1440"' in page


def with_problems(client, *problems) -> None:
    """The runner's own problems, as the first-run questions save them."""
    response = client.post("/get-started", data={"aim": list(problems), "day": ["2", "4"]})
    assert response.status_code in (302, 303)


def test_the_plan_says_which_criterion_is_missing_before_the_next_stage(signed_in):
    with_problems(signed_in, "shin-splints")
    sync(signed_in, a_run(4, stage=2, pain=1) + a_run(2, stage=2, pain=3))
    page = text(signed_in.get("/running/stages"))
    assert 'data-current-stage="2"' in page
    assert 'data-criterion="runs" data-met="yes"' in page
    assert 'data-criterion="pain-during" data-met="no"' in page
    assert "Pain was 3 during the run" in page
    assert "Do the single-leg heel-raise test." in page
    assert "data-next-unlocked" not in page


def test_with_every_criterion_met_the_next_stage_unlocks_and_is_offered(signed_in):
    with_problems(signed_in, "shin-splints", "knee-pain")
    sync(signed_in, a_run(4, stage=2) + a_run(2, stage=2) + strong_tests())
    page = text(signed_in.get("/running/stages"))
    assert "<strong>Stage 3 is unlocked:</strong>" in page
    assert '<option value="3" selected>3: Run 2, walk 3</option>' in page
    assert 'data-met="no"' not in page


def test_pain_above_5_on_a_run_says_to_step_back(signed_in):
    sync(signed_in, a_run(2, stage=4, pain=6))
    page = text(signed_in.get("/running/stages"))
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
    assert "runpt convention, on weak evidence" in page
    assert 'id="running-load"' in page and "data-load-table" in page


def test_the_weeks_of_running_load_turn_at_midnight_on_the_runs_clock(signed_in, clock):
    """Sunday 23:30 UTC is Monday 00:30 for a runner in UTC+1: a new week on their clock,
    even with no strength session logged to tell the server their offset."""
    clock.set(datetime(2026, 12, 13, 23, 30, tzinfo=UTC))
    sync(signed_in, a_run(1, duration_s=1800, morning=None))  # Sunday, UTC+1
    page = text(signed_in.get("/history/running"))
    # The week of 7 Dec is over on the runner's clock, and the week in progress has no run
    # yet (on UTC's clock it would still be the week of 7 Dec, with this run in it).
    assert "to the week of 7 Dec 2026, and 0 so far in the week in progress" in page


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
    for path in ("/running/", "/running/stages", "/history/running", "/history/report"):
        page = text(other.get(path))
        assert "data-run-row" not in page and "my sore calf" not in page, path
    assert 'data-current-stage="1"' in text(other.get("/running/stages"))
    assert "No runs logged yet." in text(other.get("/history/running"))


def test_runners_never_read_the_maintainers_file_names(signed_in):
    """Sources shown on the pages cite papers or say "runpt convention"; which rule of
    the content file they come from is for the maintainers (the data files' comments)."""
    for path in ("/running/", "/running/stages", "/capacity/", "/capacity/heel-raise",
                 "/capacity/side-bridge", "/history/report", "/history/running"):  # fmt: skip
        page = signed_in.get(path).get_data(as_text=True)
        assert ".md" not in page, path


# --- running load as the evidence has it, on a pinned clock --------------------------------

PINNED = datetime(2026, 3, 26, 10, 0, tzinfo=UTC)  # a Thursday, 11:00 on the runner's clock


@pytest.fixture
def pinned(clock):
    """The pages' clock (the one clock, tests/conftest.py) stops at PINNED; every run
    below is dated from it."""
    clock.set(PINNED)
    return PINNED


def on(days: int, hour: int = 7) -> str:
    """`days` before the pinned day at `hour` on a UTC+1 clock."""
    zone = timezone(timedelta(hours=1))
    moment = (PINNED - timedelta(days=days)).astimezone(zone)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0).isoformat()


def run_on(days: int, minutes: float, **data) -> dict:
    data = {"distance_m": None, **data}
    return ran(
        new_session(), start=on(days), at=on(days, hour=9), duration_s=round(minutes * 60), **data
    )


def test_a_run_much_longer_than_the_month_before_is_flagged_with_its_source(signed_in, pinned):
    """A 50-minute run after a month of 30-minute runs (Frandsen et al. 2025)."""
    sync(signed_in, [run_on(d, 30) for d in (29, 22, 15, 8)] + [run_on(1, 50)])
    for path in ("/running/", "/history/running"):
        page = text(signed_in.get(path))
        assert page.count('data-run-flag="longer"') == 1, path
        assert "67% longer than your longest run of the 30 days before (30 min)" in page, path
        assert "Frandsen et al. 2025 (Br J Sports Med 59:1203)" in page and "5,205 runners" in page
    form = text(signed_in.get("/running/"))
    assert "Your longest run of the last 30 days: 50 min" in form
    assert "more than about 10% longer (over 55 min)" in form


def test_the_first_week_back_after_a_break_is_flagged_and_points_to_the_plan(signed_in, pinned):
    sync(signed_in, [run_on(60, 40), run_on(3, 40), run_on(1, 20)])
    page = text(signed_in.get("/running/"))
    assert page.count('data-run-flag="back"') == 2
    assert "Your first run after 8 weeks without running" in page
    assert "Your first week of running after 8 weeks" in page
    assert '<a href="/running/stages">Walk-run plan</a>' in page
    load = text(signed_in.get("/history/running"))
    assert "data-week-back" in load and "back after a break" in load
    assert "data-load-jump" not in load  # the weekly ratio alone would say nothing here


def test_the_weekly_30_percent_reads_as_a_weak_convention_never_a_ceiling(signed_in, pinned, app):
    sync(signed_in, [run_on(d, 30) for d in (3, 10)])
    page = text(signed_in.get("/history/running"))
    assert "a week more than about 30% above the average of the 4 weeks before" in page
    # Said once: the rule, its evidence and that it is no safe limit.
    assert page.count("not a safe limit") == 1 and page.count("30% above the average") == 1
    assert "Nielsen et al. 2014" in page and "Frandsen et al. 2025" in page
    for path in ("/running/stages", "/history/report"):
        assert "no more than about 30% a week" not in text(signed_in.get(path)), path
    shin = text(signed_in.get(f"/routines/{builtin_id(app, 'shin-splints-relief')}"))
    assert "Keep any single run within about 10% of your longest recent run" in shin
    assert "30% to a week" not in shin


def test_a_runner_doing_80_minute_runs_sees_the_plan_start_where_they_are(signed_in, pinned):
    sync(signed_in, [run_on(d, m) for d, m in ((16, 60), (9, 80), (2, 45))])
    plan = text(signed_in.get("/running/stages"))
    assert "data-walk-run-beyond" in plan and "You already run 80 minutes" in plan
    assert "data-current-stage" not in plan and "you are here" not in plan  # no stage to do
    summary = text(signed_in.get("/running/"))
    assert "you already run longer than it builds to" in summary
    assert "stage 1 of" not in summary


def test_a_runner_doing_15_minute_runs_starts_at_the_run_8_walk_2_stage(signed_in, pinned):
    sync(signed_in, [run_on(6, 15), run_on(2, 12)])
    plan = text(signed_in.get("/running/stages"))
    assert 'data-current-stage="6"' in plan and "Stage 6: Run 8, walk 2" in plan
    assert "data-walk-run-start" in plan and "was 15 minutes" in plan
    assert "Run 4, walk 1</strong> · 30 min · not needed: you run more already" in plan
    assert '<option value="6" selected>6: Run 8, walk 2</option>' in plan


def test_the_plan_says_who_it_is_for_with_the_bone_stress_caveat(signed_in, pinned):
    plan = text(signed_in.get("/running/stages"))
    assert "For coming back to running after an injury or a break" in plan
    assert "bone stress injury (stress fracture) needs a clinician" in plan


def test_a_shin_runner_logs_a_hop_check_before_the_first_run_walk(signed_in, pinned):
    with_problems(signed_in, "shin-splints")
    sync(signed_in, [run_on(4, 30, stage=1, pain=0), run_on(2, 30, stage=1, pain=0)])
    page = text(signed_in.get("/running/stages"))
    assert 'data-criterion="hop" data-met="no"' in page and 'name="hop_pain"' in page
    sync(signed_in, [run_on(1, 30, stage=1, pain=0, hop_pain=1)])
    page = text(signed_in.get("/running/stages"))
    assert 'data-criterion="hop" data-met="yes"' in page


def test_a_knee_runner_gets_no_hop_check(signed_in, pinned):
    with_problems(signed_in, "knee-pain")
    sync(signed_in, [run_on(4, 30, stage=1, pain=0)])
    page = text(signed_in.get("/running/stages"))
    assert 'data-criterion="hop"' not in page and 'name="hop_pain"' not in page


def test_a_hop_check_pain_out_of_range_is_refused_with_a_reason(signed_in, pinned):
    response = signed_in.post("/api/sync", json={"events": [run_on(1, 30, stage=1, hop_pain=11)]})
    [result] = response.get_json()["results"]
    assert result["status"] != "stored" and "hop_pain" in json.dumps(result)


def test_the_export_names_each_runs_stage_and_carries_the_hop_check(signed_in, pinned):
    sync(signed_in, [run_on(3, 30, stage=8), run_on(1, 30, stage=1, hop_pain=2)])
    body = json.loads(text(signed_in.get("/history/export.json")))
    stages_named = [(r["stage"], r["stage_name"], r["hop_pain"]) for r in body["runs"]]
    assert stages_named == [(8, "Run 30 minutes", None), (1, "Brisk walk", 2)]
    rows = csv.DictReader(io.StringIO(text(signed_in.get("/history/export/events.csv"))))
    assert [r["hop_pain"] for r in rows if r["type"] == "run.logged"] == ["", "2"]


def test_a_run_logged_at_stage_8_before_the_25_minute_stage_stays_a_30_minute_stage(
    signed_in, pinned
):
    sync(signed_in, [run_on(4, 30, stage=8), run_on(2, 30, stage=8)])
    plan = text(signed_in.get("/running/stages"))
    assert 'data-current-stage="9"' in plan and "Stage 9: Run 30 minutes" in plan
    assert "<td>9</td>" in plan  # its place in the plan, in the runs table


def test_the_physio_report_says_the_plan_is_not_needed_for_a_runner_past_it(signed_in, pinned):
    sync(signed_in, [run_on(9, 80), run_on(2, 45)])
    report = text(signed_in.get("/history/report"))
    assert "Walk-run plan: not needed; the longest run of the last 30 days was 80 min." in report
