"""Running, as a physiotherapist would check it: the weekly load beside pain and the next
morning with a jump flagged (CONTENT.md rule 14, runpt convention), and the walk-run plan
whose next stage unlocks only when every criterion holds, naming the one that doesn't.
Table-driven over the plain functions."""

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from runpt.log.reads import LoggedRun
from runpt.running.load import weekly_load
from runpt.running.plan import LatestTest, plan_state
from runpt.running.settings import running_data, stages

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)

ZONE = timezone(timedelta(hours=1))
TODAY = date(2026, 3, 26)  # a Thursday


def a_run(day: date, minutes=30, km=5.0, pain=1, stage=None, feel="same", morning=0):
    start = datetime(day.year, day.month, day.day, 7, 30, tzinfo=ZONE)
    return LoggedRun(
        run_id=uuid.uuid4(), logged_at=start, start=start, duration_s=minutes * 60,
        distance_m=round(km * 1000) if km is not None else None, effort=4, pain=pain,
        stage=stage, source="hand", note=None, morning_feel=feel, morning_pain=morning,
    )  # fmt: skip


def days_before(days: int) -> date:
    return TODAY - timedelta(days=days)


# --- the data file ---------------------------------------------------------------------------


def test_every_running_threshold_says_it_is_a_convention_or_cites_its_rule():
    data = running_data()
    assert data["load"]["source"].startswith("runpt convention: flag")
    plan = data["plan"]
    assert plan["source"].startswith("runpt convention") and "convention" in plan["pain_source"]
    assert all(c["source"].startswith("runpt convention") for c in plan["capacity"])
    assert stages()[0].run_min == 0 and stages()[-1].running_min == 30  # walk → 30 min
    assert all(0 < s.minutes <= 30 for s in stages())


# --- weekly load -------------------------------------------------------------------------------


def test_a_week_more_than_30_percent_above_the_four_before_is_a_jump():
    runs = [a_run(days_before(7 * w + 1), minutes=60) for w in range(1, 9)]  # 60 min a week
    runs += [a_run(days_before(1), minutes=50), a_run(days_before(2), minutes=30)]  # 80
    weeks = weekly_load(runs, TODAY, how_many=5)
    this = weeks[-1]
    assert (this.minutes, this.runs, this.average_before) == (80, 2, 60)
    assert this.jump  # 80 > 60 × 1.3
    assert this.change == pytest.approx(80 / 60 - 1)
    assert not any(w.jump for w in weeks[:-1])


@pytest.mark.parametrize(("this_week", "jump"), [(78, False), (79, True)])
def test_the_jump_line_is_30_percent_over_the_average(this_week, jump):
    runs = [a_run(days_before(7 * w), minutes=60) for w in range(1, 5)]
    runs.append(a_run(TODAY, minutes=this_week))
    assert weekly_load(runs, TODAY, how_many=1)[-1].jump is jump


def test_a_week_off_counts_in_the_average_and_a_first_week_is_no_jump():
    first_ever = weekly_load([a_run(TODAY, minutes=45)], TODAY, how_many=2)
    assert first_ever[-1].jump is False and first_ever[-1].average_before == 0
    # 60, 60, 0, 0 → average 30: 45 min is a jump after two weeks off.
    runs = [a_run(days_before(21), minutes=60), a_run(days_before(28), minutes=60)]
    runs.append(a_run(TODAY, minutes=45))
    assert weekly_load(runs, TODAY, how_many=1)[-1].jump is True


def test_each_week_shows_its_pain_and_next_mornings_beside_the_load():
    runs = [
        a_run(days_before(3), pain=2, feel="same", morning=1),
        a_run(days_before(1), pain=4, km=None, feel="worse", morning=3),
    ]
    [week] = weekly_load(runs, TODAY, how_many=1)
    assert (week.highest_pain, week.highest_morning_pain, week.worse_mornings) == (4, 3, 1)
    assert week.km == 5.0  # a run with no distance adds time, not distance
    assert week.mornings == ["same", "worse"]


# --- the walk-run plan ----------------------------------------------------------------------------

STRONG = {
    "heel-raise": LatestTest(days_before(10), 24, 23, 96, False),
    "single-leg-bridge": LatestTest(days_before(10), 18, 17, 94, False),
}


def missing_keys(state) -> list[str]:
    return [c.key for c in state.missing]


def test_two_good_runs_and_strong_even_tests_unlock_the_next_stage():
    runs = [a_run(days_before(4), stage=2), a_run(days_before(2), stage=2)]
    state = plan_state(runs, STRONG, TODAY)
    assert state.current.number == 2 and state.unlocked
    assert state.next.number == 3 and not state.complete


PLAN_CASES = [
    # (name, runs at stage 2, capacity, the criteria missing, words in what to do)
    ("one run so far", [dict(days=2)], STRONG, ["runs"], "Do this stage 1 more time"),
    ("two runs on one day", [dict(days=2), dict(days=2)], STRONG, ["runs"], "different day"),
    ("pain 3 during", [dict(days=4), dict(days=2, pain=3)], STRONG, ["pain-during"],
     "Pain was 3 during the run"),
    ("pain not logged", [dict(days=4), dict(days=2, pain=None)], STRONG, ["pain-during"],
     "Log pain during the run"),
    ("a worse morning", [dict(days=4), dict(days=2, feel="worse")], STRONG, ["next-morning"],
     "was worse"),
    ("morning pain 3", [dict(days=4), dict(days=2, morning=3)], STRONG, ["next-morning"],
     "pain 3"),
    ("morning not answered", [dict(days=4), dict(days=2, feel=None, morning=None)], STRONG,
     ["next-morning"], "Answer the next-morning question"),
    ("no heel-raise test", [dict(days=4), dict(days=2)],
     {"single-leg-bridge": STRONG["single-leg-bridge"]},
     ["capacity:heel-raise", "symmetry:heel-raise"], "Do the single-leg heel-raise test"),
    ("too few heel raises", [dict(days=4), dict(days=2)],
     {**STRONG, "heel-raise": LatestTest(days_before(10), 24, 17, 71, True)},
     ["capacity:heel-raise", "symmetry:heel-raise"], "17 on your right side"),
    ("uneven bridges", [dict(days=4), dict(days=2)],
     {**STRONG, "single-leg-bridge": LatestTest(days_before(10), 22, 16, 73, True)},
     ["symmetry:single-leg-bridge"], "did 73% of the other"),
    ("a test 7 weeks old", [dict(days=4), dict(days=2)],
     {**STRONG, "heel-raise": LatestTest(days_before(49), 24, 24, 100, False)},
     ["capacity:heel-raise"], "test again"),
    ("one side tested", [dict(days=4), dict(days=2)],
     {**STRONG, "heel-raise": LatestTest(days_before(3), 24, None, None, False)},
     ["capacity:heel-raise", "symmetry:heel-raise"], "Test the other side"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("runs", "tested", "missing", "words"),
    [case[1:] for case in PLAN_CASES],
    ids=[case[0] for case in PLAN_CASES],
)
def test_the_next_stage_stays_locked_and_says_which_criterion_is_missing(
    runs, tested, missing, words
):
    made = []
    for spec in runs:
        spec = dict(spec)
        made.append(a_run(days_before(spec.pop("days")), stage=2, **spec))
    state = plan_state(made, tested, TODAY)
    assert state.current.number == 2 and not state.unlocked
    assert missing_keys(state) == missing
    assert words in " ".join(c.missing for c in state.missing)


def test_before_any_run_the_plan_starts_with_walking():
    state = plan_state([], {}, TODAY)
    assert state.current.number == 1 and state.current.run_min == 0
    assert "runs" in missing_keys(state) and not state.unlocked


def test_the_stage_is_the_latest_run_at_a_stage_and_unstaged_runs_are_just_runs():
    runs = [a_run(days_before(6), stage=3), a_run(days_before(4), stage=2), a_run(days_before(1))]
    assert plan_state(runs, STRONG, TODAY).current.number == 2


@pytest.mark.parametrize(
    ("last", "advice"),
    [
        (dict(pain=6), "go back to stage 2"),
        (dict(feel="worse", morning=2), "go back to stage 2"),
        (dict(pain=5, morning=4), None),  # acceptable: repeat the stage, not back
    ],
)
def test_pain_above_5_or_a_worse_morning_steps_back_a_stage(last, advice):
    runs = [a_run(days_before(5), stage=3), a_run(days_before(1), stage=3, **last)]
    state = plan_state(runs, STRONG, TODAY)
    assert (advice in state.step_back) if advice else state.step_back is None
    assert not state.unlocked


def test_passing_the_last_stage_completes_the_plan():
    last = len(stages())
    runs = [a_run(days_before(4), stage=last), a_run(days_before(2), stage=last)]
    state = plan_state(runs, STRONG, TODAY)
    assert state.complete and state.next is None
