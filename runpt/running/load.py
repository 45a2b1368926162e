"""Running load beside pain and the next morning. Per run: a run more than about 10%
longer than the longest of the 30 days before (Frandsen et al. 2025; docs/content-rules.md,
rule 16), and the first week
back after 4 weeks or more without running. Per week: running time and distance, the
change from the week before, and a mark when it is more than about 30% above the average
of the 4 weeks before (docs/content-rules.md, rule 14: a runpt convention on weak
evidence, never a safe ceiling). In walk-run plan runs only the running minutes count.
Plain functions over runs; the runner's weeks run Monday to Sunday on their own clock."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from runpt.log.reads import LoggedRun
from runpt.running.reference_data import running_data, stage_of
from runpt.timestamps import monday_of, runner_today


def runs_offset(runs: list[LoggedRun]) -> int:
    """The runner's UTC offset in minutes as their runs know it: the latest run's start
    keeps it (0, UTC, before any run). Their weeks are counted on that clock."""
    return int(runs[-1].start.utcoffset().total_seconds() // 60) if runs else 0


def today_from_runs(runs: list[LoggedRun]) -> date:
    """Today on the runner's clock as their runs know it (UTC before any run)."""
    return runner_today(runs_offset(runs))


def run_day(run: LoggedRun) -> date:
    """The day on the runner's clock when the run began (its start keeps that offset)."""
    return run.start.date()


@dataclass
class Week:
    monday: date
    minutes: float = 0
    km: float = 0
    runs: int = 0
    highest_pain: int | None = None
    highest_morning_pain: int | None = None
    mornings: list = field(default_factory=list)  # better / same / worse, in run order
    change: float | None = None  # share of last week's time, e.g. 0.25 for +25%
    average_before: float | None = None  # minutes a week, over the weeks before
    jump: bool = False

    back: bool = False  # the first run after 4+ weeks without running is in this week

    def add(self, run: LoggedRun) -> None:
        self.minutes += running_minutes(run)
        self.km += running_km(run)
        self.runs += 1
        self.highest_pain = _higher(self.highest_pain, run.pain)
        self.highest_morning_pain = _higher(self.highest_morning_pain, run.morning_pain)
        if run.morning_feel:
            self.mornings.append(run.morning_feel)

    @property
    def worse_mornings(self) -> int:
        return self.mornings.count("worse")


def _higher(kept: int | None, value: int | None) -> int | None:
    if value is None:
        return kept
    return value if kept is None else max(kept, value)


def running_share(run: LoggedRun) -> float:
    """The share of a run that was running: a walk-run plan run's walks are not."""
    stage = stage_of(run)
    return stage.running_share if stage is not None else 1.0


def running_minutes(run: LoggedRun) -> float:
    return run.duration_s / 60 * running_share(run)


def running_km(run: LoggedRun) -> float:
    return (run.distance_m or 0) / 1000 * running_share(run)


def jump_rule() -> tuple[float, int]:
    """(share over the average that is a jump, weeks averaged)."""
    load = running_data()["load"]
    return load["jump_over"], load["weeks_averaged"]


def weekly_load(runs: list[LoggedRun], today: date, how_many: int = 12) -> list[Week]:
    """The last `how_many` weeks, oldest first (weeks with no run included: a week off is
    load too), each with its change from the week before and whether it jumped."""
    jump_over, averaged = jump_rule()
    this_monday = monday_of(today)
    first = this_monday - timedelta(weeks=how_many - 1 + averaged)
    weeks = {first + timedelta(weeks=n): None for n in range(how_many + averaged)}
    weeks = {monday: Week(monday) for monday in weeks}
    for run in runs:
        week = weeks.get(monday_of(run_day(run)))
        if week is not None:
            week.add(run)
    in_order = sorted(runs, key=lambda run: run.start)
    for before, run in zip([None, *in_order], in_order, strict=False):
        week = weeks.get(monday_of(run_day(run)))
        if week is not None and weeks_off(before, run) is not None:
            week.back = True
    ordered = list(weeks.values())
    for index, week in enumerate(ordered):
        if index:
            before = ordered[index - 1].minutes
            week.change = (week.minutes - before) / before if before else None
        if index >= averaged:
            window = ordered[index - averaged : index]
            average = sum(w.minutes for w in window) / averaged
            week.average_before = average
            # With no running in the weeks before there is no average to jump from, and in
            # the weeks after a break the average is mostly weeks off: the week back is
            # marked instead (`back`), and the runs themselves by run_flags.
            week.jump = (
                average > 0
                and not any(w.back for w in window)
                and week.minutes > average * (1 + jump_over)
            )
    return ordered[averaged:]


# --- single runs ----------------------------------------------------------------------


@dataclass(frozen=True)
class RunFlag:
    """Why a run is marked, in the runner's words, and the source."""

    kind: str  # longer | back
    words: str
    source: str


def weeks_off(before: LoggedRun | None, run: LoggedRun) -> int | None:
    """Whole weeks without running between two runs in a row, when 4 or more (the runner's
    first run back); None otherwise, and for a first run ever (runpt can't know)."""
    if before is None:
        return None
    weeks = (run_day(run) - run_day(before)).days // 7
    return weeks if weeks >= running_data()["back"]["weeks_off"] else None


def window_before(runs: list[LoggedRun], index: int, days: int) -> list[LoggedRun]:
    """The runs in the `days` before runs[index] (runs in start order)."""
    since = runs[index].start - timedelta(days=days)
    found = []
    for other in reversed(runs[:index]):
        if other.start < since:
            break
        found.append(other)
    return found


def compared(run: LoggedRun, window: list[LoggedRun]) -> tuple[float, float, str] | None:
    """(this run, the longest of the window, in words): by distance when this run and every
    run of the window have one (a longer run with no distance would be missed otherwise),
    else by running time."""
    if not window:
        return None
    if run.distance_m and all(other.distance_m for other in window):
        longest = max(running_km(other) for other in window)
        return running_km(run), longest, f"{longest:.1f} km"
    longest = max(running_minutes(other) for other in window)
    return running_minutes(run), longest, f"{round(longest)} min"


def single_run_flag(run: LoggedRun, window: list[LoggedRun]) -> RunFlag | None:
    """A run more than about 10% longer than the longest of the 30 days before it. Runs at
    a walk-run stage are left to the plan, whose stages step up by their own checks."""
    rule = running_data()["single_run"]
    found = compared(run, window) if stage_of(run) is None else None
    if found is None or found[0] <= found[1] * (1 + rule["longer_over"]):
        return None
    this, longest, in_words = found
    words = (
        f"{round((this / longest - 1) * 100)}% longer than your longest run of the "
        f"{rule['days']} days before ({in_words}). Keep any single run within about "
        f"{round(rule['longer_over'] * 100)}% of your longest recent run."
    )
    return RunFlag("longer", words, rule["source"])


def back_flag(run: LoggedRun, first: LoggedRun, weeks: int) -> RunFlag | None:
    """A run in the first week back (from `first`, the run after `weeks` off)."""
    rule = running_data()["back"]
    if (run_day(run) - run_day(first)).days >= rule["days_flagged"]:
        return None
    what = "Your first run" if first is run else "Your first week of running"
    words = (
        f"{what} after {weeks} weeks without running: build back up with the walk-run "
        "plan, from the stage that feels easy."
    )
    return RunFlag("back", words, rule["source"])


def run_flags(runs: list[LoggedRun]) -> dict:
    """{run_id: [RunFlag]} for every run marked; `runs` in start order."""
    days = running_data()["single_run"]["days"]
    found, back = {}, None
    for index, run in enumerate(runs):
        weeks = weeks_off(runs[index - 1] if index else None, run)
        if weeks is not None:
            back = (run, weeks)
        flags = [
            back_flag(run, *back) if back else None,
            single_run_flag(run, window_before(runs, index, days)),
        ]
        if any(flags):
            found[run.run_id] = [flag for flag in flags if flag]
    return found
