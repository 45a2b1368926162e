"""The progression engine: from the sets a runner logged last session, what to ask next time.

Pure functions over small frozen dataclasses, no Flask and no database. The app builds an
`ExerciseFacts` from the library's exercise, a `Target` from the routine step and a list
of `LoggedSet` from that exercise's set.logged events, and shows the `Suggestion`. Rules
and sources are CONTENT.md rules 1-7; each exercise's caps and steps are in
runpt/data/progression.toml.

`suggest` decides in this order; the first that applies wins:

1. Pain (rule 1, pain-monitoring model): pain above 5 in any set, or a worse next morning,
   regresses; pain 3-5 holds (heel drops say so in the Alfredson protocol's words, rule 2).
   Pain that was not reported does not block.
2. Target not reached: a set below the target reps or hold seconds, or fewer sets than the
   target on either side, holds (rule None).
3. Effort: an RPE above 7 holds (move on at about RPE 6-7, rule 3; about 70% effort,
   rule 7). No RPE at all blocks only the calf raise ladder, where effort is the gate.
4. Progress: one set more up to the cap, then reps (or seconds) in steps up to the cap,
   then the next harder rung at its starting dose; at the top of the ladder, hold. Heel
   drops move up a rung (add load) only when pain-free: pain 0 or not reported.

Regressing, a choice runpt makes because CONTENT.md only says "reduce the load":
- on a harder rung (level > 0): back one rung, at that rung's starting dose, a version the
  runner has already managed;
- otherwise one step off the reps (or hold seconds), down to a floor (half the default
  reps, or 15 s, unless progression.toml says otherwise); at the floor, the next easier
  rung with that reduced dose. Sets are never cut, so the session keeps its shape;
- at the easiest rung and the floor: hold, and the reason carries the safety text's advice
  to see a clinician.

Warm-up drills and cool-down stretches never progress (rule 8 keeps stretching a short
cool-down), so they get no suggestion; nor does an exercise with no sets logged.
"""

import tomllib
from dataclasses import dataclass, replace
from functools import cache
from math import ceil
from pathlib import Path

PROGRESSION_FILE = Path(__file__).resolve().parent.parent / "data" / "progression.toml"

# CONTENT.md's rules by number, as a reason names them.
RULE_NAMES = {
    1: "pain-monitoring model",
    2: "Alfredson heel drops",
    3: "calf raise ladder",
    4: "bridge ladder",
    5: "side-plank ladder",
    6: "hip strengthening dose",
    7: "isometric holds",
}
MORNINGS = ("better", "same", "worse", None)
SAFE_PAIN = 2  # 0-2 is safe,
ACCEPTABLE_PAIN = 5  # 3-5 acceptable, above 5 too much (rule 1).
MOVE_ON_RPE = 7  # move on when the sets feel about RPE 6-7 (rules 3 and 7).
SEE_A_CLINICIAN = "see a clinician for pain that lasts, swelling, numbness, or pain at night"


@dataclass(frozen=True)
class Target:
    """What the routine asks for now."""

    sets: int
    reps: int | None
    hold_s: int | None
    level: int = 0  # ladder rung: 0 the exercise itself, +n harder[n-1], -n easier[n-1]


@dataclass(frozen=True)
class LoggedSet:
    """One set.logged event of the exercise in the last session."""

    set_no: int
    side: str | None
    reps: int | None
    hold_s: int | None
    load_kg: float | None
    rpe: int | None
    pain: int | None


@dataclass(frozen=True)
class Suggestion:
    """What to do next session, and why in one line."""

    action: str  # "progress" | "hold" | "regress"
    reason: str  # one line in the runner's words, naming the evidence and the rule
    rule: int | None  # the CONTENT.md rule applied; None for "not every set reached it"
    target: Target  # the next target; the current one for "hold"

    @property
    def changes_dose(self) -> bool:
        """Whether the routine step should change; a hold always keeps it."""
        return self.action != "hold"


@dataclass(frozen=True)
class ExerciseFacts:
    """What the engine needs to know about an exercise."""

    slug: str
    name: str
    phase: str
    per_side: bool
    is_hold: bool
    sets: int
    reps: int | None
    hold_s: int | None
    easier: tuple[str, ...]
    harder: tuple[str, ...]

    @classmethod
    def of(cls, exercise) -> "ExerciseFacts":
        """The facts of a library Exercise (or anything with the same attributes)."""
        return cls(
            slug=exercise.slug,
            name=exercise.name,
            phase=exercise.phase,
            per_side=bool(exercise.per_side),
            is_hold=exercise.hold_s is not None,
            sets=exercise.sets,
            reps=exercise.reps,
            hold_s=exercise.hold_s,
            easier=tuple(exercise.easier),
            harder=tuple(exercise.harder),
        )

    @property
    def sides(self) -> tuple[str | None, ...]:
        return ("left", "right") if self.per_side else (None,)


@dataclass(frozen=True)
class Progression:
    """How one strength exercise grows and shrinks, from progression.toml."""

    rule: int  # the rule the dose follows while it grows
    ladder_rule: int  # the rule for moving between rungs
    name: str  # the short name a reason ends with
    max_sets: int
    max_amount: int  # the cap for one set: reps, or hold seconds
    step: int  # reps or seconds one progression adds and one regression takes away
    floor: int  # a regression goes no lower before switching to an easier rung
    rung_starts: tuple[tuple[int, int, int], ...] = ()  # (level, sets, amount)


# --- the data --------------------------------------------------------------------------


@cache
def progression_data() -> dict:
    """runpt/data/progression.toml, read once per process."""
    with PROGRESSION_FILE.open("rb") as file:
        return tomllib.load(file)


@cache
def _entries() -> dict[str, dict]:
    """progression.toml's entries by exercise slug."""
    return {entry["slug"]: entry for entry in progression_data()["progression"]}


def progression_for(exercise: ExerciseFacts) -> Progression:
    """The exercise's entry in progression.toml, or the documented default."""
    default = progression_data()["default"]
    entry = _entries().get(exercise.slug)
    if entry is None:
        rule = default["hold_rule" if exercise.is_hold else "rep_rule"]
        entry = {"rule": rule, "name": default["name"]}
    unit, cap, step, floor = (
        ("hold_s", "max_hold_s", "hold_step_s", "min_hold_s")
        if exercise.is_hold
        else ("reps", "max_reps", "rep_step", "min_reps")
    )
    # Half the default reps is a floor that scales with the exercise (4 of 8, 8 of 16).
    floor_default = default.get(floor) or ceil(exercise.reps / 2)
    return Progression(
        rule=entry["rule"],
        ladder_rule=entry.get("ladder_rule", entry["rule"]),
        name=entry.get("name", RULE_NAMES[entry["rule"]]),
        max_sets=entry.get("max_sets", exercise.sets),
        max_amount=entry.get(cap, default[cap]),
        step=entry.get(step, default[step]),
        floor=entry.get(floor, floor_default),
        rung_starts=tuple((r["level"], r["sets"], r[unit]) for r in entry.get("rung", ())),
    )


# --- the ladder ------------------------------------------------------------------------


def variant_name(exercise: ExerciseFacts, level: int) -> str:
    """The name of a rung: the exercise itself at 0, harder variants above, easier below."""
    if level == 0:
        return exercise.name
    rungs = exercise.harder if level > 0 else exercise.easier
    if abs(level) > len(rungs):
        raise ValueError(f"{exercise.slug} has no ladder rung {level}")
    return rungs[abs(level) - 1]


def ladder(exercise: ExerciseFacts) -> list[tuple[int, str]]:
    """Every rung, easiest first."""
    levels = range(-len(exercise.easier), len(exercise.harder) + 1)
    return [(level, variant_name(exercise, level)) for level in levels]


def rung_start(exercise: ExerciseFacts, plan: Progression, level: int) -> Target:
    """Where a rung starts: its own dose from progression.toml, else the exercise's default."""
    starts = {rung: (sets, amount) for rung, sets, amount in plan.rung_starts}
    sets, amount = starts.get(level, (exercise.sets, _default_amount(exercise)))
    return _with_amount(exercise, Target(sets, None, None, level), amount)


# --- deciding --------------------------------------------------------------------------


def suggest(
    exercise: ExerciseFacts, target: Target, logged: list[LoggedSet], morning: str | None
) -> Suggestion | None:
    """What to ask next session, or None when there is nothing to suggest."""
    if morning not in MORNINGS:
        raise ValueError(f"morning must be one of {MORNINGS}, not {morning!r}")
    variant_name(exercise, target.level)  # a level off the ladder is a caller's bug
    if exercise.phase != "strength" or not logged:
        return None
    plan = progression_for(exercise)
    return (
        _check_pain(exercise, target, logged, morning, plan)
        or _check_target(exercise, target, logged)
        or _check_effort(exercise, target, logged, plan)
        or _progress(exercise, target, logged, plan)
    )


def _check_pain(exercise, target, logged, morning, plan) -> Suggestion | None:
    """Rule 1 first: pain decides before any count or effort does."""
    worst = _highest(logged, "pain")
    if worst and worst.pain > ACCEPTABLE_PAIN:
        return _regress(exercise, target, plan, f"Pain {worst.pain} in {_which(worst)} is too much")
    if morning == "worse":
        return _regress(exercise, target, plan, "Worse the next morning (pain must settle by then)")
    if not worst or worst.pain <= SAFE_PAIN:
        return None
    dose = _dose_text(exercise, target)
    if plan.rule == 2:
        # The Alfredson protocol accepts mild pain, so this hold is its own, not a warning.
        reason = (
            f"Pain {worst.pain} in {_which(worst)} is the mild pain heel drops allow: keep {dose} "
            f"and add load only once it is pain-free ({RULE_NAMES[2]})."
        )
        return _hold(target, 2, reason)
    reason = (
        f"Pain {worst.pain} in {_which(worst)} is acceptable: keep {dose} "
        f"until pain is 0–2 ({RULE_NAMES[1]})."
    )
    return _hold(target, 1, reason)


def _check_target(exercise, target, logged) -> Suggestion | None:
    """Hold until every set on every side reached the target."""
    shortfall = _shortfall(exercise, target, logged)
    if shortfall is None:
        return None
    dose = _dose_text(exercise, target)
    return _hold(target, None, f"{shortfall}: stay at {dose} until every set reaches it.")


def _check_effort(exercise, target, logged, plan) -> Suggestion | None:
    """Hold while the sets feel harder than about RPE 7."""
    hardest = _highest(logged, "rpe")
    if hardest is None:
        if plan.rule != 3:
            return None  # effort not logged: the other rules have enough to go on
        reason = (
            f"{_evidence(exercise, target, logged)} but no RPE logged: "
            f"log it next time, as the sets should feel about RPE 6–7 to move up ({RULE_NAMES[3]})."
        )
        return _hold(target, 3, reason)
    if hardest.rpe <= MOVE_ON_RPE:
        return None
    reason = (
        f"RPE {hardest.rpe} in {_which(hardest)}: stay at {_dose_text(exercise, target)} "
        "until it feels about RPE 6–7, about 70% effort."
    )
    return _hold(target, 7 if exercise.is_hold else 3, reason)


def _progress(exercise, target, logged, plan) -> Suggestion:
    """Everything went to plan: a set, then reps or seconds, then the next rung."""
    evidence = _evidence(exercise, target, logged)
    now = _amount(exercise, target)
    if target.sets < plan.max_sets:
        rule, how, new = plan.rule, "add a set to", replace(target, sets=target.sets + 1)
    elif now < plan.max_amount:
        more = min(now + plan.step, plan.max_amount)  # never past the cap
        how = f"add {_amount_text(exercise, more - now)} to"
        rule, new = plan.rule, _with_amount(exercise, target, more)
    elif target.level >= len(exercise.harder):
        name = _name(plan, plan.ladder_rule)
        reason = (
            f"{evidence}: the top of the ladder, so keep it here; "
            f"consistency over intensity ({name})."
        )
        return _hold(target, plan.ladder_rule, reason)
    elif plan.rule == 2 and not _pain_free(logged):
        dose = _dose_text(exercise, target)
        reason = (
            f"{evidence}: add load only once it is pain-free, so keep {dose} ({RULE_NAMES[2]})."
        )
        return _hold(target, 2, reason)
    else:
        rule, how = plan.ladder_rule, "move up a level to"
        new = rung_start(exercise, plan, target.level + 1)
    reason = f"{evidence}: {how} {_next_text(exercise, target, new)} ({_name(plan, rule)})."
    return Suggestion("progress", reason, rule, new)


def _regress(exercise, target, plan, why) -> Suggestion:
    """One step easier (see the module docstring), or a hold at the very bottom."""
    now = _amount(exercise, target)
    if target.level > 0:
        easier = rung_start(exercise, plan, target.level - 1)
    elif now > plan.floor:
        easier = _with_amount(exercise, target, max(now - plan.step, plan.floor))
    elif -target.level < len(exercise.easier):
        easier = replace(target, level=target.level - 1)
    else:
        reason = (
            f"{why}, even at the easiest version: stop on sharp pain, "
            f"and {SEE_A_CLINICIAN} ({RULE_NAMES[1]})."
        )
        return _hold(target, 1, reason)
    how = "step down a level to" if easier.level != target.level else "reduce the load to"
    reason = f"{why}: {how} {_next_text(exercise, target, easier)} ({RULE_NAMES[1]})."
    return Suggestion("regress", reason, 1, easier)


# --- small pieces ----------------------------------------------------------------------


def _hold(target: Target, rule: int | None, reason: str) -> Suggestion:
    """Keep the target as it is."""
    return Suggestion("hold", reason, rule, target)


def _name(plan: Progression, rule: int) -> str:
    """The short name a reason ends with: the entry's own for its dose rule."""
    return plan.name if rule == plan.rule else RULE_NAMES[rule]


def _highest(logged: list[LoggedSet], field: str) -> LoggedSet | None:
    """The first set with the highest reported pain or RPE; None when none was reported."""
    reported = [s for s in logged if getattr(s, field) is not None]
    return max(reported, key=lambda s: getattr(s, field), default=None)


def _pain_free(logged: list[LoggedSet]) -> bool:
    """Pain 0 in every set that reported any (rule 2 adds load only then)."""
    return all(not s.pain for s in logged)


def _default_amount(exercise: ExerciseFacts) -> int:
    return exercise.hold_s if exercise.is_hold else exercise.reps


def _amount(exercise: ExerciseFacts, target: Target) -> int:
    return target.hold_s if exercise.is_hold else target.reps


def _with_amount(exercise: ExerciseFacts, target: Target, amount: int) -> Target:
    if exercise.is_hold:
        return replace(target, reps=None, hold_s=amount)
    return replace(target, reps=amount, hold_s=None)


def _done(exercise: ExerciseFacts, logged_set: LoggedSet) -> int:
    """Reps or seconds of one logged set; a missing count is not a reached target."""
    return (logged_set.hold_s if exercise.is_hold else logged_set.reps) or 0


def _shortfall(exercise, target, logged) -> str | None:
    """What fell short of the target, e.g. "Right side 8 of 10 reps in set 3"; None if nothing."""
    for side in exercise.sides:
        on_side = [s for s in logged if s.side == side] if side else logged
        if len(on_side) < target.sets:
            return f"{_side_text(side)}{len(on_side)} of {target.sets} sets"
    wanted = _amount(exercise, target)
    short = [s for s in logged if _done(exercise, s) < wanted]
    if not short:
        return None
    worst = min(short, key=lambda s: _done(exercise, s))
    side = worst.side if exercise.per_side else None
    done = f"{_done(exercise, worst)} of {_amount_text(exercise, wanted)}"
    return f"{_side_text(side)}{done} in set {worst.set_no}"


def _amount_text(exercise: ExerciseFacts, amount: int) -> str:
    """'5 s', '1 rep', '10 reps'."""
    if exercise.is_hold:
        return f"{amount} s"
    return f"{amount} rep" if amount == 1 else f"{amount} reps"


def _side_text(side: str | None) -> str:
    return f"{side.capitalize()} side " if side else ""


def _which(logged_set: LoggedSet) -> str:
    """'set 2', or 'set 2 (left)' for one-sided work."""
    side = f" ({logged_set.side})" if logged_set.side else ""
    return f"set {logged_set.set_no}{side}"


def _dose_text(exercise: ExerciseFacts, target: Target) -> str:
    amount = f"{target.hold_s} s" if exercise.is_hold else f"{target.reps}"
    return f"{target.sets} × {amount}"


def _next_text(exercise: ExerciseFacts, now: Target, new: Target) -> str:
    """The new dose, with the variant's name when the rung changes."""
    if new.level == now.level:
        return _dose_text(exercise, new)
    return f"{variant_name(exercise, new.level)}, {_dose_text(exercise, new)}"


def _evidence(exercise: ExerciseFacts, target: Target, logged: list[LoggedSet]) -> str:
    """What the runner did, e.g. "All 3 × 12 at RPE 6 with pain 1"."""
    text = f"All {_dose_text(exercise, target)}" + (" per side" if exercise.per_side else "")
    hardest, worst = _highest(logged, "rpe"), _highest(logged, "pain")
    if hardest:
        text += f" at RPE {hardest.rpe}"
    if worst:
        text += f" with pain {worst.pain}"
    return text if hardest or worst else text + " done"
