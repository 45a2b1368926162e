"""The walk-run plan back to running (docs/content-rules.md, rule 14): stages from brisk walking to
30 minutes of easy running. The next stage unlocks only when every criterion holds at the
current one: runs on different days, pain during and the next morning in the safe zone,
capacity tests at or above their thresholds, and left and right within the limit. The
runner sees which one is missing. Plain functions over runs and capacity results."""

from dataclasses import dataclass
from datetime import date, timedelta

from runpt.capacity.norms import capacity_tests
from runpt.capacity.sittings import Result, capacity_results
from runpt.log.reads import LoggedRun, logged_runs
from runpt.running.settings import Stage, running_data, stages


@dataclass(frozen=True)
class Criterion:
    key: str  # runs | pain-during | next-morning | capacity:<test> | symmetry:<test>
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


@dataclass(frozen=True)
class PlanState:
    current: Stage
    runs_here: list  # the runs at the current stage, oldest first
    criteria: list
    step_back: str | None  # why to go back a stage, if the last run says so
    complete: bool  # the last stage passed

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


def current_stage(runs: list[LoggedRun]) -> Stage:
    """The stage of the latest run logged at a stage of the plan; the first before any."""
    found = stages()
    staged = [run for run in runs if run.stage is not None and 1 <= run.stage <= len(found)]
    return found[staged[-1].stage - 1] if staged else found[0]


def latest_per_day(runs: list[LoggedRun]) -> list[LoggedRun]:
    by_day = {}
    for run in runs:
        by_day[run.start.date()] = run  # runs come in start order: the latest wins
    return list(by_day.values())


def plan_state(runs: list[LoggedRun], tested: dict[str, LatestTest], today: date) -> PlanState:
    """Where the runner is on the plan and what holds for the next stage. `runs` are the
    runner's runs in start order; `tested` the latest sitting of each capacity test."""
    stage = current_stage(runs)
    here = [run for run in runs if run.stage == stage.number]
    settings = running_data()["plan"]
    last = latest_per_day(here)[-settings["runs_to_pass"] :]
    criteria = [
        runs_criterion(here, settings),
        pain_during_criterion(last, settings),
        morning_criterion(last, settings),
        *capacity_criteria(tested, today, settings),
    ]
    complete = stage.number == len(stages()) and all(c.met for c in criteria)
    return PlanState(stage, here, criteria, step_back(here, stage, settings), complete)


def more_runs(count: int, any_yet: bool) -> str:
    runs = "1 more time" if count == 1 else f"{count} more times"
    return f"Do this stage {runs}, on {'a different day' if any_yet else 'different days'}."


def runs_criterion(here: list[LoggedRun], settings: dict) -> Criterion:
    days = len({run.start.date() for run in here})
    wanted = settings["runs_to_pass"]
    return Criterion(
        "runs",
        f"{wanted} runs at this stage, on different days",
        days >= wanted,
        more_runs(wanted - days, bool(days)) if days < wanted else "",
        settings["runs_source"],
    )


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
    tested: dict[str, LatestTest], today: date, settings: dict
) -> list[Criterion]:
    found = []
    valid = timedelta(days=settings["capacity_valid_days"])
    for wanted in settings["capacity"]:
        test = capacity_tests()[wanted["test"]]
        latest = tested.get(test.slug)
        at_least = wanted["at_least"]
        label = f"{test.short}: at least {at_least} {test.unit} each side"
        if latest is None:
            missing = f"Do the {test.name.lower()}."
        elif today - latest.day > valid:
            missing = f"Your last {test.short.lower()} test was on {latest.day:%-d %b}: test again."
        elif latest.left is None or latest.right is None:
            missing = f"Test the other side too ({test.short.lower()})."
        elif min(latest.left, latest.right) < at_least:
            weaker = "left" if latest.left <= latest.right else "right"
            missing = (
                f"{test.short}: {min(latest.left, latest.right):g} on your {weaker} side; "
                f"{at_least} each side unlocks the next stage."
            )
        else:
            missing = ""
        found.append(
            Criterion(f"capacity:{test.slug}", label, not missing, missing, wanted["source"])
        )
        found.append(symmetry_criterion(test, latest, settings))
    return found


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
        found[result.test.slug] = LatestTest(
            result.latest.day,
            result.latest.left,
            result.latest.right,
            symmetry.lsi if symmetry else None,
            bool(symmetry and symmetry.flagged),
        )
    return found


def plan_for(user, today: date, runs: list[LoggedRun] | None = None) -> PlanState:
    """The runner's place on the plan today, from their runs and capacity tests."""
    runs = logged_runs(user) if runs is None else runs
    results, _answers = capacity_results(user)
    return plan_state(runs, latest_tests(results), today)
