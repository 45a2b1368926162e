"""Weekly running load beside pain and the next morning: each week's running time and
distance, its change from the week before, and a flag when it jumps more than about 30%
above the average of the 4 weeks before (CONTENT.md rule 14, runpt convention). Plain
functions over runs; the runner's weeks run Monday to Sunday on their own clock."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from runpt.log.reads import LoggedRun
from runpt.running.settings import running_data
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

    def add(self, run: LoggedRun) -> None:
        self.minutes += run.duration_s / 60
        self.km += (run.distance_m or 0) / 1000
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
    ordered = list(weeks.values())
    for index, week in enumerate(ordered):
        if index:
            before = ordered[index - 1].minutes
            week.change = (week.minutes - before) / before if before else None
        if index >= averaged:
            average = sum(w.minutes for w in ordered[index - averaged : index]) / averaged
            week.average_before = average
            # With no running in the weeks before there is no average to jump from.
            week.jump = average > 0 and week.minutes > average * (1 + jump_over)
    return ordered[averaged:]
