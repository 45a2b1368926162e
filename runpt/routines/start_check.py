"""The check before set 1: a routine's red flags and its triage questions, asked the
first time a runner starts it, by whatever route (docs/content-decisions.md, "Red flags
before set 1"). The phone remembers the answers (js/start-check.js), so the check works
with no signal; the server only lays the questions out, each answer as what it means
for this routine: start it, take another routine instead, or stop and see a clinician."""

import hashlib
import json
from dataclasses import dataclass

from runpt.routines.models import Routine

THIS = "this"
OTHER = "other"
STOP = "stop"


@dataclass(frozen=True)
class Answer:
    number: int  # its place among the question's answers in the routine's data
    text: str
    kind: str  # THIS, OTHER or STOP
    stop: str = ""  # what to do instead, for STOP
    routine_id: int | None = None  # the routine that fits better, for OTHER
    routine_name: str = ""
    note: str = ""  # said beside the offer of another routine (a line on running)


@dataclass(frozen=True)
class Question:
    question: str
    answers: list[Answer]


def needs_check(routine: Routine) -> bool:
    """A routine with red flags or triage is checked before its first set; a runner's
    own routine with neither starts at once."""
    return bool(routine.red_flags or routine.triage)


def check_version(routine: Routine) -> str:
    """Names the red flags and triage as they read now: the phone keeps it with the
    runner's answers, and a check whose words changed since is asked again (a new red
    flag must be read; an answer's place may have moved)."""
    text = json.dumps([routine.red_flags, routine.triage or []], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def triage_questions(routine: Routine, builtins: dict[str, tuple[int, str]]) -> list[Question]:
    """The routine's triage, each answer resolved against the built-in routines
    ({slug: (id, name)}). A copy answers for the built-in it came from; an answer naming
    a routine that no longer exists is left out rather than offered as a dead link."""
    own = {routine.slug, routine.copied_from} - {None}
    questions = []
    for item in routine.triage or []:
        answers = []
        for number, answer in enumerate(item.get("answers", [])):
            target = answer.get("routine")
            if answer.get("stop"):
                answers.append(Answer(number, answer["text"], STOP, stop=answer["stop"]))
            elif target in own:
                answers.append(Answer(number, answer["text"], THIS))
            elif target in builtins:
                routine_id, name = builtins[target]
                answers.append(
                    Answer(
                        number, answer["text"], OTHER, routine_id=routine_id,
                        routine_name=name, note=answer.get("note", ""),
                    )
                )  # fmt: skip
        questions.append(Question(item["question"], answers))
    return questions
