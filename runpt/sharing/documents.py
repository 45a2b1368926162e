"""A routine handed on as a document: a versioned JSON file (docs/routine-format.md), or
the same document in a link, so neither the giver nor runpt keeps anything for it.

Reading one is strict. Anything that isn't exactly a version 1 routine of exercises in
the library, with doses inside the editor's own limits (runpt/routines/editing.py), is
refused with every problem named, and nothing is stored.
"""

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass

from sqlalchemy import select

from runpt.extensions import db
from runpt.library.ladder import ExerciseFacts
from runpt.library.models import PROBLEMS, Exercise
from runpt.routines.editing import (
    CONTROL_CHARACTERS,
    DOSE_LIMITS,
    MAX_GUIDANCE,
    MAX_STEPS,
    details_errors,
    make_room,
)
from runpt.routines.models import Routine, RoutineStep

FORMAT = "runpt-routine"
VERSION = 1
# A routine of MAX_STEPS steps with every text at its longest is under 8 KB.
MAX_DOCUMENT_BYTES = 64 * 1024
# A link's code: a full document compresses to well under this.
MAX_CODE = 16 * 1024
# The longest code runpt makes a link with. gunicorn, as deployed, answers 414 to a
# request line over 4094 bytes, and a link must still fit in a login or sign-up page's
# `next` (about 60 characters more). Only a routine with every text at its longest, in a
# script that compresses badly (Chinese, say), goes past it: it is passed on as a file.
MAX_LINK_CODE = 3800
# A document with this many problems has more; the runner needs the first few.
MAX_PROBLEMS = 20
# What a document holds, and whether each is needed.
TOP_FIELDS = {
    "format": True, "version": True, "name": True, "summary": False, "problem": False,
    "red_flags": False, "running": False, "add_on": False, "steps": True,
}  # fmt: skip
STEP_FIELDS = ("exercise", "level", "sets", "reps", "hold_s", "rest_s")
MAX_SLUG = 80
CODE_CHARACTERS = re.compile(r"[A-Za-z0-9_-]*")


class BadDocument(Exception):
    """A document runpt won't take: what is wrong, in words, and the HTTP status."""

    def __init__(self, problems: list[str], status: int = 400):
        super().__init__("; ".join(problems))
        self.problems = problems[:MAX_PROBLEMS]
        self.status = status


@dataclass(frozen=True)
class DocumentStep:
    exercise: Exercise
    level: int
    sets: int | None
    reps: int | None
    hold_s: int | None
    rest_s: int | None


@dataclass(frozen=True)
class RoutineDocument:
    """A document that passed every check, its exercises found in the library."""

    name: str
    summary: str
    problem: str
    red_flags: str
    running: str
    add_on: bool
    steps: tuple[DocumentStep, ...]


# --- writing -----------------------------------------------------------------------------


def routine_document(routine: Routine) -> dict:
    """Any routine the runner can see, as a version 1 document. Each step carries the
    dose it is done at (the exercise's default filled in), so the receiver gets the same
    numbers whatever their library's defaults."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": routine.name,
        "summary": routine.summary,
        "problem": routine.problem,
        "red_flags": routine.red_flags,
        "running": routine.running,
        "add_on": routine.add_on,
        "steps": [document_step(step) for step in routine.steps],
    }


def document_text(document: dict) -> str:
    """A document as a file: readable JSON, UTF-8."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def document_step(step: RoutineStep) -> dict:
    dose = step.dose
    amount = {"hold_s": dose.hold_s} if dose.is_hold else {"reps": dose.reps}
    return {
        "exercise": step.exercise.slug,
        "level": step.level,
        "sets": dose.sets,
        **amount,
        "rest_s": dose.rest_s,
    }


def link_code(document: dict) -> str:
    """The document as a link carries it: minified JSON, raw DEFLATE, base64url with no
    padding. A link needs nothing stored anywhere, and is short enough for a QR code."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = packer.compress(text.encode()) + packer.flush()
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def too_long_for_a_link() -> str:
    return (
        "This routine is too long to pass on as a link (its texts are long): send the file "
        "itself. The runner adds it from Routines → “A routine from a file”."
    )


# --- reading -----------------------------------------------------------------------------


def document_from_code(code: str) -> bytes:
    """A link's code back to the document's bytes, inflated no further than a document
    may be (a small code can't unpack into gigabytes)."""
    if len(code) > MAX_CODE:
        raise BadDocument([f"This link is too long for a routine (over {MAX_CODE} characters)."])
    if not code or not CODE_CHARACTERS.fullmatch(code):
        raise BadDocument(["This link is cut short or changed: it holds no routine."])
    try:
        packed = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
        unpacker = zlib.decompressobj(-15)
        raw = unpacker.decompress(packed, MAX_DOCUMENT_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise BadDocument(["This link is cut short or changed: it holds no routine."]) from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise BadDocument([too_large()], status=413)
    if not unpacker.eof:
        raise BadDocument(["This link is cut short: copy the whole link and try again."])
    return raw


def too_large() -> str:
    return f"A routine document is at most {MAX_DOCUMENT_BYTES // 1024} KB; this one is larger."


def read_document(raw: bytes) -> RoutineDocument:
    """Bytes (a file, or a link's code unpacked) to a routine ready to add, or
    BadDocument naming every problem."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise BadDocument([too_large()], status=413)
    data = parse_json(raw)
    problems = envelope_problems(data)
    if problems:
        raise BadDocument(problems)
    problems = routine_problems(data)
    steps, step_problems = read_steps(data["steps"])
    problems += step_problems
    if problems:
        raise BadDocument(problems)
    return RoutineDocument(
        name=data["name"].strip(),
        summary=data.get("summary", "").strip(),
        problem=data.get("problem", ""),
        red_flags=data.get("red_flags", "").strip(),
        running=data.get("running", "").strip(),
        add_on=data.get("add_on", False),
        steps=tuple(steps),
    )


def parse_json(raw: bytes):
    """Strict JSON: UTF-8 text, no NaN or Infinity, no key given twice."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadDocument(["This file isn't UTF-8 text: save it as UTF-8 JSON."]) from None
    try:
        return json.loads(text, object_pairs_hook=no_repeated_keys, parse_constant=no_constant)
    except BadDocument:
        raise
    except RecursionError:
        raise BadDocument(["This file's JSON is nested far too deeply for a routine."]) from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise BadDocument([f"This isn't JSON ({error.msg} at {where})."]) from None
    except ValueError:  # Python refuses integers of over 4300 digits
        raise BadDocument(["This file has a number far too long for a routine."]) from None


def no_repeated_keys(pairs: list[tuple]) -> dict:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise BadDocument([f"“{repeated[0]}” is given twice; give each field once."])
    return dict(pairs)


def no_constant(name: str):
    raise BadDocument([f"{name} is not a number a routine can hold."])


def envelope_problems(data) -> list[str]:
    """Is this a version 1 runpt routine at all, with no field it doesn't know?"""
    if not isinstance(data, dict):
        return ["This isn't a runpt routine: it should be a JSON object ({…})."]
    if data.get("format") != FORMAT:
        return [f"This isn't a runpt routine: “format” should be “{FORMAT}”."]
    version = data.get("version")
    if not is_whole(version):
        return ["“version” should be a whole number: this runpt reads version 1."]
    if version != VERSION:
        return [f"This routine is version {version}; this runpt reads version {VERSION} only."]
    problems = [f"Unknown field “{key}”." for key in data if key not in TOP_FIELDS]
    problems += [f"“{key}” is missing." for key, needed in TOP_FIELDS.items()
                 if needed and key not in data]  # fmt: skip
    if "steps" in data and not isinstance(data["steps"], list):
        problems.append("“steps” should be a list of exercises.")
    return problems


def is_whole(value) -> bool:
    """A JSON integer: not true/false (which Python counts as 1 and 0), not 3.0."""
    return isinstance(value, int) and not isinstance(value, bool)


def routine_problems(data: dict) -> list[str]:
    """The routine's own fields: the editor's limits, and a problem from the library's list."""
    problems = []
    texts = {key: data.get(key, "") for key in ("name", "summary", "red_flags", "running")}
    for key, value in texts.items():
        if not isinstance(value, str):
            problems.append(f"“{key}” should be text.")
        elif not is_encodable(value):
            problems.append(f"“{key}” has a broken character (half of a pair).")
    if problems:
        return problems
    problems += details_errors(texts["name"], texts["summary"]).values()
    for key in ("red_flags", "running"):
        if len(texts[key]) > MAX_GUIDANCE:
            problems.append(f"Keep “{key}” under {MAX_GUIDANCE} characters.")
        elif CONTROL_CHARACTERS.search(texts[key]):
            problems.append(f"“{key}” has an invisible control character.")
    problem = data.get("problem", "")
    if problem != "" and (not isinstance(problem, str) or problem not in PROBLEMS):
        problems.append(f"“problem” should be empty or one of: {', '.join(PROBLEMS)}.")
    if not isinstance(data.get("add_on", False), bool):
        problems.append("“add_on” should be true or false.")
    steps = data["steps"]
    if not steps:
        problems.append("A routine needs at least one exercise in “steps”.")
    elif len(steps) > MAX_STEPS:
        problems.append(f"A routine holds at most {MAX_STEPS} exercises, not {len(steps)}.")
    return problems


def is_encodable(text: str) -> bool:
    """JSON can carry half of a surrogate pair ("\\ud800"), which no page or database
    can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_steps(steps: list) -> tuple[list[DocumentStep], list[str]]:
    """Every step checked against the library, in one query."""
    if len(steps) > MAX_STEPS:
        return [], []  # said once already, with the count
    slugs = {
        step["exercise"]
        for step in steps
        if isinstance(step, dict) and isinstance(step.get("exercise"), str)
        and len(step["exercise"]) <= MAX_SLUG
    }  # fmt: skip
    library = {
        e.slug: e for e in db.session.scalars(select(Exercise).where(Exercise.slug.in_(slugs)))
    }
    read, problems = [], []
    for number, step in enumerate(steps, start=1):
        found, step_problems = read_step(step, library)
        problems += [f"Step {number}: {problem}" for problem in step_problems]
        if found is not None:
            read.append(found)
    return read, problems


def read_step(step, library: dict[str, Exercise]) -> tuple[DocumentStep | None, list[str]]:
    if not isinstance(step, dict):
        return None, ["should be an object with “exercise” and its dose."]
    problems = [f"unknown field “{key}”." for key in step if key not in STEP_FIELDS]
    slug = step.get("exercise")
    exercise = library.get(slug) if isinstance(slug, str) else None
    if exercise is None:
        shown = slug[:MAX_SLUG] if isinstance(slug, str) else slug
        problems.append(f"“exercise” {json.dumps(shown)} is not in runpt's exercise library.")
        return None, problems
    problems += dose_problems(step, exercise)
    if problems:
        return None, [f"{exercise.name}: {problem}" for problem in problems]
    return DocumentStep(
        exercise=exercise,
        level=step.get("level", 0),
        sets=step.get("sets"),
        reps=step.get("reps"),
        hold_s=step.get("hold_s"),
        rest_s=step.get("rest_s"),
    ), []


def dose_problems(step: dict, exercise: Exercise) -> list[str]:
    """The editor's dose limits (DOSE_LIMITS), reps for rep work and hold seconds for
    holds, and a rung the exercise's ladder has. A dose left out is the exercise's own."""
    problems = []
    wrong = "reps" if exercise.is_hold else "hold_s"
    if wrong in step:
        right = "hold_s" if exercise.is_hold else "reps"
        kind = "held for seconds" if exercise.is_hold else "done in reps"
        problems.append(f"it is {kind}: give “{right}”, not “{wrong}”.")
    for field, (low, high, label) in DOSE_LIMITS.items():
        if field == wrong or field not in step:
            continue
        value = step[field]
        if not is_whole(value) or not low <= value <= high:
            problems.append(f"{label}: a whole number from {low} to {high}.")
    facts = ExerciseFacts.of(exercise)
    lowest, highest = -len(facts.easier), len(facts.harder)
    level = step.get("level", 0)
    if not is_whole(level) or not lowest <= level <= highest:
        problems.append(f"“level” should be a whole number from {lowest} to {highest}.")
    return problems


# --- using -----------------------------------------------------------------------------


def preview(document: RoutineDocument) -> Routine:
    """The routine as it would be added, to show; never added to the database."""
    return Routine(
        name=document.name,
        summary=document.summary,
        problem=document.problem,
        red_flags=document.red_flags,
        running=document.running,
        add_on=document.add_on,
        triage=[],
        steps=[new_step(position, step) for position, step in enumerate(document.steps)],
    )


def new_step(position: int, step: DocumentStep) -> RoutineStep:
    return RoutineStep(
        position=position,
        exercise=step.exercise,
        exercise_id=step.exercise.id,
        level=step.level,
        sets=step.sets,
        reps=step.reps,
        hold_s=step.hold_s,
        rest_s=step.rest_s,
    )


def add_to_routines(user, document: RoutineDocument) -> Routine:
    """The runner's own copy of the routine, theirs to change; TooManyRoutines when
    they have as many as runpt keeps. Commits."""
    make_room(user.id)
    routine = preview(document)
    routine.owner_id = user.id
    db.session.add(routine)
    db.session.commit()
    return routine
