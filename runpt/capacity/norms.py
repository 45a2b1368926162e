"""The capacity tests as runpt/data/capacity.toml describes them, read once per process,
and the norm a result is read against: the published figure for the runner's sex, else
none (and the page says so). There are no age bands: the only published figures runpt has
are for all ages, and its own estimates ran against the paper (older women outperformed
older men), so they are gone."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "capacity.toml"
SEX_WORDS = {"female": "women", "male": "men"}


@dataclass(frozen=True)
class Rung:
    """Where a result places the runner on an exercise's ladder: from `at_least` on."""

    at_least: float
    level: int
    why: str


@dataclass(frozen=True)
class Norm:
    value: float
    who: str  # e.g. "women (all ages)"
    source: str
    convention: bool  # a runpt estimate, not a published figure


@dataclass(frozen=True)
class CapacityTest:
    slug: str
    name: str
    short: str
    measure: str  # reps | hold_s | checklist
    unit: str
    summary: str
    steps: tuple[str, ...]
    symmetry: str  # lsi | ratio | checklist
    problems: tuple[str, ...]
    norm: dict  # {sex: value, "source": text}
    placement_exercise: str
    placement_source: str
    rungs: tuple[Rung, ...]
    placement_note: str = ""  # who the placement is for, where some routines don't use it
    norm_needs_incline: bool = False  # the norms come from an incline: flat floor isn't compared
    per_minute: int | None = None
    pace_source: str = ""
    measurement_error: float | None = None
    measurement_error_source: str = ""
    ratio_flag: float | None = None
    ratio_source: str = ""
    checklist: dict | None = None  # {item: label}, "source" left out

    @property
    def is_hold(self) -> bool:
        return self.measure == "hold_s"


@cache
def capacity_data() -> dict:
    with DATA_FILE.open("rb") as file:
        return tomllib.load(file)


def _test(entry: dict) -> CapacityTest:
    placement = entry["placement"]
    checklist = entry.get("checklist")
    return CapacityTest(
        slug=entry["slug"],
        name=entry["name"],
        short=entry["short"],
        measure=entry["measure"],
        unit=entry["unit"],
        summary=entry["summary"],
        steps=tuple(entry["steps"]),
        symmetry=entry["symmetry"],
        problems=tuple(entry.get("problems", ())),
        norm=entry["norm"],
        placement_exercise=placement["exercise"],
        placement_source=placement["source"],
        rungs=tuple(Rung(**rung) for rung in placement["rungs"]),
        placement_note=placement.get("note", ""),
        norm_needs_incline=entry.get("norm_needs_incline", False),
        per_minute=entry.get("per_minute"),
        pace_source=entry.get("pace_source", ""),
        measurement_error=entry.get("measurement_error"),
        measurement_error_source=entry.get("measurement_error_source", ""),
        ratio_flag=entry.get("ratio_flag"),
        ratio_source=entry.get("ratio_source", ""),
        checklist={k: v for k, v in checklist.items() if k != "source"} if checklist else None,
    )


@cache
def capacity_tests() -> dict[str, CapacityTest]:
    """{slug: test}, in the data file's order."""
    return {entry["slug"]: _test(entry) for entry in capacity_data()["test"]}


def retest_days() -> tuple[int, int]:
    """(from, by): a retest is suggested from this many days after the last, and is
    overdue after the second."""
    retest = capacity_data()["retest"]
    return retest["after_days"], retest["by_days"]


def lsi_min() -> float:
    return capacity_data()["symmetry"]["lsi_min"]


def norm_for(test: CapacityTest, sex: str | None) -> Norm | None:
    """The figure a result is read against: the overall figure for the runner's sex
    (labelled when it is runpt's convention); None without a sex, where norms differ by
    sex (the page then shows both overall figures and says why)."""
    if sex not in SEX_WORDS:
        return None
    return Norm(
        value=test.norm[sex],
        who=f"{SEX_WORDS[sex]} (all ages)",
        source=test.norm["source"],
        convention=test.norm["source"].startswith("runpt convention"),
    )
