"""Pain over time: the highest pain during each session, overall and per running
problem (an exercise counts for every problem it addresses). Zones follow the
pain-monitoring model (CONTENT.md rule 1): 0-2 safe, 3-5 acceptable, over 5 too much."""

from dataclasses import dataclass
from datetime import date

from runpt.history.charts import Band
from runpt.history.weeks import local_day
from runpt.library.models import PROBLEMS

PAIN_BANDS = (
    Band(0, 2, "band-safe"),
    Band(2, 5, "band-acceptable"),
    Band(5, 10, "band-too-much"),
)


def zone(pain: int | None) -> str:
    if pain is None:
        return ""
    return "safe" if pain <= 2 else ("acceptable" if pain <= 5 else "too much")


@dataclass(frozen=True)
class PainPoint:
    day: date
    pain: int
    session_id: str


def pain_per_session(summaries) -> list[PainPoint]:
    """Oldest first; sessions where no pain was logged are left out."""
    return [
        PainPoint(local_day(s.started_at, s.offset_min), s.highest_pain, str(s.session_id))
        for s in reversed(summaries)
        if s.highest_pain is not None
    ]


def pain_per_problem(summaries, problems_of: dict[str, list[str]]) -> dict[str, list[PainPoint]]:
    """{problem slug: points} for each running problem with any pain logged, in the
    order of PROBLEMS. `problems_of` maps an exercise slug to the problems it addresses."""
    per_problem: dict[str, list[PainPoint]] = {problem: [] for problem in PROBLEMS}
    for s in reversed(summaries):
        highest: dict[str, int] = {}
        for slug, pain in (s.pain_by_exercise or {}).items():
            for problem in problems_of.get(slug, ()):
                highest[problem] = max(pain, highest.get(problem, 0))
        if not highest:
            continue
        day, session_id = local_day(s.started_at, s.offset_min), str(s.session_id)
        for problem, pain in highest.items():
            if problem in per_problem:
                per_problem[problem].append(PainPoint(day, pain, session_id))
    return {problem: points for problem, points in per_problem.items() if points}
