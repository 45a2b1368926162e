"""Progression suggestions for a runner's routine: the engine (runpt/progression) fed
with what they logged last time, and accepting one into their own copy of the routine."""

from dataclasses import dataclass, replace

from runpt.library.ladder import ExerciseFacts, variant_name
from runpt.library.wording import explained
from runpt.progression.engine import Suggestion, Target, suggest
from runpt.progression.recent import judged
from runpt.routines import editing
from runpt.routines.models import Routine, RoutineStep


def target_of(dose, level: int) -> Target:
    """What a routine step asks for, as the engine reads it."""
    return Target(dose.sets, None if dose.is_hold else dose.reps, dose.hold_s, level)


def suggestion_from(
    user, facts: ExerciseFacts, target: Target, since=None, problem: str = ""
) -> Suggestion | None:
    """The engine's suggestion for the runner's next time at this target, in a routine
    that trains `problem` ("" for none)."""
    if facts.phase != "strength":
        return None
    # A level saved before the ladder got shorter can't be judged: no suggestion.
    if not -len(facts.easier) <= target.level <= len(facts.harder):
        return None
    found = judged(user, facts, target, since, problem)
    if found is None:
        return None
    suggestion = suggest(facts, target, found.sets, found.morning, found.situation)
    # The reason as a runner reads it: "RPE" and "12RM" explained where they appear.
    return replace(suggestion, reason=explained(suggestion.reason))


@dataclass(frozen=True)
class EaseOffNow:
    """An "ease off" suggestion taken in the session, for the rest of it: the rung and
    the dose the player swaps to (the routine itself is unchanged), and how it reads."""

    level: int
    sets: int
    amount: int  # reps, or seconds for a hold
    text: str  # "Step-down from a lower step, 3 × 5", or "3 × 10" on the same rung


def ease_off_now(facts: ExerciseFacts, now: Target, suggestion: Suggestion | None):
    """What "Ease off now" swaps to on a step whose suggestion is to ease off, or None."""
    if suggestion is None or suggestion.action != "regress":
        return None
    new = suggestion.target
    amount = new.hold_s if facts.is_hold else new.reps
    if amount is None:
        return None
    dose = f"{new.sets} × {amount} s" if facts.is_hold else f"{new.sets} × {amount}"
    text = dose if new.level == now.level else f"{variant_name(facts, new.level)}, {dose}"
    return EaseOffNow(new.level, new.sets, amount, text)


def suggestion_for(user, step: RoutineStep) -> Suggestion | None:
    return suggestion_from(
        user, ExerciseFacts.of(step.exercise), target_of(step.dose, step.level),
        step.dose_changed_at, step.routine.problem,
    )  # fmt: skip


def suggestions_for(user, routine: Routine) -> dict[int, Suggestion]:
    """{routine step id: suggestion} for the steps that have one."""
    found = {}
    for step in routine.steps:
        suggestion = suggestion_for(user, step)
        if suggestion is not None:
            found[step.id] = suggestion
    return found


def shown_target(form) -> Target | None:
    """The target of the suggestion the runner saw, from the Accept form."""
    try:
        numbers = {
            name: int(form[name]) if form.get(name, "") != "" else None
            for name in ("sets", "reps", "hold_s", "level")
        }
    except ValueError:
        return None
    if numbers["sets"] is None or numbers["level"] is None:
        return None
    return Target(numbers["sets"], numbers["reps"], numbers["hold_s"], numbers["level"])


def accept(user, routine: Routine, step: RoutineStep, suggestion: Suggestion) -> Routine:
    """Apply the suggestion to the runner's own routine: a built-in one is copied first
    (built-ins are shared), and the copy's step changes. Returns the routine changed."""
    if routine.is_builtin:
        position = step.position
        routine = editing.copy_routine(user, routine)
        step = routine.steps[position]
    new = suggestion.target
    values = {"sets": new.sets, "level": new.level}
    values["hold_s" if new.hold_s is not None else "reps"] = new.hold_s or new.reps
    editing.set_step_dose(step, values)
    return routine
