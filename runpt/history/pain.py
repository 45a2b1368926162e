"""Pain over time: the highest pain during each session, overall and per running
problem. Zones follow the pain-monitoring model (docs/content-rules.md, rule 1): 0-2 safe, 3-5
acceptable, over 5 too much.

A session's pain belongs to the problem the runner is training for, not to every problem
its exercises happen to be tagged with (knee pain logged on step-downs is not "hip
strain"): the routine's problem, or for a routine with none (Runner's essentials, most
of a runner's own), the problems the runner said they have (their settings, runpt/runner),
each with the pain of the exercises that address it. A runner who named no problem has
such sessions charted overall only.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from runpt.history.charts import Band
from runpt.library.models import PROBLEMS
from runpt.pain import ACCEPTABLE_MAX, HIGHEST, SAFE_MAX
from runpt.timestamps import local_day

PAIN_BANDS = (
    Band(0, SAFE_MAX, "band-safe"),
    Band(SAFE_MAX, ACCEPTABLE_MAX, "band-acceptable"),
    Band(ACCEPTABLE_MAX, HIGHEST, "band-too-much"),
)


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


def pain_per_problem(
    summaries,
    routine_problems: dict[str, str],
    own_problems: Sequence[str] = (),
    exercise_problems: dict[str, list[str]] | None = None,
) -> dict[str, list[PainPoint]]:
    """{problem slug: points} for each running problem with any pain logged, in the
    order of PROBLEMS.

    A session of a routine with a problem (`routine_problems`, by reference) puts its
    highest pain under that problem alone. A session of a routine with none puts, under
    each of the runner's `own_problems`, the highest pain of its exercises that address
    that problem (`exercise_problems`: exercise slug -> problems); with no own problems
    (today's default) it is charted overall only."""
    per_problem: dict[str, list[PainPoint]] = {problem: [] for problem in PROBLEMS}
    for s in reversed(summaries):
        if s.highest_pain is None:
            continue
        day, session_id = local_day(s.started_at, s.offset_min), str(s.session_id)
        for problem, pain in _pain_by_problem(s, routine_problems, own_problems,
                                              exercise_problems or {}).items():  # fmt: skip
            if problem in per_problem:
                per_problem[problem].append(PainPoint(day, pain, session_id))
    return {problem: points for problem, points in per_problem.items() if points}


def _pain_by_problem(summary, routine_problems, own_problems, exercise_problems) -> dict:
    """{problem: highest pain} one session adds to the problems' charts."""
    trained = routine_problems.get(summary.routine or "")
    if trained:
        return {trained: summary.highest_pain}
    highest: dict[str, int] = {}
    for slug, pain in (summary.pain_by_exercise or {}).items():
        for problem in set(exercise_problems.get(slug, ())) & set(own_problems):
            highest[problem] = max(pain, highest.get(problem, 0))
    return highest
