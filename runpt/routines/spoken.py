"""What the player says aloud on a step (js/voice.js speaks it): the exercise, side and
dose when the step starts, what's next during a rest, "switch sides", the go, the end
of a hold or of counted reps with the pain question, and on the floor the large pain
question after each set. Written here, once, in plain words, and rendered into the
step's markup, so the phone speaks with no signal and the words have one home."""

from runpt.routines.steps import Step

# Pain is asked on every set (docs/content-rules.md, rule 1), aloud too: the end of a
# hold or of counted reps says so before the log.
PAIN_THEN_LOG = "Any pain? Tap it, then log the set."


def dose_words(step: Step) -> str:
    dose = step.dose
    return f"{dose.hold_s} second hold" if dose.is_hold else f"{dose.reps} reps"


def what_and_how_much(step: Step, with_name: bool = True) -> str:
    """The exercise and the set in words, e.g. "Glute bridge, marching bridge. Set 2 of
    3, left side: 12 reps." """
    name = step.exercise.name + (f", {step.variant}" if step.variant else "")
    side = f", {step.side} side" if step.side else ""
    where = f"set {step.set_no} of {step.dose.sets}{side}: {dose_words(step)}."
    return f"{name}. {where[0].upper()}{where[1:]}" if with_name else where


def at_start(step: Step) -> str:
    """Said as the step comes on screen, over its countdown."""
    if step.wait_kind == "switch" and step.wait_s:
        return f"Switch sides. {step.side.capitalize()} side: {dose_words(step)}."
    if step.wait_kind == "rest" and step.wait_s:
        return f"Rest {step.wait_s} seconds. Next: {what_and_how_much(step)}"
    if step.wait_kind == "get-ready" and step.wait_s:
        return f"Next: {what_and_how_much(step)} Get ready."
    return what_and_how_much(step)


def at_go(step: Step) -> str:
    """Said when the countdown before the step ends."""
    return f"Go: {dose_words(step)}."


def at_hold_done() -> str:
    return f"Hold done. {PAIN_THEN_LOG}"


def at_reps_done(step: Step) -> str:
    """Said after the last counted rep of a slow-tempo set."""
    return f"That's {step.dose.reps}. {PAIN_THEN_LOG}"


def at_pain_question() -> str:
    """Said after a set on the floor, where the large pain question comes up."""
    return "Any pain? Tap none, some, or too much."
