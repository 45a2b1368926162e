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
    number: int
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
        Stage(number, entry["name"], entry["run_min"], entry["walk_min"], entry["repeats"])
        for number, entry in enumerate(running_data()["stage"], start=1)
    )
