"""The walk-run stages back to running (docs/content-rules.md, rule 14): from brisk
walking to 30 minutes of easy running, starting from what the runner already runs. The
next stage unlocks only when every criterion holds at the current one: runs on different
days (with a rest day between, early on), pain during and the next morning in the safe
zone, a pain-free hop check before the first run-walk (shin, foot and Achilles pain), and
the capacity tests for the runner's own problems measured against themselves: left and
right within the limit and no weaker than the last test. The runner sees which one is
missing. Plain functions over runs and capacity results."""

from dataclasses import dataclass
from datetime import date, timedelta

from runpt.capacity.norms import capacity_tests
from runpt.capacity.sittings import Result, capacity_results
from runpt.log.reads import LoggedRun, logged_runs
from runpt.runner.models import settings_of
from runpt.running.load import running_minutes, weeks_off
from runpt.running.reference_data import Stage, running_data, stage_of, stages


@dataclass(frozen=True)
class Criterion:
    key: str  # runs | pain-during | next-morning | hop | capacity:<test> | symmetry:<test>
    label: str
    met: bool
    missing: str  # what to do, when not met
    source: str


@dataclass(frozen=True)
class LatestTest:
    """What the plan needs of a capacity test's latest sitting."""

    day: date
    left: float | None
    right: float | None
    lsi: int | None
    flagged: bool  # left and right too far apart (runpt.capacity.judging.symmetry)
    before_weaker: float | None = None  # the weaker side at the sitting before, if any


@dataclass(frozen=True)
class WalkRunState:
    current: Stage
    runs_here: list  # the runs at the current stage, oldest first
    criteria: list
    step_back: str | None  # why to go back a stage, if the last run says so
    complete: bool  # the last stage passed
    longest_recent: float | None = None  # minutes: the longest run of the last 30 days
    beyond: bool = False  # already runs at least the plan's last stage, off the plan

    @property
    def unlocked(self) -> bool:
        return all(c.met for c in self.criteria)

    @property
    def next(self) -> Stage | None:
        found = stages()
        return found[self.current.number] if self.current.number < len(found) else None

    @property
    def missing(self) -> list:
        return [c for c in self.criteria if not c.met]


def recent_runs(runs: list[LoggedRun], today: date) -> list[LoggedRun]:
    """The runs of the days the plan starts from (the last 30)."""
    since = today - timedelta(days=running_data()["walk_run"]["starts_from_days"])
    return [run for run in runs if since < run.start.date() <= today]


def starting_stage(recent: list[LoggedRun]) -> Stage:
    """Where a runner off the plan starts: the last stage whose longest stretch of running
    is no longer than their longest recent run; the first after a break or before any."""
    longest = max((running_minutes(run) for run in recent), default=0)
    return [stage for stage in stages() if stage.run_min <= longest][-1]


def current_stage(runs: list[LoggedRun], today: date) -> Stage:
    """The stage of the latest plan run of the last 30 days; with none, where the runner's
    own recent running puts them."""
    recent = recent_runs(runs, today)
    staged = [run for run in recent if stage_of(run) is not None]
    return stage_of(staged[-1]) if staged else starting_stage(recent)


def latest_per_day(runs: list[LoggedRun]) -> list[LoggedRun]:
    by_day = {}
    for run in runs:
        by_day[run.start.date()] = run  # runs come in start order: the latest wins
    return list(by_day.values())


def walk_run_state(
    runs: list[LoggedRun],
    tested: dict[str, LatestTest],
    today: date,
    problems: tuple[str, ...] | list[str] = (),
) -> WalkRunState:
    """Where the runner is on the plan and what holds for the next stage. `runs` are the
    runner's runs in start order; `tested` the latest sitting of each capacity test;
    `problems` the runner's own (they choose the hop check and the capacity tests)."""
    stage = current_stage(runs, today)
    here = [run for run in runs if stage_of(run) == stage]
    settings = running_data()["walk_run"]
    last = latest_per_day(here)[-settings["runs_to_pass"] :]
    criteria = [
        runs_criterion(here, stage, settings),
        pain_during_criterion(last, settings),
        morning_criterion(last, settings),
        *hop_criteria(here, stage, problems, settings),
        *capacity_criteria(tested, today, problems, settings),
    ]
    complete = stage.number == len(stages()) and all(c.met for c in criteria)
    recent = recent_runs(runs, today)
    longest = max((running_minutes(run) for run in recent), default=None)
    beyond = (
        not here
        and longest is not None
        and not any(stage_of(run) for run in recent)
        and not back_recently(runs, recent)
        and longest >= stages()[-1].run_min
    )
    return WalkRunState(
        stage, here, criteria, step_back(here, stage, settings), complete, longest, beyond
    )


def back_recently(runs: list[LoggedRun], recent: list[LoggedRun]) -> bool:
    """Whether a recent run was the first after 4 weeks or more without running: the
    runner is coming back, and the plan is for them however long that run was."""
    if not recent:
        return False
    first = runs.index(recent[0])
    before = runs[first - 1] if first else None
    pairs = zip([before, *recent], recent, strict=False)
    return any(weeks_off(previous, run) is not None for previous, run in pairs)


def needs_rest_day(stage: Stage, settings: dict) -> bool:
    return stage.number <= settings["rest_day_through"]


def counted_days(here: list[LoggedRun], rest_day: bool) -> list[date]:
    """The days with a run at this stage that count: with a rest day needed, a run the day
    after a counted one doesn't."""
    counted = []
    for day in sorted({run.start.date() for run in here}):
        if not counted or (day - counted[-1]).days >= (2 if rest_day else 1):
            counted.append(day)
    return counted


def more_runs(count: int, any_yet: bool, rest_day: bool) -> str:
    runs = "1 more time" if count == 1 else f"{count} more times"
    if rest_day:
        when = "after a rest day" if any_yet else "with a rest day between"
        return f"Do this stage {runs}, {when}."
    return f"Do this stage {runs}, on {'a different day' if any_yet else 'different days'}."


def runs_criterion(here: list[LoggedRun], stage: Stage, settings: dict) -> Criterion:
    rest_day = needs_rest_day(stage, settings)
    days = len(counted_days(here, rest_day))
    wanted = settings["runs_to_pass"]
    between = "with a rest day between" if rest_day else "on different days"
    return Criterion(
        "runs",
        f"{wanted} runs at this stage, {between}",
        days >= wanted,
        more_runs(wanted - days, bool(days), rest_day) if days < wanted else "",
        settings["runs_source"],
    )


def hop_criteria(here: list[LoggedRun], stage: Stage, problems, settings: dict) -> list[Criterion]:
    """The pain-free hop check before the first run-walk, for the runner's shin, foot or
    Achilles pain: the latest hop check logged with a run (a walk) at this stage."""
    hop = settings["hop"]
    if stage.number != hop["before_stage"] - 1 or not set(problems) & set(hop["problems"]):
        return []
    most = hop["pain_max"]
    checked = [run for run in here if run.hop_pain is not None]
    if not checked:
        missing = (
            f"Hop {hop['hops']} times on each leg, then log the highest pain with your walk "
            "(Hop check)."
        )
    elif checked[-1].hop_pain > most:
        missing = (
            f"Hopping hurt ({checked[-1].hop_pain}/10): keep to this stage and check again in "
            "a few days. Pain at one spot on the bone: see a clinician."
        )
    else:
        missing = ""
    label = f"Hop check: {hop['hops']} hops on each leg with pain 0–{most}"
    return [Criterion("hop", label, not missing, missing, hop["source"])]


def pain_during_criterion(last: list[LoggedRun], settings: dict) -> Criterion:
    most = settings["pain_during_max"]
    label = f"Pain during the run 0–{most}"
    unlogged = [run for run in last if run.pain is None]
    high = [run for run in last if run.pain is not None and run.pain > most]
    if not last:
        missing = "Log a run at this stage with its pain."
    elif unlogged:
        missing = f"Log pain during the run of {unlogged[-1].start:%-d %b} (0 if none)."
    elif high:
        missing = (
            f"Pain was {high[-1].pain} during the run of {high[-1].start:%-d %b}: repeat "
            f"this stage until it stays 0–{most}."
        )
    else:
        missing = ""
    return Criterion(
        "pain-during", label, bool(last) and not missing, missing, settings["pain_source"]
    )


def morning_criterion(last: list[LoggedRun], settings: dict) -> Criterion:
    most = settings["pain_morning_max"]
    label = f"The next morning: pain 0–{most} and no worse"
    unanswered = [r for r in last if r.morning_feel is None or r.morning_pain is None]
    bad = [
        r for r in last
        if r.morning_feel == "worse" or (r.morning_pain is not None and r.morning_pain > most)
    ]  # fmt: skip
    if not last:
        missing = "Answer the next-morning question after your run."
    elif bad:
        run = bad[-1]
        missing = (
            f"The morning after {run.start:%-d %b} was {run.morning_feel}, pain "
            f"{run.morning_pain}: repeat this stage until it settles."
        )
    elif unanswered:
        missing = f"Answer the next-morning question for the run of {unanswered[-1].start:%-d %b}."
    else:
        missing = ""
    return Criterion(
        "next-morning", label, bool(last) and not missing, missing, settings["pain_source"]
    )


def capacity_criteria(
    tested: dict[str, LatestTest], today: date, problems, settings: dict
) -> list[Criterion]:
    """The tests for the runner's own problems, each read against the runner: a recent
    test of both sides, no weaker than the one before (past the test's error), and left
    and right within the limit. The guide count is shown, never required."""
    found = []
    for wanted in settings["capacity"]:
        if not set(problems) & set(wanted["problems"]):
            continue
        test = capacity_tests()[wanted["test"]]
        latest = tested.get(test.slug)
        label = (
            f"{test.short}: both sides tested in the last 6 weeks, no weaker than your last "
            f"test (about {wanted['guide']} {test.unit} a side is a rough guide, not a pass mark)"
        )
        missing = level_missing(test, latest, today, settings)
        found.append(
            Criterion(f"capacity:{test.slug}", label, not missing, missing, wanted["source"])
        )
        found.append(symmetry_criterion(test, latest, settings))
    return found


def level_missing(test, latest: LatestTest | None, today: date, settings: dict) -> str:
    """What to do before the test counts, or "" when it does."""
    if latest is None:
        return f"Do the {test.name.lower()}."
    if today - latest.day > timedelta(days=settings["capacity_valid_days"]):
        return f"Your last {test.short.lower()} test was on {latest.day:%-d %b}: test again."
    if latest.left is None or latest.right is None:
        return f"Test the other side too ({test.short.lower()})."
    weaker = min(latest.left, latest.right)
    error = test.measurement_error or 0
    if latest.before_weaker is not None and weaker < latest.before_weaker - error:
        return (
            f"{test.short}: {weaker:g} on your weaker side, down from {latest.before_weaker:g} "
            "at your test before: train it and test again."
        )
    return ""


def symmetry_criterion(test, latest: LatestTest | None, settings: dict) -> Criterion:
    label = f"{test.short}: left and right within 10%"
    if latest is None or latest.lsi is None:
        missing = f"Test both sides ({test.short.lower()})."
    elif latest.flagged:
        missing = (
            f"{test.short}: your weaker side did {latest.lsi}% of the other; train it until "
            "they are within 10%, then test again."
        )
    else:
        missing = ""
    return Criterion(
        f"symmetry:{test.slug}", label, not missing, missing, settings["capacity_source"]
    )


def step_back(here: list[LoggedRun], stage: Stage, settings: dict) -> str | None:
    """Pain above 5 during the latest run at this stage, or a worse next morning, means
    less load next time (rule 1): the stage before, or a rest at the first."""
    if not here:
        return None
    last, over = here[-1], settings["step_back_over"]
    hurt = (last.pain is not None and last.pain > over) or (
        last.morning_pain is not None and last.morning_pain > over
    )
    if not hurt and last.morning_feel != "worse":
        return None
    what = "Pain was above 5" if hurt else "The next morning was worse"
    if stage.number == 1:
        return f"{what} after your last walk: rest a few days and see a clinician if it lasts."
    return f"{what} after your last run: go back to stage {stage.number - 1} next time."


def latest_tests(results: list[Result]) -> dict[str, LatestTest]:
    """What the plan needs of each capacity test's latest sitting."""
    found = {}
    for result in results:
        if result.latest is None:
            continue
        symmetry = result.symmetry
        previous = result.previous
        before = [v for v in (previous.left, previous.right) if v is not None] if previous else []
        found[result.test.slug] = LatestTest(
            result.latest.day,
            result.latest.left,
            result.latest.right,
            symmetry.lsi if symmetry else None,
            bool(symmetry and symmetry.flagged),
            min(before) if len(before) == 2 else None,
        )
    return found


def walk_run_for(user, today: date, runs: list[LoggedRun] | None = None) -> WalkRunState:
    """The runner's place on the plan today, from their runs, capacity tests and own
    problems."""
    runs = logged_runs(user) if runs is None else runs
    results, _answers = capacity_results(user)
    return walk_run_state(runs, latest_tests(results), today, settings_of(user).own_problems)
