"""runpt/data/running.toml, read once per process."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "running.toml"


@cache
def running_data() -> dict:
    with DATA_FILE.open("rb") as file:
        return tomllib.load(file)


@dataclass(frozen=True)
class Stage:
    number: int  # its place in the plan, as the runner sees it
    key: int  # the number stored with a run logged at it (run.logged's "stage"); never changes
    name: str
    run_min: int
    walk_min: int
    repeats: int

    @property
    def minutes(self) -> int:
        return (self.run_min + self.walk_min) * self.repeats

    @property
    def running_min(self) -> int:
        return self.run_min * self.repeats

    @property
    def running_share(self) -> float:
        """The share of a run at this stage spent running (walking is not running load)."""
        return self.run_min / (self.run_min + self.walk_min)

    def describe(self) -> str:
        if not self.run_min:
            return f"Walk briskly for {self.minutes} minutes."
        if not self.walk_min:
            return f"Run easily for {self.run_min} minutes without stopping."
        return (
            f"{self.repeats} rounds of {self.run_min} min easy running and {self.walk_min} min "
            f"walking: {self.minutes} minutes."
        )


@cache
def stages() -> tuple[Stage, ...]:
    return tuple(
        Stage(
            number, entry["key"], entry["name"], entry["run_min"], entry["walk_min"],
            entry["repeats"],
        )
        for number, entry in enumerate(running_data()["stage"], start=1)
    )  # fmt: skip


@cache
def stages_by_key() -> dict[int, Stage]:
    """{the number stored with a run: its stage}."""
    return {stage.key: stage for stage in stages()}


def stage_of(run) -> Stage | None:
    """The plan stage a run was logged at, if any (an unknown number is just a run)."""
    return stages_by_key().get(run.stage) if run.stage is not None else None
