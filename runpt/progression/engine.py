"""The progression engine: from the sets a runner logged last session, what to ask next time.

Pure functions over small frozen dataclasses, no Flask and no database. The app builds an
`ExerciseFacts` from the library's exercise, a `Target` from the routine step, a list of
`LoggedSet` from that exercise's set.logged events in its latest session, and a
`Situation` (the routine's problem, a pain stop, a flare elsewhere, last time's pain, how
long the runner has been at this dose and level), and shows the `Suggestion`. Rules and
sources are docs/content-rules.md, rules 1-7, 11 and 12; each exercise's caps, steps, rung doses,
ease-off lever and the body areas it loads are in runpt/data/progression.toml.
docs/progression.md has the decision table; `suggest` decides in this order, and the
first that applies wins:

1. Too much (rule 1): the player stopped the exercise (pain above 5 or sharp pain), a set
   had pain above 5, or the next morning was worse and the exercise loads the sore area
   (the routine's problem; every exercise when the routine has none): ease off by the
   exercise's lever.
2. A sore area (rule 1): a worse morning in an area this exercise doesn't load, or pain
   above 5 / a stop in another exercise, since this one was last done, in an area this
   one loads or the area of its routine's problem: hold.
3. Pain 3-5 (rule 1; heel drops in the Alfredson protocol's words, rule 2): hold, unless
   the next morning was better or the same and pain is no higher than the session before.
4. Holds that fell set after set, the last more than one step short (45, 40, 35, 30 s):
   ease off by the lever (rule 7: an isometric is 45 s at a steady effort), not "keep
   4 × 45 s". Otherwise a target not reached (a set below the target reps or hold
   seconds, or fewer sets than the target on either side) holds (rule None).
5. Effort: an RPE above 7 holds (move on at about RPE 6-7, rule 3; about 70% effort,
   rule 7). A fixed-RM rung (heavy slow resistance, the high-load heel raise) is meant to
   end hard, so there only RPE 10 holds: the last reps should be hard but clean, form
   kept (about RPE 8-9). No RPE at all blocks only the calf raise ladder, where effort is
   the gate.
6. Before any progress: no pain logged holds a pain-gated exercise or any exercise of a
   problem routine ("log pain next time"); a problem routine holds until the next
   morning is answered better or same; at least 2 sessions at a dose before it grows, and
   2 sessions over 7 days at a level before the next (runpt convention), or over as many
   days as the trial spent at that rung where progression.toml gives them
   (`days_at_rung`: Beyer 2015's 1, 2, 2 and 3 weeks, Rathleff 2015's 2 and 2).
7. Progress: one set more up to the cap, then reps (or seconds) in steps up to the cap,
   then the next harder rung at its starting dose; at the top of the ladder, hold. Where
   each rung is a fixed dose (an RM: heavy slow resistance, the high-load heel raise) the
   rung's own dose is the cap. Heel drops move up a rung (add load) only with pain 0
   logged in every set.

Easing off (rule 1 says "reduce the load"; what reduces it is each exercise's lever):
- on a harder rung (level > 0): back one rung, at that rung's starting dose, a version the
  runner has already managed (this drops the added load or difficulty);
- lever "step height", "range", "load" or "variant" (what hurts is the depth, the step,
  the weight): the next easier rung at the same dose, and only at the easiest rung fewer
  reps or seconds, down to the floor;
- lever "reps": one step off the reps (or hold seconds) down to the floor (half the
  default reps, or the hold floor), then the next easier rung with that reduced dose.
Sets are never cut, so the session keeps its shape. At the easiest rung and the floor:
hold, with "leave it out until a clinician has seen it" and the safety text's advice.

Warm-up drills and cool-down stretches never progress (rule 8 keeps stretching a short
cool-down), so they get no suggestion; nor does an exercise with no sets logged and no stop.
"""

from dataclasses import dataclass, replace
from functools import cache, lru_cache
from math import ceil

from runpt import pain as pain_rule
from runpt.library.ladder import (
    ExerciseFacts,
    per_side_at,
    progression_data,
    sides_at,
    variant_name,
)
from runpt.log.reads import LoggedSet

# The content rules by number (docs/content-rules.md), as a reason names them.
RULE_NAMES = {
    1: "pain-monitoring model",
    2: "Alfredson heel drops",
    3: "calf raise ladder",
    4: "bridge ladder",
    5: "side-plank ladder",
    6: "hip strengthening dose",
    7: "isometric holds",
    11: "heavy slow resistance",
    12: "high-load heel raise",
}
MORNINGS = ("better", "same", "worse", None)
SETTLED_MORNINGS = ("better", "same")  # pain settled by the next morning (rule 1)
# The zones (rule 1) are runpt/pain.py's: SAFE_MAX and ACCEPTABLE_MAX.
MOVE_ON_RPE = 7  # move on when the sets feel about RPE 6-7 (rules 3 and 7).
# A set at its repetition maximum (an RM) ends near the limit by definition: the last reps
# hard but clean, form kept, is about RPE 8-9. RPE 10 (nothing left, or form going) holds.
RM_MOVE_ON_RPE = 9
SEE_A_CLINICIAN = "see a clinician for pain that lasts, swelling, numbness, or pain at night"
CONVENTION = "runpt convention"
# How long at a dose and at a level before the next step up. The cited trials stepped
# weekly (rule 6) or every 1-3 weeks (rules 11 and 12); at 2-3 sessions a week, 2
# sessions at a dose and 2 sessions over 7 days at a level is runpt's convention. An entry
# of progression.toml with `days_at_rung` waits its trial's days at each rung instead
# (still at least 2 sessions): the trials counted weeks, not sessions.
SESSIONS_AT_DOSE = 2
SESSIONS_AT_RUNG = 2
DAYS_AT_RUNG = 7
# The body areas exercises load (progression.toml's [pain] tables), and the area each
# running problem is felt in.
AREAS = ("knee", "shin", "achilles", "foot", "hip", "back")
PROBLEM_AREAS = {
    "knee-pain": "knee",
    "shin-splints": "shin",
    "achilles": "achilles",
    "plantar-fasciitis": "foot",
    "hip-strain": "hip",
    "lower-back": "back",
}
# What each ease-off lever changes, as a reason says it. "reps" eases reps (or seconds);
# the others step to the next easier rung first, keeping the dose.
LEVERS = {
    "step height": "a lower step",
    "range": "a smaller range",
    "load": "less load",
    "variant": "the easier version",
    "reps": "fewer reps",
}


@dataclass(frozen=True)
class Target:
    """What the routine asks for now."""

    sets: int
    reps: int | None
    hold_s: int | None
    level: int = 0  # ladder rung: 0 the exercise itself, +n harder[n-1], -n easier[n-1]


@dataclass(frozen=True)
class Suggestion:
    """What to do next session, and why in one line."""

    action: str  # "progress" | "hold" | "regress"
    reason: str  # one line in the runner's words, naming the evidence and the rule
    rule: int | None  # the content rule applied; None for "not every set reached it"
    target: Target  # the next target; the current one for "hold"

    @property
    def changes_dose(self) -> bool:
        """Whether the routine step should change; a hold always keeps it."""
        return self.action != "hold"


@dataclass(frozen=True)
class Stop:
    """The player stopped this exercise in the session judged (an exercise.stopped
    event): a set's pain was above 5, or its note said sharp pain."""

    set_no: int
    side: str | None
    reason: str  # "pain" | "sharp-pain"
    pain: int | None
    choice: str | None = None  # "easier" | "skip" from older players; None: logged at the stop


@dataclass(frozen=True)
class Flare:
    """Since this exercise was last done: pain above 5 or a pain stop in another exercise,
    or a worse next morning, in an area this exercise loads too."""

    what: str  # e.g. "Pain 7 in Step-down", "A worse next morning"
    area: str  # one of AREAS


@dataclass(frozen=True)
class Dwell:
    """How long the runner has been at the target."""

    sessions_at_dose: int  # sessions that logged this exercise since its dose last changed
    sessions_at_rung: int  # sessions in a row at the target's level, the latest included
    days_at_rung: int  # days from the first of those to now


@dataclass(frozen=True)
class Situation:
    """What decides a suggestion besides the exercise's own sets. The defaults say
    "nothing known", which holds nothing back; the app always fills them in."""

    problem: str = ""  # the running problem the routine trains ("" for none)
    stop: Stop | None = None
    flare: Flare | None = None
    previous_pain: int | None = None  # highest pain in this exercise the session before
    dwell: Dwell | None = None


@dataclass(frozen=True)
class Rung:
    """Where a rung of the ladder starts, and whether it is done one side at a time."""

    sets: int
    amount: int  # reps, or hold seconds
    per_side: bool


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
    rungs: tuple[tuple[int, Rung], ...] = ()  # (level, rung) where it differs from the default
    fixed_rungs: bool = False  # each rung is a fixed dose (an RM): its start is its cap
    lever: str = "reps"  # what easing off changes first (LEVERS)
    loads: tuple[str, ...] = ()  # the body areas it loads (AREAS)
    gated: bool = False  # moves on only with pain logged (missing pain holds)
    days_at_rung: tuple[int, ...] = ()  # the trial's days at level 0, 1, ... (else 7)


# --- the data --------------------------------------------------------------------------


@cache
def _entries() -> dict[str, dict]:
    """progression.toml's entries by exercise slug."""
    return {entry["slug"]: entry for entry in progression_data()["progression"]}


def pain_entry(slug: str) -> dict:
    """How pain steers a strength exercise: progression.toml's [pain.<slug>] table
    (the areas it loads, its ease-off lever, whether it is pain-gated)."""
    return progression_data().get("pain", {}).get(slug, {})


@lru_cache(maxsize=512)
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
    pain = pain_entry(exercise.slug)
    rungs = tuple(
        (
            r["level"],
            Rung(
                r.get("sets", exercise.sets),
                r.get(unit, _default_amount(exercise)),
                r.get("per_side", exercise.per_side),
            ),
        )
        for r in entry.get("rung", ())
    )
    return Progression(
        rule=entry["rule"],
        ladder_rule=entry.get("ladder_rule", entry["rule"]),
        name=entry.get("name", RULE_NAMES[entry["rule"]]),
        max_sets=entry.get("max_sets", exercise.sets),
        max_amount=entry.get(cap, default[cap]),
        step=entry.get(step, default[step]),
        floor=entry.get(floor, floor_default),
        rungs=rungs,
        fixed_rungs=not entry.get("grow", True),
        lever=pain.get("ease_off", "reps"),
        loads=tuple(pain.get("loads", ())),
        gated=pain.get("gated", False),
        days_at_rung=tuple(entry.get("days_at_rung", ())),
    )


def rung_start(exercise: ExerciseFacts, progression: Progression, level: int) -> Target:
    """Where a rung starts: its own dose from progression.toml, else the exercise's default."""
    rungs = dict(progression.rungs)
    sets, amount = (
        (rungs[level].sets, rungs[level].amount)
        if level in rungs
        else (exercise.sets, _default_amount(exercise))
    )
    return _with_amount(exercise, Target(sets, None, None, level), amount)


def caps_at(exercise: ExerciseFacts, progression: Progression, level: int) -> tuple[int, int]:
    """(sets, reps or seconds) a rung grows to: the entry's caps, or for a ladder of fixed
    doses (an RM per rung) the rung's own dose."""
    if progression.fixed_rungs:
        start = rung_start(exercise, progression, level)
        return start.sets, _amount(exercise, start)
    return progression.max_sets, progression.max_amount


def areas_loaded(slug: str) -> tuple[str, ...]:
    """The body areas an exercise loads (progression.toml [pain]); none known for
    exercises that aren't strength work."""
    return tuple(pain_entry(slug).get("loads", ()))


def days_needed(progression: Progression, level: int) -> int:
    """Days at a rung before the next: the trial's for that rung where the entry gives
    them (levels 0 and up), else runpt's 7."""
    if 0 <= level < len(progression.days_at_rung):
        return progression.days_at_rung[level]
    return DAYS_AT_RUNG


def areas_hurt(slug: str, problem: str) -> tuple[str, ...]:
    """Where pain above 5 (or a pain stop) in an exercise was felt, as far as runpt can
    tell: the routine's problem area when the exercise loads it (the pain belongs to the
    problem being trained, as on the pain page), else every area the exercise loads."""
    loads = areas_loaded(slug)
    area = PROBLEM_AREAS.get(problem)
    return (area,) if area in loads else loads


def flare_for(exercise: ExerciseFacts, flares, problem: str = "") -> Flare | None:
    """The first of `flares` that holds this exercise: one in an area it loads, or in the
    area of the problem its routine trains (every exercise of a knee routine is there for
    the knee, so none moves on while the knee flares). None when no flare does."""
    areas = set(progression_for(exercise).loads)
    if problem in PROBLEM_AREAS:
        areas.add(PROBLEM_AREAS[problem])
    return next((flare for flare in flares if flare.area in areas), None)


def loads_area(exercise: ExerciseFacts, problem: str) -> bool:
    """Whether the exercise loads the area of the routine's running problem; with no
    problem, every exercise is taken to (nothing says which area is sore)."""
    if not problem or problem not in PROBLEM_AREAS:
        return True
    return PROBLEM_AREAS[problem] in progression_for(exercise).loads


# --- deciding --------------------------------------------------------------------------


def suggest(
    exercise: ExerciseFacts,
    target: Target,
    logged: list[LoggedSet],
    morning: str | None,
    situation: Situation = Situation(),
) -> Suggestion | None:
    """What to ask next session, or None when there is nothing to suggest."""
    if morning not in MORNINGS:
        raise ValueError(f"morning must be one of {MORNINGS}, not {morning!r}")
    variant_name(exercise, target.level)  # a level off the ladder is a caller's bug
    if exercise.phase != "strength" or not (logged or situation.stop):
        return None
    progression = progression_for(exercise)
    return (
        _too_much(exercise, target, logged, morning, situation, progression)
        or _sore_area(exercise, target, morning, situation)
        or _acceptable_pain(exercise, target, logged, morning, situation, progression)
        or _fading_hold(exercise, target, logged, progression)
        or _check_target(exercise, target, logged, progression)
        or _check_effort(exercise, target, logged, progression)
        or _progress(exercise, target, logged, morning, situation, progression)
    )


def _too_much(exercise, target, logged, morning, situation, progression) -> Suggestion | None:
    """Rule 1 first: pain decides before any count or effort does."""
    stop, worst = situation.stop, _highest(logged, "pain")
    if stop is not None:
        why = "sharp pain" if stop.reason == "sharp-pain" else f"pain {stop.pain}"
        where = _which(LoggedSet(stop.set_no, stop.side, None, None, None, None, None))
        return _regress(exercise, target, progression, f"Stopped at {where} for {why}")
    if worst and worst.pain > pain_rule.ACCEPTABLE_MAX:
        return _regress(
            exercise, target, progression, f"Pain {worst.pain} in {_which(worst)} is too much"
        )
    if morning == "worse" and loads_area(exercise, situation.problem):
        return _regress(
            exercise, target, progression, "Worse the next morning (pain must settle by then)"
        )
    return None


def _sore_area(exercise, target, morning, situation) -> Suggestion | None:
    """No progress for anything that loads a sore area: a worse morning, or pain too
    much in another exercise since this one was last done (rule 1)."""
    dose = _dose_text(exercise, target)
    if morning == "worse":
        area = PROBLEM_AREAS[situation.problem]
        reason = (
            f"Worse the next morning; this doesn't load the {area}, so keep {dose} "
            f"while it settles ({RULE_NAMES[1]})."
        )
        return _hold(target, 1, reason)
    if situation.flare is not None:
        flare = situation.flare
        reason = (
            f"{flare.what} since you last did this, at the {flare.area}: keep {dose} "
            f"until it settles ({RULE_NAMES[1]})."
        )
        return _hold(target, 1, reason)
    return None


def _acceptable_pain(
    exercise, target, logged, morning, situation, progression
) -> Suggestion | None:
    """Pain 3-5 holds unless it settled by the next morning and isn't rising (the
    pain-monitoring model accepts up to 5 when it settles; rule 1)."""
    worst = _highest(logged, "pain")
    if not worst or worst.pain <= pain_rule.SAFE_MAX:
        return None
    previous = situation.previous_pain
    if morning in SETTLED_MORNINGS and previous is not None and worst.pain <= previous:
        return None  # steady or falling, and settled: the other rules decide
    dose = _dose_text(exercise, target)
    if progression.rule == 2:
        # The Alfredson protocol accepts mild pain, so this hold is its own, not a warning.
        reason = (
            f"Pain {worst.pain} in {_which(worst)} is the mild pain heel drops allow: keep {dose} "
            f"and add load only once it is pain-free ({RULE_NAMES[2]})."
        )
        return _hold(target, 2, reason)
    reason = (
        f"Pain {worst.pain} in {_which(worst)} is acceptable: keep {dose} "
        f"until pain is 0–2, or steady and settled by the next morning ({RULE_NAMES[1]})."
    )
    return _hold(target, 1, reason)


def _fading_hold(exercise, target, logged, progression) -> Suggestion | None:
    """Holds that fell set after set (45, 40, 35, 30 s) were too hard: an isometric is
    45 s or more at a steady effort (rule 7), so asking for the same again won't do; ease
    off by the lever (the higher wall sit, keeping 45 s). One set a step short is only
    short, and holds as a missed target."""
    if not exercise.is_hold:
        return None
    for side in sides_at(exercise, target.level):
        held = [
            _done(exercise, s)
            for s in sorted(logged, key=lambda s: s.set_no)
            if side is None or s.side == side
        ]
        falling = all(later <= earlier for earlier, later in zip(held, held[1:], strict=False))
        if len(held) >= 2 and falling and target.hold_s - held[-1] > progression.step:
            why = f"{_side_text(side)}holds fell from {held[0]} to {held[-1]} s across the sets"
            return _regress(exercise, target, progression, why[0].upper() + why[1:], rule=7)
    return None


def _check_target(exercise, target, logged, progression) -> Suggestion | None:
    """Hold until every set on every side reached the target. On a fixed-RM rung the
    load is chosen for the reps (an RM is the weight you can lift that many times), so
    falling short means a lighter weight, not fewer reps."""
    shortfall = _shortfall(exercise, target, logged)
    if shortfall is None:
        return None
    dose = _dose_text(exercise, target)
    if progression.fixed_rungs and not exercise.is_hold:
        reason = (
            f"{shortfall}: stay at {dose} with a weight you can lift {target.reps} times "
            f"with good form, a little lighter if needed ({progression.name})."
        )
        return _hold(target, None, reason)
    return _hold(target, None, f"{shortfall}: stay at {dose} until every set reaches it.")


def _check_effort(exercise, target, logged, progression) -> Suggestion | None:
    """Hold while the sets feel harder than about RPE 7; on a fixed-RM rung, only a set
    at RPE 10 (form going) holds."""
    hardest = _highest(logged, "rpe")
    if progression.fixed_rungs:
        return _check_rm_effort(exercise, target, hardest, progression)
    if hardest is None:
        if progression.rule != 3:
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


def _check_rm_effort(exercise, target, hardest, progression) -> Suggestion | None:
    """An RM set is heavy by design: RPE 8-9 is the set done right, so it moves on.
    RPE 10 says the weight was past the RM (nothing left, form going): keep it until the
    last reps are hard but clean. No RPE logged: the reps and pain decide."""
    if hardest is None or hardest.rpe <= RM_MOVE_ON_RPE:
        return None
    reason = (
        f"RPE {hardest.rpe} in {_which(hardest)}: keep this weight at "
        f"{_dose_text(exercise, target)} until the last reps are hard but clean, form kept "
        f"(about RPE 8–9), then move on ({progression.name})."
    )
    return _hold(target, progression.rule, reason)


def _progress(exercise, target, logged, morning, situation, progression) -> Suggestion:
    """Everything went to plan: a set, then reps or seconds, then the next rung; but not
    before pain and the next morning say so, nor before the dose has had its time."""
    evidence = _evidence(exercise, target, logged)
    problem_routine = situation.problem in PROBLEM_AREAS
    if all(s.pain is None for s in logged) and (progression.gated or problem_routine):
        reason = (
            f"{evidence} but no pain logged: log pain during the sets next time, as this "
            f"moves on only when pain says it may ({RULE_NAMES[1]})."
        )
        return _hold(target, 1, reason)
    if problem_routine and morning not in SETTLED_MORNINGS:
        reason = (
            f"{evidence}: answer the next-morning question first, as this moves on only "
            f"once pain has settled by the next morning ({RULE_NAMES[1]})."
        )
        return _hold(target, 1, reason)
    now = _amount(exercise, target)
    max_sets, max_amount = caps_at(exercise, progression, target.level)
    if target.sets < max_sets:
        rule, how, new = progression.rule, "add a set to", replace(target, sets=target.sets + 1)
    elif now < max_amount:
        more = min(now + progression.step, max_amount)  # never past the cap
        how = f"add {_amount_text(exercise, more - now)} to"
        rule, new = progression.rule, _with_amount(exercise, target, more)
    elif target.level >= len(exercise.harder):
        name = _name(progression, progression.ladder_rule)
        reason = (
            f"{evidence}: the top of the ladder, so keep it here; "
            f"consistency over intensity ({name})."
        )
        return _hold(target, progression.ladder_rule, reason)
    elif progression.rule == 2 and not _pain_free(logged):
        dose = _dose_text(exercise, target)
        reason = (
            f"{evidence}: add load only once it is pain-free, so keep {dose} ({RULE_NAMES[2]})."
        )
        return _hold(target, 2, reason)
    else:
        rule, how = progression.ladder_rule, "move up a level to"
        new = rung_start(exercise, progression, target.level + 1)
    waiting = _too_soon(exercise, target, new, situation.dwell, evidence, progression)
    if waiting is not None:
        return waiting
    reason = f"{evidence}: {how} {_next_text(exercise, target, new)} ({_name(progression, rule)})."
    return Suggestion("progress", reason, rule, new)


def _too_soon(exercise, target, new, dwell, evidence, progression) -> Suggestion | None:
    """Hold a step up that comes too soon: 2 sessions at a dose before it grows, 2
    sessions over 7 days at a level before the next (runpt convention), or over the days
    its trial spent at that rung."""
    if dwell is None:
        return None
    dose = _dose_text(exercise, target)
    if new.level != target.level:
        days = days_needed(progression, target.level)
        if dwell.sessions_at_rung >= SESSIONS_AT_RUNG and dwell.days_at_rung >= days:
            return None
        # Whose pace it is: the trial's weeks at this load, or runpt's convention.
        whose = CONVENTION
        if 0 <= target.level < len(progression.days_at_rung):
            weeks = f"{days // 7} {'week' if days // 7 == 1 else 'weeks'}"
            whose = f"{progression.name}: {weeks} at this load, as in the trial"
        reason = (
            f"{evidence}: stay at this level until it has had {SESSIONS_AT_RUNG} sessions over "
            f"{days} days ({dwell.sessions_at_rung} so far, over {dwell.days_at_rung} "
            f"{'day' if dwell.days_at_rung == 1 else 'days'}), then move up ({whose})."
        )
        return _hold(target, None, reason)
    if dwell.sessions_at_dose >= SESSIONS_AT_DOSE:
        return None
    reason = (
        f"{evidence}: keep {dose} for one more session before it grows "
        f"({CONVENTION}: {SESSIONS_AT_DOSE} sessions at a dose)."
    )
    return _hold(target, None, reason)


def _regress(exercise, target, progression, why, rule: int = 1) -> Suggestion:
    """One step easier by the exercise's lever (see the module docstring), or a hold at
    the very bottom. `rule` is the one that asks for it: pain (1), or holds that fell
    (7)."""
    now = _amount(exercise, target)
    more_easier = -target.level < len(exercise.easier)
    rung_first = progression.lever != "reps"
    if target.level > 0:
        easier, how = rung_start(exercise, progression, target.level - 1), "step down a level to"
    elif rung_first and more_easier:
        easier, how = (
            replace(target, level=target.level - 1),
            f"ease off with {LEVERS[progression.lever]}:",
        )
    elif now > progression.floor:
        easier = _with_amount(exercise, target, max(now - progression.step, progression.floor))
        how = "reduce the load to"
    elif more_easier:
        easier, how = replace(target, level=target.level - 1), "step down a level to"
    else:
        reason = (
            f"{why}, even at the easiest version: leave it out until a clinician has seen it; "
            f"stop on sharp pain, and {SEE_A_CLINICIAN} ({RULE_NAMES[1]})."
        )
        return _hold(target, 1, reason)
    reason = f"{why}: {how} {_next_text(exercise, target, easier)} ({RULE_NAMES[rule]})."
    return Suggestion("regress", reason, rule, easier)


# --- small pieces ----------------------------------------------------------------------


def _hold(target: Target, rule: int | None, reason: str) -> Suggestion:
    """Keep the target as it is."""
    return Suggestion("hold", reason, rule, target)


def _name(progression: Progression, rule: int) -> str:
    """The short name a reason ends with: the entry's own for its dose rule."""
    return progression.name if rule == progression.rule else RULE_NAMES[rule]


def _highest(logged: list[LoggedSet], field: str) -> LoggedSet | None:
    """The first set with the highest reported pain or RPE; None when none was reported."""
    reported = [s for s in logged if getattr(s, field) is not None]
    return max(reported, key=lambda s: getattr(s, field), default=None)


def _pain_free(logged: list[LoggedSet]) -> bool:
    """Pain 0 logged in every set (rule 2 adds load only then; a set with no pain logged
    is not known to be pain-free)."""
    return all(s.pain == 0 for s in logged)


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
    for side in sides_at(exercise, target.level):
        on_side = [s for s in logged if s.side == side] if side else logged
        if len(on_side) < target.sets:
            return f"{_side_text(side)}{len(on_side)} of {target.sets} sets"
    wanted = _amount(exercise, target)
    short = [s for s in logged if _done(exercise, s) < wanted]
    if not short:
        return None
    worst = min(short, key=lambda s: _done(exercise, s))
    side = worst.side if per_side_at(exercise, target.level) else None
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
    per_side = per_side_at(exercise, target.level)
    text = f"All {_dose_text(exercise, target)}" + (" per side" if per_side else "")
    hardest, worst = _highest(logged, "rpe"), _highest(logged, "pain")
    if hardest:
        text += f" at RPE {hardest.rpe}"
    if worst:
        text += f" with pain {worst.pain}"
    return text if hardest or worst else text + " done"
