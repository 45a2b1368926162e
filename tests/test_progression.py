"""The progression engine: every rule of CONTENT.md 1-7 and every boundary, as tables.

Each row of CASES is one session: what the routine asked (`now`), what the runner logged
and how the next morning felt, and what the engine must suggest next. No app, no database.
"""

import tomllib
from dataclasses import replace
from functools import cache
from types import SimpleNamespace

import pytest

from runpt.progression.engine import (
    PROGRESSION_FILE,
    RULE_NAMES,
    SEE_A_CLINICIAN,
    ExerciseFacts,
    LoggedSet,
    Target,
    ladder,
    progression_data,
    progression_for,
    suggest,
    variant_name,
)

EXERCISES_FILE = PROGRESSION_FILE.parent / "exercises.toml"


@cache
def exercise_entries() -> dict[str, dict]:
    with EXERCISES_FILE.open("rb") as file:
        return {e["slug"]: e for e in tomllib.load(file)["exercise"]}


@cache
def facts(slug: str) -> ExerciseFacts:
    """ExerciseFacts as the app builds them, straight from exercises.toml."""
    entry = exercise_entries()[slug]
    dose = entry["dose"]
    return ExerciseFacts(
        slug=slug,
        name=entry["name"],
        phase=entry["phase"],
        per_side=dose["per_side"],
        is_hold="hold_s" in dose,
        sets=dose["sets"],
        reps=dose.get("reps"),
        hold_s=dose.get("hold_s"),
        easier=tuple(entry["easier"]),
        harder=tuple(entry["harder"]),
    )


STRENGTH = sorted(s for s, e in exercise_entries().items() if e["phase"] == "strength")
NOT_STRENGTH = sorted(s for s, e in exercise_entries().items() if e["phase"] != "strength")


def reps(sets: int, n: int, level: int = 0) -> Target:
    return Target(sets=sets, reps=n, hold_s=None, level=level)


def hold(sets: int, seconds: int, level: int = 0) -> Target:
    return Target(sets=sets, reps=None, hold_s=seconds, level=level)


def did(slug, target, *, rpe=6, pain=1, changes=None, missing=()) -> list[LoggedSet]:
    """Every set of `target` done exactly as asked, on every side, at one RPE and pain;
    `changes` maps (set_no, side) to fields that differ, `missing` lists sets not logged."""
    logged = []
    for set_no in range(1, target.sets + 1):
        for side in facts(slug).sides:
            if (set_no, side) in missing:
                continue
            one = LoggedSet(set_no, side, target.reps, target.hold_s, None, rpe, pain)
            logged.append(replace(one, **(changes or {}).get((set_no, side), {})))
    return logged


def case(name, slug, now, action, rule, to=None, *words, morning=None, **session):
    """One row: `to` is the suggested target (None: unchanged), `words` must be in the reason."""
    logged = did(slug, now, **session)
    return pytest.param(slug, now, logged, morning, action, rule, to or now, words, id=name)


L, R = "left", "right"
CLINICIAN = "see a clinician"

CASES = [
    # --- rule 1: pain during the set (0-2 safe, 3-5 acceptable, above 5 too much) ----------
    case("pain 2 is safe: progress", "glute-bridge", reps(3, 10), "progress", 6, reps(3, 12),
         "All 3 × 10 at RPE 6 with pain 2: add 2 reps to 3 × 12 (hip strengthening dose).",
         pain=2),
    case("pain 3 in one set holds", "glute-bridge", reps(3, 10), "hold", 1, None,
         "Pain 3 in set 2 is acceptable", "keep 3 × 10 until pain is 0–2", "pain-monitoring",
         changes={(2, None): {"pain": 3}}),
    case("pain 5 holds", "glute-bridge", reps(3, 10), "hold", 1, None, "Pain 5 in set 1",
         pain=5),
    case("pain 6 in one set regresses", "glute-bridge", reps(3, 10), "regress", 1, reps(3, 8),
         "Pain 6 in set 3 is too much: reduce the load to 3 × 8 (pain-monitoring model).",
         changes={(3, None): {"pain": 6}}),
    case("pain not reported does not block", "glute-bridge", reps(3, 10), "progress", 6,
         reps(3, 12), "All 3 × 10 at RPE 6: add 2 reps", pain=None),
    case("neither pain nor RPE reported", "glute-bridge", reps(3, 10), "progress", 6,
         reps(3, 12), "All 3 × 10 done: add 2 reps", pain=None, rpe=None),
    case("pain 7 wins over a missed target and high RPE", "glute-bridge", reps(3, 10),
         "regress", 1, reps(3, 8), "Pain 7 in set 1",
         rpe=9, changes={(1, None): {"pain": 7}, (2, None): {"reps": 6}}),
    case("pain 4 wins over a missed target", "glute-bridge", reps(3, 10), "hold", 1, None,
         "Pain 4", pain=4, changes={(2, None): {"reps": 6}}),
    case("one side pain 6 regresses both", "clamshell", reps(2, 10), "regress", 1, reps(2, 8),
         "Pain 6 in set 1 (left) is too much", changes={(1, L): {"pain": 6}}),
    # --- rule 1: the next morning -------------------------------------------------------
    case("morning worse regresses", "glute-bridge", reps(3, 10), "regress", 1, reps(3, 8),
         "Worse the next morning (pain must settle by then): reduce the load to 3 × 8",
         morning="worse", pain=0),
    case("morning worse wins over pain 3-5", "glute-bridge", reps(3, 10), "regress", 1,
         reps(3, 8), "Worse the next morning", morning="worse", pain=4),
    case("morning same: progress", "glute-bridge", reps(3, 10), "progress", 6, reps(3, 12),
         morning="same"),
    case("morning better: progress", "glute-bridge", reps(3, 10), "progress", 6, reps(3, 12),
         morning="better"),
    case("morning not answered yet: progress", "glute-bridge", reps(3, 10), "progress", 6,
         reps(3, 12), morning=None),
    case("morning worse at the easiest version", "glute-bridge", reps(3, 5, -1), "hold", 1,
         None, "Worse the next morning", "even at the easiest version", SEE_A_CLINICIAN,
         morning="worse", pain=0),
    # --- target not reached (rule None) -------------------------------------------------
    case("one rep short in the last set", "glute-bridge", reps(3, 10), "hold", None, None,
         "9 of 10 reps in set 3: stay at 3 × 10 until every set reaches it.",
         changes={(3, None): {"reps": 9}}),
    case("exactly on target", "glute-bridge", reps(3, 10), "progress", 6, reps(3, 12), pain=0),
    case("one rep over target", "glute-bridge", reps(3, 10), "progress", 6, reps(3, 12),
         changes={(1, None): {"reps": 11}}),
    case("one set fewer than asked", "glute-bridge", reps(3, 10), "hold", None, None,
         "2 of 3 sets: stay at 3 × 10", missing={(3, None)}),
    case("a set with no rep count", "glute-bridge", reps(3, 10), "hold", None, None,
         "0 of 10 reps in set 2", changes={(2, None): {"reps": None}}),
    case("the lowest set is named", "glute-bridge", reps(3, 10), "hold", None, None,
         "7 of 10 reps in set 2", changes={(1, None): {"reps": 9}, (2, None): {"reps": 7}}),
    case("hold one second short", "wall-sit", hold(4, 45), "hold", None, None,
         "44 of 45 s in set 4: stay at 4 × 45 s", changes={(4, None): {"hold_s": 44}}),
    case("hold exactly on target", "wall-sit", hold(4, 45), "progress", 7, hold(5, 45)),
    case("only the right side one rep short", "clamshell", reps(2, 10), "hold", None, None,
         "Right side 9 of 10 reps in set 2", changes={(2, R): {"reps": 9}}),
    case("only the left side one set short", "clamshell", reps(2, 10), "hold", None, None,
         "Left side 1 of 2 sets", missing={(2, L)}),
    case("both sides on target", "clamshell", reps(2, 10), "progress", 6, reps(3, 10),
         "All 2 × 10 per side at RPE 6 with pain 1: add a set to 3 × 10"),
    case("only the right side one second short", "side-plank", hold(3, 30), "hold", None,
         None, "Right side 29 of 30 s in set 3", changes={(3, R): {"hold_s": 29}}),
    # --- effort: RPE 6-7 to move on (rules 3 and 7) ---------------------------------------
    case("RPE 7 moves on", "glute-bridge", reps(3, 10), "progress", 6, reps(3, 12), rpe=7),
    case("RPE 8 in one set holds", "glute-bridge", reps(3, 10), "hold", 3, None,
         "RPE 8 in set 3: stay at 3 × 10 until it feels about RPE 6–7",
         changes={(3, None): {"rpe": 8}}),
    case("RPE 8 on a hold holds (rule 7)", "front-plank", hold(3, 30), "hold", 7, None,
         "RPE 8", "about 70% effort", rpe=8),
    case("RPE not logged does not block other exercises", "romanian-deadlift", reps(3, 10),
         "progress", 6, reps(3, 12), rpe=None),
    # --- rule 3: calf raise ladder, effort is the gate ----------------------------------
    case("calf raise with no RPE holds", "double-leg-calf-raise", reps(3, 12), "hold", 3,
         None, "All 3 × 12 with pain 1 but no RPE logged", "calf raise ladder", rpe=None),
    case("calf raise: one set's RPE is enough", "double-leg-calf-raise", reps(3, 12),
         "progress", 3, reps(3, 10, 1), rpe=None, changes={(3, None): {"rpe": 7}}),
    case("calf raise at RPE 7 goes single-leg", "double-leg-calf-raise", reps(3, 12),
         "progress", 3, reps(3, 10, 1),
         "move up a level to Single-leg calf raise, 3 × 10 (calf raise ladder).", rpe=7),
    case("calf raise at RPE 8 holds", "double-leg-calf-raise", reps(3, 12), "hold", 3, None,
         "RPE 8", rpe=8),
    case("single-leg rung grows to its cap", "double-leg-calf-raise", reps(3, 10, 1),
         "progress", 3, reps(3, 12, 1), "add 2 reps"),
    case("single-leg rung at its cap adds load", "double-leg-calf-raise", reps(3, 12, 1),
         "progress", 3, reps(3, 10, 2), "Single-leg calf raise with load, 3 × 10"),
    case("calf raise ladder top", "double-leg-calf-raise", reps(3, 12, 2), "hold", 3, None,
         "the top of the ladder, so keep it here; consistency over intensity"),
    case("single-leg calf raise grows", "single-leg-calf-raise", reps(3, 10), "progress", 3,
         reps(3, 12)),
    case("single-leg calf raise with no RPE holds", "single-leg-calf-raise", reps(3, 10),
         "hold", 3, None, "no RPE logged", rpe=None),
    case("single-leg calf raise at cap moves up", "single-leg-calf-raise", reps(3, 12),
         "progress", 3, reps(3, 10, 1), "Single-leg calf raise off a step, 3 × 10"),
    # --- rule 6: hip strengthening dose (a set first, then reps, never past the cap) ------
    case("clamshell adds a set first", "clamshell", reps(2, 10), "progress", 6, reps(3, 10),
         "add a set to 3 × 10 (hip strengthening dose)"),
    case("clamshell then adds reps", "clamshell", reps(3, 10), "progress", 6, reps(3, 12)),
    case("clamshell one step from the cap", "clamshell", reps(3, 14), "progress", 6,
         reps(3, 15), "add 1 rep to 3 × 15"),
    case("clamshell at 3 × 15 moves up a rung", "clamshell", reps(3, 15), "progress", 6,
         reps(2, 10, 1), "move up a level to Clamshell with a stronger band, 2 × 10"),
    case("clamshell top of the ladder", "clamshell", reps(3, 15, 2), "hold", 6, None,
         "top of the ladder", "(hip strengthening dose)"),
    case("hip abduction 2 × 10 adds a set", "standing-hip-abduction", reps(2, 10), "progress",
         6, reps(3, 10)),
    case("hip abduction at 3 × 10 moves up", "standing-hip-abduction", reps(3, 10), "progress",
         6, reps(2, 10, 1), "Loop band around the ankles, 2 × 10"),
    # --- rule 4 with rule 6's cap: the bridge ladder -----------------------------------
    case("bridge one step from the cap", "glute-bridge", reps(3, 14), "progress", 6,
         reps(3, 15)),
    case("bridge at 3 × 15 moves up the ladder", "glute-bridge", reps(3, 15), "progress", 4,
         reps(3, 10, 1), "move up a level to Up on two, down on one, 3 × 10 (bridge ladder)."),
    case("bridge above the cap moves up", "glute-bridge", reps(3, 20), "progress", 4,
         reps(3, 10, 1)),
    case("marching bridge grows to its cap", "glute-bridge", reps(3, 12, 2), "progress", 6,
         reps(3, 14, 2)),
    case("marching bridge at the cap goes single-leg", "glute-bridge", reps(3, 15, 2),
         "progress", 4, reps(3, 10, 3), "Single-leg bridge, 3 × 10"),
    case("single-leg bridge is the top", "glute-bridge", reps(3, 15, 3), "hold", 4, None,
         "the top of the ladder", "(bridge ladder)"),
    case("easier bridge grows back to the cap", "glute-bridge", reps(3, 5, -1), "progress", 6,
         reps(3, 7, -1)),
    case("easier bridge at the cap returns to the bridge", "glute-bridge", reps(3, 15, -1),
         "progress", 4, reps(3, 10), "move up a level to Glute bridge, 3 × 10"),
    # --- rule 5: side-plank ladder ------------------------------------------------------
    case("side plank 3 × 30 s moves up", "side-plank", hold(3, 30), "progress", 5,
         hold(3, 30, 1), "All 3 × 30 s per side", "Knees with top leg raised, 3 × 30 s",
         "(side-plank ladder)"),
    case("side plank 2 sets adds a set", "side-plank", hold(2, 30), "progress", 5,
         hold(3, 30), "add a set to 3 × 30 s"),
    case("side plank grows back 5 s", "side-plank", hold(3, 25), "progress", 5, hold(3, 30),
         "add 5 s to 3 × 30 s"),
    case("full side plank is the top", "side-plank", hold(3, 30, 2), "hold", 5, None,
         "top of the ladder"),
    # --- rule 2: eccentric heel drops (Alfredson), pain-gated -------------------------
    case("heel drops pain-free add load", "eccentric-heel-drop", reps(3, 15), "progress", 2,
         reps(3, 15, 1), "with pain 0: move up a level to Eccentric heel drop with a backpack",
         ", 3 × 15 (Alfredson heel drops).", pain=0),
    case("heel drops, pain not reported, add load", "eccentric-heel-drop", reps(3, 15),
         "progress", 2, reps(3, 15, 1), pain=None),
    case("heel drops with pain 1 keep the load", "eccentric-heel-drop", reps(3, 15), "hold",
         2, None, "add load only once it is pain-free, so keep 3 × 15", pain=1),
    case("heel drops with pain 2 in one set keep the load", "eccentric-heel-drop",
         reps(3, 15), "hold", 2, None, "pain 2", pain=0, changes={(3, R): {"pain": 2}}),
    case("heel drops with pain 3 hold in Alfredson's words", "eccentric-heel-drop",
         reps(3, 15), "hold", 2, None, "Pain 3 in set 1 (left) is the mild pain heel drops allow",
         pain=3),
    case("heel drops with pain 5 still hold", "eccentric-heel-drop", reps(3, 15), "hold", 2,
         None, "mild pain", pain=5),
    case("heel drops with pain 6 regress", "eccentric-heel-drop", reps(3, 15), "regress", 1,
         reps(3, 10), "Pain 6 in set 2 (left) is too much: reduce the load to 3 × 10",
         pain=0, changes={(2, L): {"pain": 6}}),
    case("heel drops grow back to 15 with mild pain", "eccentric-heel-drop", reps(3, 10),
         "progress", 2, reps(3, 15), "add 5 reps", pain=2),
    case("heel drops with the heavier backpack are the top", "eccentric-heel-drop",
         reps(3, 15, 2), "hold", 2, None, "top of the ladder", pain=0),
    # --- rule 7: isometric holds -------------------------------------------------------
    case("wall sit adds a fifth hold", "wall-sit", hold(4, 45), "progress", 7, hold(5, 45),
         "add a set to 5 × 45 s (isometric holds)"),
    case("wall sit holds 5 s longer", "wall-sit", hold(5, 45), "progress", 7, hold(5, 50),
         "add 5 s to 5 × 50 s"),
    case("wall sit reaches 60 s", "wall-sit", hold(5, 55), "progress", 7, hold(5, 60)),
    case("wall sit at 5 × 60 s moves up", "wall-sit", hold(5, 60), "progress", 7,
         hold(4, 45, 1), "Deeper wall sit, 4 × 45 s"),
    case("single-leg wall sit is the top", "wall-sit", hold(5, 60, 3), "hold", 7, None,
         "top of the ladder", "(isometric holds)"),
    # --- the default: reps +2 to 15 (rule 6's model), holds +5 s to 60 s (rule 7's) ------
    case("default reps grow", "romanian-deadlift", reps(3, 10), "progress", 6, reps(3, 12),
         "add 2 reps to 3 × 12 (runpt default step)."),
    case("default reps stop at 15", "romanian-deadlift", reps(3, 14), "progress", 6,
         reps(3, 15), "add 1 rep"),
    case("default at 15 moves up", "romanian-deadlift", reps(3, 15), "progress", 6,
         reps(3, 10, 1), "Heavier weight, 3 × 10"),
    case("default top of the ladder", "romanian-deadlift", reps(3, 15, 2), "hold", 6, None,
         "top of the ladder"),
    case("default holds grow 5 s", "front-plank", hold(3, 30), "progress", 7, hold(3, 35),
         "add 5 s to 3 × 35 s (runpt default step)."),
    case("default holds at 60 s move up", "front-plank", hold(3, 60), "progress", 7,
         hold(3, 30, 1), "Plank with alternating leg lifts, 3 × 30 s"),
    case("default grows sets back to the exercise's own", "step-down", reps(2, 8),
         "progress", 6, reps(3, 8), "add a set"),
    case("default with a dose above the cap moves up", "monster-walk", reps(3, 16),
         "progress", 6, reps(3, 16, 1), "Band around the ankles, 3 × 16"),
    case("alternating core work stops at an even 16", "dead-bug", reps(3, 14), "progress", 6,
         reps(3, 16)),
    # --- regressing: down a rung, then reps or seconds to a floor, then easier rungs ------
    case("single-leg bridge back to marching", "glute-bridge", reps(3, 15, 3), "regress", 1,
         reps(3, 10, 2), "step down a level to Marching bridge, 3 × 10", pain=7),
    case("first harder rung back to the exercise", "glute-bridge", reps(3, 12, 1), "regress",
         1, reps(3, 10), "step down a level to Glute bridge, 3 × 10", pain=7),
    case("single-leg calf raise back to double-leg", "double-leg-calf-raise", reps(3, 10, 1),
         "regress", 1, reps(3, 12), "Double-leg calf raise, 3 × 12", pain=6),
    case("loaded calf raise back to its rung's start", "double-leg-calf-raise",
         reps(3, 12, 2), "regress", 1, reps(3, 10, 1), pain=6),
    case("reps drop by the step", "glute-bridge", reps(3, 15), "regress", 1, reps(3, 13),
         pain=6),
    case("reps never drop below the floor", "glute-bridge", reps(3, 6), "regress", 1,
         reps(3, 5), pain=6),
    case("at the floor, the easier rung", "glute-bridge", reps(3, 5), "regress", 1,
         reps(3, 5, -1), "step down a level to Short-range bridge, 3 × 5", pain=6),
    case("an easier rung above the floor drops reps", "glute-bridge", reps(3, 9, -1),
         "regress", 1, reps(3, 7, -1), pain=6),
    case("the very bottom holds and says see a clinician", "glute-bridge", reps(3, 5, -1),
         "hold", 1, None, "Pain 6 in set 1 is too much, even at the easiest version",
         "stop on sharp pain", SEE_A_CLINICIAN, pain=6),
    case("the floor scales with the exercise", "single-leg-squat", reps(3, 5), "regress", 1,
         reps(3, 4), pain=6),
    case("single-leg squat floor then box", "single-leg-squat", reps(3, 4), "regress", 1,
         reps(3, 4, -1), "Single-leg squat to a box, 3 × 4", pain=6),
    case("second easier rung", "single-leg-squat", reps(3, 4, -1), "regress", 1,
         reps(3, 4, -2), "Split squat", pain=6),
    case("hold time drops by 5 s", "side-plank", hold(3, 30), "regress", 1, hold(3, 25),
         "reduce the load to 3 × 25 s", pain=6),
    case("hold time stops at 15 s", "wall-sit", hold(4, 20), "regress", 1, hold(4, 15),
         pain=6),
    case("at 15 s, the easier hold", "side-plank", hold(3, 15), "regress", 1, hold(3, 15, -1),
         "Shorter knee side plank holds, 3 × 15 s", pain=6),
    case("easiest side plank at 15 s holds", "side-plank", hold(3, 15, -1), "hold", 1, None,
         CLINICIAN, pain=6),
    case("heel drops regress to the floor", "eccentric-heel-drop", reps(3, 10), "regress", 1,
         reps(3, 5), pain=6),
    case("heel drops at the floor go easier", "eccentric-heel-drop", reps(3, 5), "regress", 1,
         reps(3, 5, -1), "Heel drop to floor level, not below the step, 3 × 5", pain=6),
    case("heel drops at the bottom hold", "eccentric-heel-drop", reps(3, 5, -2), "hold", 1,
         None, CLINICIAN, pain=6),
]  # fmt: skip


@pytest.mark.parametrize("slug, now, logged, morning, action, rule, to, words", CASES)
def test_suggestion(slug, now, logged, morning, action, rule, to, words):
    suggestion = suggest(facts(slug), now, logged, morning)
    assert (suggestion.action, suggestion.rule, suggestion.target) == (action, rule, to)
    for word in words:
        assert word in suggestion.reason
    # One line in plain words, ending in a full stop; a hold keeps the dose as it is.
    assert "\n" not in suggestion.reason and suggestion.reason.endswith(".")
    assert suggestion.changes_dose == (action != "hold") == (suggestion.target != now)


@pytest.mark.parametrize(
    "slug, logged",
    [
        pytest.param("glute-bridge", [], id="no sets logged"),
        pytest.param("leg-swings-front-back", did("leg-swings-front-back", reps(1, 12)),
                     id="warm-up drill"),
        pytest.param("cat-cow", did("cat-cow", reps(1, 8), pain=8), id="warm-up with pain 8"),
        pytest.param("hamstring-stretch", did("hamstring-stretch", hold(2, 30)),
                     id="cool-down stretch"),
        pytest.param("childs-pose", did("childs-pose", hold(2, 30), rpe=9),
                     id="cool-down at RPE 9"),
    ],
)  # fmt: skip
def test_nothing_to_suggest(slug, logged):
    exercise = facts(slug)
    now = Target(exercise.sets, exercise.reps, exercise.hold_s)
    assert suggest(exercise, now, logged, "worse") is None


def test_a_morning_the_app_does_not_know_is_refused():
    with pytest.raises(ValueError, match="morning"):
        suggest(facts("glute-bridge"), reps(3, 10), did("glute-bridge", reps(3, 10)), "fine")


@pytest.mark.parametrize("level", [-2, 4], ids=["below the easiest", "above the hardest"])
def test_a_level_off_the_ladder_is_refused(level):
    with pytest.raises(ValueError, match="no ladder rung"):
        suggest(facts("glute-bridge"), reps(3, 10, level), did("glute-bridge", reps(3, 10)), None)


# --- the ladder ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug, level, name",
    [
        ("glute-bridge", 0, "Glute bridge"),
        ("glute-bridge", 1, "Up on two, down on one"),
        ("glute-bridge", 3, "Single-leg bridge"),
        ("glute-bridge", -1, "Short-range bridge"),
        ("single-leg-calf-raise", -2, "Double-leg calf raise"),
        ("single-leg-calf-raise", 3, "Single-leg calf raise holding a dumbbell"),
    ],
    ids=lambda v: str(v),
)
def test_variant_name(slug, level, name):
    assert variant_name(facts(slug), level) == name


def test_ladder_lists_every_rung_easiest_first():
    assert ladder(facts("glute-bridge")) == [
        (-1, "Short-range bridge"),
        (0, "Glute bridge"),
        (1, "Up on two, down on one"),
        (2, "Marching bridge"),
        (3, "Single-leg bridge"),
    ]


def test_exercise_facts_of_a_library_row():
    row = SimpleNamespace(
        slug="wall-sit", name="Wall sit", phase="strength", per_side=False, sets=4, reps=None,
        hold_s=45, easier=["Higher wall sit (less knee bend)"],
        harder=["Deeper wall sit", "Wall sit with a backpack", "Single-leg wall sit"],
    )  # fmt: skip
    assert ExerciseFacts.of(row) == facts("wall-sit")


def good_session(slug, target):
    return did(slug, target, rpe=6, pain=0)


@pytest.mark.parametrize("slug", STRENGTH)
def test_good_sessions_climb_to_the_top_and_stay(slug):
    """Session after good session, the suggestion walks up the whole ladder, stays on it
    and never passes its cap, then holds at the top."""
    exercise, plan = facts(slug), progression_for(facts(slug))
    target = Target(exercise.sets, exercise.reps, exercise.hold_s)
    for _ in range(60):
        suggestion = suggest(exercise, target, good_session(slug, target), None)
        if suggestion.action == "hold":
            break
        assert suggestion.action == "progress"
        new = suggestion.target
        assert -len(exercise.easier) <= new.level <= len(exercise.harder)
        assert new.level in (target.level, target.level + 1)
        if new.level == target.level:
            amount = new.hold_s if exercise.is_hold else new.reps
            assert new.sets <= plan.max_sets and amount <= plan.max_amount
        target = new
    assert target.level == len(exercise.harder)
    assert "top of the ladder" in suggestion.reason


@pytest.mark.parametrize("slug", STRENGTH)
def test_painful_sessions_step_down_to_the_bottom_and_stop(slug):
    """Session after session with pain 8, the suggestion walks down to the easiest rung at
    the floor, never off the ladder, and then says to see a clinician."""
    exercise = facts(slug)
    target = Target(exercise.sets, exercise.reps, exercise.hold_s, len(exercise.harder))
    for _ in range(60):
        suggestion = suggest(exercise, target, did(slug, target, pain=8), None)
        if suggestion.action == "hold":
            break
        assert suggestion.action == "regress" and suggestion.rule == 1
        assert -len(exercise.easier) <= suggestion.target.level <= len(exercise.harder)
        assert suggestion.target.sets == target.sets or suggestion.target.level < target.level
        target = suggestion.target
    assert target.level == -len(exercise.easier)
    assert SEE_A_CLINICIAN in suggestion.reason


# --- the data --------------------------------------------------------------------------


def entries() -> list[dict]:
    return progression_data()["progression"]


def test_every_strength_exercise_has_an_entry_or_the_documented_default():
    listed = {e["slug"] for e in entries()}
    default = set(progression_data()["default"]["exercises"])
    assert listed.isdisjoint(default)
    assert listed | default == set(STRENGTH)
    assert len(listed) == len(entries())  # one entry per exercise


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e["slug"])
def test_entry_names_a_strength_exercise_and_cites_its_rule(entry):
    assert entry["slug"] in STRENGTH
    assert entry["rule"] in RULE_NAMES and entry.get("ladder_rule", entry["rule"]) in RULE_NAMES
    for rule in {entry["rule"], entry.get("ladder_rule", entry["rule"])}:
        assert f"rule {rule}" in entry["source"].lower()


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e["slug"])
def test_entry_caps_steps_and_rungs_fit_the_exercise(entry):
    exercise = facts(entry["slug"])
    plan = progression_for(exercise)
    unit = "hold_s" if exercise.is_hold else "reps"
    wrong_unit = "reps" if exercise.is_hold else "hold_s"
    assert not any(key.startswith(("max_" + wrong_unit, "min_" + wrong_unit)) for key in entry)
    default = exercise.hold_s if exercise.is_hold else exercise.reps
    assert plan.floor <= default <= plan.max_amount and exercise.sets <= plan.max_sets
    assert plan.step > 0
    for rung in entry.get("rung", []):
        # A rung's level stays within the exercise's easier/harder lists.
        assert rung["level"] != 0 and variant_name(exercise, rung["level"])
        assert set(rung) == {"level", "sets", unit}
        assert plan.floor <= rung[unit] <= plan.max_amount and rung["sets"] <= plan.max_sets


def test_default_cites_its_model_and_names_rules():
    default = progression_data()["default"]
    assert default["rep_rule"] == 6 and default["hold_rule"] == 7
    assert "rule 6" in default["source"] and "rule 7" in default["source"]


def test_progression_file_is_read_once():
    assert progression_data() is progression_data()
