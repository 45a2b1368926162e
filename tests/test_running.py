"""Running, as a physiotherapist would check it: a single run much longer than the 30 days
before flagged with its source (Frandsen et al. 2025), the first week back after a break
flagged, the weekly load beside pain and the next morning with a jump marked as a weak
convention (docs/content-rules.md, rule 14), and the walk-run plan that starts where the
runner is and whose next stage unlocks only when every criterion holds, naming the one
that doesn't. Table-driven over the plain functions; every date is pinned."""

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from runpt.log.reads import LoggedRun
from runpt.running.load import run_flags, weekly_load
from runpt.running.reference_data import running_data, stages, stages_by_key
from runpt.running.stages import LatestTest, walk_run_state

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)

ZONE = timezone(timedelta(hours=1))
TODAY = date(2026, 3, 26)  # a Thursday


def a_run(day: date, minutes=30, km=5.0, pain=1, stage=None, feel="same", morning=0, hop=None):
    start = datetime(day.year, day.month, day.day, 7, 30, tzinfo=ZONE)
    return LoggedRun(
        run_id=uuid.uuid4(), logged_at=start, start=start, duration_s=minutes * 60,
        distance_m=round(km * 1000) if km is not None else None, effort=4, pain=pain,
        stage=stage, source="hand", note=None, morning_feel=feel, morning_pain=morning,
        hop_pain=hop,
    )  # fmt: skip


def days_before(days: int) -> date:
    return TODAY - timedelta(days=days)


# --- the data file ---------------------------------------------------------------------------


def test_every_running_threshold_says_it_is_a_convention_or_cites_its_rule():
    data = running_data()
    weekly = data["load"]["source"]
    assert weekly.startswith("runpt convention, on weak evidence") and "not a safe limit" in weekly
    assert "Nielsen et al. 2014" in weekly and "Frandsen et al. 2025" in weekly
    assert data["single_run"]["source"].startswith("Frandsen et al. 2025 (Br J Sports Med 59:1203)")
    assert data["back"]["source"].startswith("runpt convention")
    walk_run = data["walk_run"]
    assert (
        walk_run["source"].startswith("runpt convention")
        and "convention" in walk_run["pain_source"]
    )
    assert all(c["source"].startswith("runpt convention") for c in walk_run["capacity"])
    assert stages()[0].run_min == 0 and stages()[-1].running_min == 30  # walk → 30 min
    assert all(0 < s.minutes <= 30 for s in stages())


def test_stages_keep_the_number_stored_with_runs_and_no_step_is_half_as_long_again():
    """Runs logged at stage 8 before the 25-minute stage was added were 30-minute runs,
    and stay so; continuous running never grows by half in one step (G3)."""
    assert stages_by_key()[8].name == "Run 30 minutes" and stages_by_key()[7].run_min == 20
    assert [s.key for s in stages()] == [1, 2, 3, 4, 5, 6, 7, 9, 8]
    assert [s.number for s in stages()] == list(range(1, 10))
    continuous = [s.run_min for s in stages() if s.run_min and not s.walk_min]
    assert continuous == [20, 25, 30]


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
# A runner with both tests' problems (calf: shin; hip: knee), so both gate the plan.
BOTH = ("knee-pain", "shin-splints")


def missing_keys(state) -> list[str]:
    return [c.key for c in state.missing]


def test_two_good_runs_and_strong_even_tests_unlock_the_next_stage():
    runs = [a_run(days_before(4), stage=2), a_run(days_before(2), stage=2)]
    state = walk_run_state(runs, STRONG, TODAY, BOTH)
    assert state.current.number == 2 and state.unlocked
    assert state.next.number == 3 and not state.complete


PLAN_CASES = [
    # (name, runs at stage 2, capacity, the criteria missing, words in what to do)
    ("one run so far", [dict(days=2)], STRONG, ["runs"], "Do this stage 1 more time"),
    ("two runs on one day", [dict(days=2), dict(days=2)], STRONG, ["runs"], "after a rest day"),
    ("two days in a row", [dict(days=3), dict(days=2)], STRONG, ["runs"], "after a rest day"),
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
    ("uneven heel raises", [dict(days=4), dict(days=2)],
     {**STRONG, "heel-raise": LatestTest(days_before(10), 24, 17, 71, True)},
     ["symmetry:heel-raise"], "did 71% of the other"),
    ("weaker than the test before", [dict(days=4), dict(days=2)],
     {**STRONG, "heel-raise": LatestTest(days_before(10), 14, 14, 100, False, 21)},
     ["capacity:heel-raise"], "14 on your weaker side, down from 21"),
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
    state = walk_run_state(made, tested, TODAY, BOTH)
    assert state.current.number == 2 and not state.unlocked
    assert missing_keys(state) == missing
    assert words in " ".join(c.missing for c in state.missing)


def test_before_any_run_the_plan_starts_with_walking():
    state = walk_run_state([], {}, TODAY, BOTH)
    assert state.current.number == 1 and state.current.run_min == 0
    assert "runs" in missing_keys(state) and not state.unlocked


def test_the_stage_is_the_latest_run_at_a_stage_and_unstaged_runs_are_just_runs():
    runs = [a_run(days_before(6), stage=3), a_run(days_before(4), stage=2), a_run(days_before(1))]
    assert walk_run_state(runs, STRONG, TODAY, BOTH).current.number == 2


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
    state = walk_run_state(runs, STRONG, TODAY, BOTH)
    assert (advice in state.step_back) if advice else state.step_back is None
    assert not state.unlocked


def test_passing_the_last_stage_completes_the_plan():
    last = stages()[-1].key
    runs = [a_run(days_before(4), stage=last), a_run(days_before(2), stage=last)]
    state = walk_run_state(runs, STRONG, TODAY, BOTH)
    assert state.complete and state.next is None


# --- single runs: longer than the 30 days before, and the first week back -------------------


def flags_of(runs) -> dict:
    """{index in runs: [kinds]} for the runs flagged."""
    found = run_flags(runs)
    return {
        i: [f.kind for f in found[run.run_id]] for i, run in enumerate(runs) if run.run_id in found
    }


def test_a_50_minute_run_after_a_month_of_30_minute_runs_is_flagged_with_its_source():
    runs = [a_run(days_before(d), minutes=30, km=None) for d in (29, 22, 15, 8, 3)]
    runs.append(a_run(TODAY, minutes=50, km=None))
    found = run_flags(runs)
    assert list(found) == [runs[-1].run_id]
    [flag] = found[runs[-1].run_id]
    assert flag.kind == "longer" and flag.source.startswith("Frandsen et al. 2025")
    assert "67% longer than your longest run of the 30 days before (30 min)" in flag.words
    assert "within about 10% of your longest recent run" in flag.words


@pytest.mark.parametrize(
    ("minutes", "flagged"),
    [(33, False), (34, True)],  # 10% over 30 min is the line
)
def test_the_single_run_line_is_10_percent_over_the_longest_of_30_days(minutes, flagged):
    runs = [a_run(days_before(20), minutes=30, km=None), a_run(TODAY, minutes=minutes, km=None)]
    assert bool(flags_of(runs)) is flagged


def test_distance_is_compared_when_known_and_runs_older_than_30_days_dont_count():
    runs = [
        a_run(days_before(35), minutes=90, km=18),  # long ago: out of the window
        a_run(days_before(12), minutes=60, km=10),
        a_run(TODAY, minutes=55, km=11.5),  # shorter in time, 15% further
    ]
    assert flags_of(runs) == {2: ["longer"]}
    assert "(10.0 km)" in run_flags(runs)[runs[2].run_id][0].words


def test_a_first_run_ever_and_walk_run_plan_runs_are_not_single_run_jumps():
    assert run_flags([a_run(TODAY, minutes=80)]) == {}
    # Stage 2 (6 minutes of running in 30) then stage 3 (12 in 30): the plan's own steps.
    runs = [a_run(days_before(4), stage=2), a_run(TODAY, stage=3)]
    assert run_flags(runs) == {}


def test_the_first_week_back_after_4_weeks_without_running_is_flagged():
    runs = [a_run(days_before(60), minutes=40), a_run(days_before(33), minutes=40)]
    runs += [a_run(days_before(5), minutes=20), a_run(days_before(3), minutes=20)]
    runs.append(a_run(TODAY, minutes=20))  # 5 days after the first run back: still flagged
    runs.append(a_run(TODAY + timedelta(days=3), minutes=20))  # 8 days after: not
    assert flags_of(runs) == {2: ["back"], 3: ["back"], 4: ["back"]}
    first, later = (run_flags(runs)[runs[i].run_id][0] for i in (2, 3))
    assert first.words.startswith("Your first run after 4 weeks without running")
    assert later.words.startswith("Your first week of running after 4 weeks")
    assert "walk-run plan" in first.words and first.source.startswith("runpt convention")


def test_three_weeks_off_is_not_a_return_after_a_break():
    runs = [a_run(days_before(27), minutes=30), a_run(TODAY, minutes=30)]
    assert run_flags(runs) == {}


def test_the_weekly_load_marks_the_week_back_after_8_weeks_off_where_the_ratio_is_silent():
    """8 weeks off, then 4 × 60 min in one week: the 4 weeks before average 0, so the
    weekly ratio says nothing; the week back is marked instead (G2)."""
    runs = [a_run(days_before(70), minutes=60)]
    runs += [a_run(days_before(d), minutes=60) for d in (3, 2, 1, 0)]
    this = weekly_load(runs, TODAY, how_many=2)[-1]
    assert (this.minutes, this.jump, this.back) == (240, False, True)


def test_only_the_running_minutes_of_a_walk_run_count_as_running_load():
    runs = [a_run(days_before(1), minutes=30, km=3, stage=2)]  # run 1, walk 4, × 6
    runs.append(a_run(days_before(2), minutes=30, km=2, stage=1))  # brisk walk
    [week] = weekly_load(runs, TODAY, how_many=1)
    assert week.minutes == pytest.approx(6) and week.km == pytest.approx(0.6)


# --- where the plan starts, the hop check and the runner's own problems ------------------------


def test_a_runner_doing_80_minute_runs_is_past_the_plan_not_at_a_brisk_walk():
    runs = [a_run(days_before(d), minutes=m) for d, m in ((20, 60), (13, 80), (6, 45))]
    state = walk_run_state(runs, {}, TODAY, ("shin-splints",))
    assert state.beyond and state.longest_recent == 80
    assert state.current.name == "Run 30 minutes"


@pytest.mark.parametrize(
    ("longest", "stage"), [(0.5, "Brisk walk"), (3, "Run 3, walk 2"), (12, "Run 8, walk 2"),
                           (22, "Run 20 minutes"), (27, "Run 25 minutes")],
)  # fmt: skip
def test_the_plan_starts_at_the_last_stage_within_the_runners_longest_recent_run(longest, stage):
    state = walk_run_state([a_run(days_before(5), minutes=longest)], {}, TODAY)
    assert state.current.name == stage and not state.beyond


def test_after_4_weeks_off_the_plan_starts_again_from_walking():
    state = walk_run_state([a_run(days_before(31), minutes=80)], {}, TODAY)
    assert state.current.number == 1 and state.longest_recent is None


def test_a_hop_check_gates_the_first_run_walk_for_shin_foot_and_achilles_pain():
    walks = [a_run(days_before(4), stage=1), a_run(days_before(2), stage=1)]
    for problem in ("shin-splints", "achilles", "plantar-fasciitis"):
        state = walk_run_state(walks, STRONG, TODAY, (problem,))
        assert missing_keys(state) == ["hop"], problem
        assert "Hop 10–20 times on each leg" in state.missing[0].missing
    hurt = walks[:1] + [a_run(days_before(2), stage=1, hop=4)]
    assert (
        "Hopping hurt (4/10)"
        in walk_run_state(hurt, STRONG, TODAY, ("shin-splints",)).missing[0].missing
    )
    fine = walks[:1] + [a_run(days_before(2), stage=1, hop=1)]
    assert walk_run_state(fine, STRONG, TODAY, ("shin-splints",)).unlocked
    # Knee pain needs no hop check; nor does a later stage.
    assert walk_run_state(walks, STRONG, TODAY, ("knee-pain",)).unlocked
    later = [a_run(days_before(4), stage=2), a_run(days_before(2), stage=2)]
    assert "hop" not in missing_keys(walk_run_state(later, STRONG, TODAY, ("shin-splints",)))


def test_capacity_tests_gate_only_the_runners_own_problems_and_no_count_is_required():
    runs = [a_run(days_before(4), stage=3), a_run(days_before(2), stage=3)]
    # Back pain: the calf test doesn't gate; a bridge count under the guide still passes.
    low = {"single-leg-bridge": LatestTest(days_before(10), 9, 9, 100, False)}
    state = walk_run_state(runs, low, TODAY, ("lower-back",))
    assert state.unlocked
    assert [c.key for c in state.criteria][3:] == [
        "capacity:single-leg-bridge",
        "symmetry:single-leg-bridge",
    ]
    assert "rough guide, not a pass mark" in state.criteria[3].label
    # A woman with 18 heel raises a side (under the old 20 for everyone) is not held back.
    even = {"heel-raise": LatestTest(days_before(10), 18, 18, 100, False)}
    assert walk_run_state(runs, even, TODAY, ("achilles",)).unlocked


def test_a_runner_back_from_a_break_is_on_the_plan_however_long_the_first_run_was():
    runs = [a_run(days_before(70), minutes=60), a_run(days_before(3), minutes=40)]
    state = walk_run_state(runs, {}, TODAY)
    assert not state.beyond and state.current.name == "Run 30 minutes"


def test_steady_weeks_after_a_break_are_not_jumps_against_the_weeks_off():
    """60 min a week from the week back on: the ratio against weeks off would call each a
    jump; the week back is marked once instead."""
    runs = [a_run(days_before(90), minutes=60)]
    runs += [a_run(days_before(7 * w), minutes=60) for w in range(4)]
    weeks = weekly_load(runs, TODAY, how_many=4)
    assert [w.back for w in weeks] == [True, False, False, False]
    assert not any(w.jump for w in weeks)


def test_time_is_compared_when_a_run_of_the_window_has_no_distance():
    runs = [a_run(days_before(12), minutes=60, km=None), a_run(days_before(5), minutes=30, km=5)]
    runs.append(a_run(TODAY, minutes=40, km=7))  # further than the 5 km, shorter than 60 min
    assert run_flags(runs) == {}
