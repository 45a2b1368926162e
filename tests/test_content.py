"""Content a physiotherapist would sign (issue 13 item 6, docs/content-decisions.md): what the
built-in routines hold, what each exercise page says, red flags and triage on the routine
pages, and the duration estimate with changeovers."""

import html
import re

import pytest
from sqlalchemy import select

from runpt.extensions import db
from runpt.library.dose import CHANGEOVER_S, GET_READY_S, Dose
from runpt.library.loader import read_data
from runpt.library.models import Exercise
from runpt.pain import SAFETY_LINE
from runpt.routines.models import Routine
from runpt.routines.steps import steps_of as steps_laid_out
from tests.test_history import text
from tests.test_library import ARTICLE_SLUGS
from tests.test_routines import builtin, builtin_routines, create
from tests.test_suggestions import accept_form, two_bridge_sessions

EXERCISES = {e["slug"]: e for e in read_data("exercises.toml")["exercise"]}
ROUTINES = {r["slug"]: r for r in read_data("routines.toml")["routine"]}


def steps_of(slug: str) -> list[str]:
    return [step["exercise"] for step in ROUTINES[slug]["step"]]


def step(slug: str, exercise: str) -> dict:
    return next(s for s in ROUTINES[slug]["step"] if s["exercise"] == exercise)


def page(client, app, slug: str) -> str:
    with app.app_context():
        routine_id = builtin(slug).id
    return html.unescape(text(client.get(f"/routines/{routine_id}")))


# --- every article exercise is in a routine; the essentials train the hamstrings -------


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_every_article_exercise_is_in_a_built_in_routine(slug):
    assert any(slug in steps_of(routine) for routine in ROUTINES), slug


def test_runners_essentials_trains_the_hamstrings():
    hamstrings = {"romanian-deadlift", "stability-ball-hamstring-curl"}
    assert hamstrings & set(steps_of("runners-essentials"))


# --- Achilles (docs/content-rules.md, rules 2 and 11) -----------------------------------


@pytest.mark.parametrize("slug", ["achilles-care", "achilles-insertional"])
def test_achilles_sessions_are_heavy_slow_resistance_with_bent_knee_work(slug):
    """Beyer 2015: seated (bent-knee) and standing calf raises, 3 s down, 3 s up, from
    15RM, 3 times a week: it fits 2-3 sessions a week. No toe walking after them."""
    strength = [s for s in steps_of(slug) if EXERCISES[s]["phase"] == "strength"]
    assert strength == ["seated-calf-raise", "heavy-slow-calf-raise"]
    for exercise in strength:
        dose = EXERCISES[exercise]["dose"]
        assert (dose["sets"], dose["reps"], dose["tempo"]) == (3, 15, "3-0-3")
        assert "Beyer et al. 2015" in dose["source"] and "3 times a week" in dose["source"]
    assert "bent knee" in EXERCISES["seated-calf-raise"]["name"]
    assert "toe-walking" not in steps_of(slug)


HSR = ("seated-calf-raise", "heavy-slow-calf-raise")


@pytest.mark.parametrize("slug", HSR)
def test_heavy_slow_calf_raises_are_single_leg_so_an_rm_is_reachable_at_home(slug):
    """Beyer's loads came from machines and a barbell: at home an RM needs one leg at a
    time (a backpack, a dumbbell on the knee, or a gym machine), and more than 15 means
    more load."""
    entry = EXERCISES[slug]
    steps = " ".join(entry["steps"])
    assert entry["dose"]["per_side"] is True
    assert "one leg at a time" in entry["summary"] or "on one leg" in entry["summary"]
    assert "If you can do more than 15, go single-leg or add load." in steps
    assert "switch legs" in steps and "15RM (the most you can lift 15 times)" in steps
    # The two-leg versions are easier rungs, done with both legs together.
    assert "both" in entry["easier"][0].lower()
    assert "runpt convention, not the trial's: one leg at a time" in entry["dose"]["source"]
    assert "trial: 2–3 minutes" in entry["dose"]["source"]  # rest: labelled, not Beyer's


def test_the_seated_raise_takes_a_dumbbell_on_the_knee_or_a_machine():
    steps = " ".join(EXERCISES["seated-calf-raise"]["steps"])
    assert "dumbbell or a loaded backpack on that knee" in steps and "machine" in steps


def test_shin_care_keeps_its_seated_raise_on_both_legs():
    """Shin care's seated raise is soleus work, not the Achilles programme: it starts on
    the two-leg rung."""
    assert step("shin-splints-relief", "seated-calf-raise")["level"] == -1


def test_the_heel_raise_lowers_below_the_step_and_names_the_trials_inserts():
    entry = EXERCISES["high-load-heel-raise"]
    assert "until your heel is below the step" in " ".join(entry["steps"])
    assert "shoe inserts" in entry["dose"]["source"]


def test_the_split_squat_order_is_runpts_not_the_pilots():
    source = EXERCISES["split-squat"]["dose"]["source"]
    assert "runpt's order, not the pilot's" in source and "feasibility pilot" in source
    assert "after isometrics" not in source


def test_alfredson_is_offered_instead_of_heavy_slow_resistance_never_beside_it():
    """Beyer 2015 compared the two as alternatives; no trial gave both."""
    drops, care = ROUTINES["achilles-heel-drops"], ROUTINES["achilles-care"]
    assert "instead of" in drops["name"] and "never beside it" in drops["summary"]
    assert "never both" in care["summary"]
    for routine in ROUTINES.values():
        for field in ("name", "summary", "running"):
            assert not offered_beside(routine.get(field, "")), (routine["slug"], field)
    assert "never beside it" in EXERCISES["eccentric-heel-drop"]["dose"]["source"]


def offered_beside(words: str) -> bool:
    """Whether text offers one Achilles programme beside another ("never beside" doesn't)."""
    return "beside" in words.replace("never beside", "")


def test_the_routine_pages_say_instead_not_beside(signed_in, app):
    for slug in ("achilles-care", "achilles-heel-drops"):
        body = page(signed_in, app, slug)
        assert not offered_beside(body), slug
    assert "do one or the other, never both" in page(signed_in, app, "achilles-care")
    # Not an "add-on" to the sessions a week: a daily programme of its own.
    assert "A short daily home programme" in page(signed_in, app, "achilles-heel-drops")


def test_the_alfredson_protocol_is_a_daily_add_on_with_its_real_volume():
    routine = ROUTINES["achilles-heel-drops"]
    assert routine["add_on"] and "twice a day" in routine["summary"]
    assert steps_of("achilles-heel-drops") == [
        "eccentric-heel-drop",
        "eccentric-heel-drop-bent-knee",
    ]
    for exercise in steps_of("achilles-heel-drops"):
        dose = EXERCISES[exercise]["dose"]
        assert (dose["sets"], dose["reps"], dose["per_side"]) == (3, 15, False)  # the sore leg
        assert "twice a day" in dose["source"]
    assert "Knees bent the whole time" in EXERCISES["eccentric-heel-drop-bent-knee"]["cues"]


def test_insertional_pain_never_drops_the_heel_below_the_step():
    """Rule 11: at the heel bone, work from the floor; nothing to the end of the range."""
    for exercise in steps_of("achilles-insertional"):
        entry = EXERCISES[exercise]
        assert "below the step" not in " ".join(entry["steps"]), exercise
    assert not {"ankle-rocks", "standing-calf-stretch", "eccentric-heel-drop"} & set(
        steps_of("achilles-insertional")
    )
    assert "never go below the floor" in " ".join(EXERCISES["heavy-slow-calf-raise"]["steps"])
    drop = EXERCISES["eccentric-heel-drop"]
    assert drop["easier"][0] == "Heel drop to floor level, not below the step"
    assert "With pain at the heel bone, don't drop below the step" in drop["safety"]


# --- heel and arch (rule 12) -----------------------------------------------------------


def test_the_heel_routine_is_built_on_the_high_load_heel_raise():
    assert "high-load-heel-raise" in steps_of("plantar-fasciitis-relief")
    entry = EXERCISES["high-load-heel-raise"]
    assert "towel" in entry["name"] and any("towel" in s for s in entry["steps"])
    assert entry["dose"]["tempo"] == "3-2-3" and entry["dose"]["reps"] == 12
    assert "Rathleff et al. 2015" in entry["dose"]["source"]
    assert "every second day" in ROUTINES["plantar-fasciitis-relief"]["summary"]
    # The double-leg ladder is no longer beside a single-leg raise (review B, low).
    assert "double-leg-calf-raise" not in steps_of("plantar-fasciitis-relief")


# --- knee: kneecap pain and patellar-tendon pain (rule 13) -----------------------------


def test_kneecap_pain_gets_hip_and_knee_strength_at_easy_angles():
    slugs = steps_of("knee-pain-relief")
    assert {"clamshell", "glute-bridge"} <= set(slugs)  # hip (Nascimento 2018)
    assert step("knee-pain-relief", "step-down")["level"] == -1  # from a lower step
    assert step("knee-pain-relief", "wall-sit")["level"] == -1  # a higher, shallower hold
    assert "Nascimento" in ROUTINES["knee-pain-relief"]["summary"]


def test_patellar_tendon_pain_gets_isometrics_then_heavy_slow_resistance():
    slugs = steps_of("knee-patellar-tendon")
    assert slugs.index("wall-sit") < slugs.index("split-squat")
    wall_sit = EXERCISES["wall-sit"]
    assert (wall_sit["dose"]["sets"], wall_sit["dose"]["hold_s"], wall_sit["dose"]["rest_s"]) == (
        5, 45, 120,
    )  # fmt: skip
    assert "60 degrees" in " ".join(wall_sit["steps"])
    assert "patellar tendon" in wall_sit["summary"] and "short time" in wall_sit["summary"]
    assert not any("Deeper" in rung for rung in wall_sit["harder"])
    assert "Sprague" in EXERCISES["split-squat"]["dose"]["source"]


# --- shin: the right muscles (review C, D) ----------------------------------------------


def test_shin_care_trains_the_muscles_behind_the_shin_and_the_soleus():
    slugs = set(steps_of("shin-splints-relief"))
    assert {"band-foot-inversion", "seated-calf-raise", "single-leg-calf-raise"} <= slugs
    assert "quad-stretch" not in slugs


# --- hip: no swings across the body (review D) ----------------------------------------


def test_hip_care_has_no_side_swings_and_adds_inner_thigh_strength():
    slugs = steps_of("hip-strain-relief")
    assert "leg-swings-side-to-side" not in slugs and "adductor-squeeze" in slugs
    assert step("hip-strain-relief", "single-leg-squat")["level"] == -1  # to a box


def test_lower_back_care_has_nine_exercises():
    assert len(steps_of("lower-back-relief")) == 9


# --- safety text on every exercise page ------------------------------------------------


@pytest.mark.parametrize("slug", sorted(EXERCISES))
def test_every_exercise_page_shows_the_whole_safety_line(client, slug):
    body = html.unescape(text(client.get(f"/library/{slug}")))
    line = re.search(r'<p class="safety" role="note" data-safety>(.*?)</p>', body).group(1)
    assert line == f"{SAFETY_LINE} {EXERCISES[slug]['safety']}"
    assert line.startswith("Stop an exercise on sharp or worsening pain; see a clinician for "
                           "pain that lasts, swelling, numbness, or pain at night.")  # fmt: skip


# --- red flags, triage and running load on the routine pages ---------------------------


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("shin-splints-relief", ["bone stress", "hop", "at night"]),
        ("hip-strain-relief", ["Groin pain", "stress fracture"]),
        ("achilles-care", ["rupture", "tiptoe"]),
        ("achilles-insertional", ["rupture"]),
        ("achilles-heel-drops", ["rupture"]),
        ("knee-pain-relief", ["locks", "gives way", "swelled"]),
        ("knee-patellar-tendon", ["locks", "gives way"]),
        ("lower-back-relief", ["groin", "bladder or bowel", "weakness", "fever",
                               "below the knee"]),
        ("plantar-fasciitis-relief", ["numbness", "fall"]),
        ("runners-essentials", ["pain at night"]),
    ],
)  # fmt: skip
def test_every_routine_shows_its_red_flags_above_start(signed_in, app, slug, words):
    body = page(signed_in, app, slug)
    flags = re.search(r"<p class=\"safety\" role=\"note\" data-red-flags>(.*?)</p>", body, re.S)
    for word in words:
        assert word in flags.group(1), word
    assert body.index("data-red-flags") < body.index("Start session")
    assert "data-running" in body  # a line on running load
    if ROUTINES[slug]["problem"]:
        assert "5/10" in ROUTINES[slug]["running"]


def check_of(body: str) -> str:
    """The check before set 1 on a page (session/_start_check.html), up to Start."""
    start = body.index('<fieldset class="start-check"')
    return body[start : body.index("data-start-session", start)]


def answers_of(check: str) -> list[tuple[str, str, str]]:
    """(kind, answer text, what it leads to) for each triage answer in the check."""
    found = []
    for kind, answer, rest in re.findall(
        r'data-answer="(\w+)"> (.*?)</label>(.*?)(?=<label|</fieldset>)', check, re.S
    ):
        found.append((kind, answer.strip(), re.sub(r"\s+", " ", rest)))
    return found


@pytest.mark.parametrize(
    ("slug", "links", "stop"),
    [
        ("knee-pain-relief", ["knee-patellar-tendon", "hip-strain-relief"],
         "See a clinician before any routine"),
        ("knee-patellar-tendon", ["knee-pain-relief", "hip-strain-relief"],
         "See a clinician before any routine"),
        ("achilles-care", ["achilles-insertional"], "rupture"),
        ("achilles-insertional", ["achilles-care"], "rupture"),
        ("achilles-heel-drops", ["achilles-insertional"], "rupture"),
        ("shin-splints-relief", [], "stop running and see a clinician"),
    ],
)  # fmt: skip
def test_triage_sends_the_runner_to_the_routine_that_fits(signed_in, app, slug, links, stop):
    """Each answer is part of Start's form: this routine, another routine offered with
    a Start of its own (on its player, where its own red flags come first), or a stop."""
    body = page(signed_in, app, slug)
    check = check_of(body)
    answers = answers_of(check)
    with app.app_context():
        for other in links:
            target = builtin(other)
            offer = (
                f'href="/session/{target.id}" data-other-routine>Start “{target.name}” instead</a>'
            )
            assert any(kind == "other" and offer in rest for kind, _, rest in answers), other
    assert [kind for kind, _, _ in answers].count("this") == 1
    stops = [rest for kind, _, rest in answers if kind == "stop"]
    assert len(stops) == 1 and stop in stops[0] and "href" not in stops[0]
    assert "Start is gone" in stops[0]
    assert body.index("data-triage") < body.index("Start session")
    assert 'required data-answer="this"' in check  # no Start past it, even before scripts


def test_the_shin_triage_tells_a_long_ache_from_a_fingertip_spot(signed_in, app):
    """J1: shin splints are tender along 5 cm or more of the bone's inner edge; a bone
    stress injury at one spot. The wording says so, and the spot answer stops."""
    answers = answers_of(check_of(page(signed_in, app, "shin-splints-relief")))
    (this,) = [answer for kind, answer, _ in answers if kind == "this"]
    (spot, leads_to) = [(answer, rest) for kind, answer, rest in answers if kind == "stop"][0]
    assert "a hand's width long (5 cm or more)" in this
    assert "few centimetres" not in this
    assert "A spot you can cover with a fingertip" in spot
    assert "bone stress injury" in leads_to and "see a clinician" in leads_to


def test_outside_of_the_knee_is_sent_to_hip_care_with_a_running_line(signed_in, app):
    """J2: pain on the outside of the knee (iliotibial band) gets Hip care, and a line on
    running while it settles, not the kneecap routine."""
    for slug in ("knee-pain-relief", "knee-patellar-tendon"):
        answers = answers_of(check_of(page(signed_in, app, slug)))
        (outside,) = [(k, a, r) for k, a, r in answers if "outside of the knee" in a]
        kind, _, leads_to = outside
        assert kind == "other" and "Start “Hip care” instead" in leads_to
        assert "iliotibial band" in leads_to and "downhill" in leads_to and "flat" in leads_to


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        # J3: a runner's calcaneal stress fracture comes on gradually.
        ("plantar-fasciitis-relief", ["squeeze the heel from both sides",
                                      "builds the longer you walk or run", "stress fracture"]),
        # J4: one clause each.
        ("achilles-care", ["both Achilles hurt along with other joints", "stiff for a long time",
                           "fluoroquinolone antibiotic", "steroid injection"]),
        ("achilles-insertional", ["fluoroquinolone antibiotic", "steroid injection"]),
        ("achilles-heel-drops", ["fluoroquinolone antibiotic", "steroid injection"]),
        ("knee-pain-relief", ["hot, red and swollen", "fever"]),
        ("knee-patellar-tendon", ["hot, red and swollen", "fever"]),
        ("lower-back-relief", ["pain is there at night whatever position", "had cancer"]),
        ("shin-splints-relief", ["stress fracture before", "periods have stopped"]),
        ("hip-strain-relief", ["stress fracture before", "periods have stopped"]),
    ],
)  # fmt: skip
def test_red_flags_name_what_a_physiotherapist_asked_for(signed_in, app, slug, words):
    body = page(signed_in, app, slug)
    flags = re.search(r'<p class="safety" role="note" data-red-flags>(.*?)</p>', body, re.S)
    for word in words:
        assert word in flags.group(1), word
    assert len(ROUTINES[slug]["red_flags"]) < 500  # still fits a shared routine's file


def test_a_copy_keeps_the_red_flags_and_triage(signed_in, app):
    with app.app_context():
        knee = builtin("knee-pain-relief").id
    response = signed_in.post(f"/routines/{knee}/copy")
    copy = int(re.search(r"/routines/(\d+)/edit", response.headers["Location"]).group(1))
    body = html.unescape(text(signed_in.get(f"/routines/{copy}")))
    assert "locks, gives way" in body and "data-triage" in body


def test_an_own_routine_has_no_red_flags_line(signed_in):
    routine = create(signed_in, "Mine", "glute-bridge")
    body = text(signed_in.get(f"/routines/{routine}"))
    assert "data-red-flags" not in body and "data-triage" not in body


# --- duration: changeovers, and a warning past 30 minutes ------------------------------


def test_the_estimate_counts_a_changeover_per_exercise_the_player_does_not_time(app):
    with app.app_context():
        routine = builtin("runners-essentials")
        timed = 0
        for laid_out in steps_laid_out(routine):
            dose = laid_out.dose
            timed += laid_out.wait_s + dose.work_seconds()
        assert routine.seconds() == timed + CHANGEOVER_S * len(routine.steps)
    assert 20 <= CHANGEOVER_S <= 30 and GET_READY_S == 10


def test_a_dose_estimate_includes_its_changeover():
    dose = Dose(sets=1, reps=None, hold_s=30, per_side=False, tempo=None, rest_s=10)
    assert dose.seconds() == CHANGEOVER_S + GET_READY_S + 30


def long_routine(client) -> int:
    """An own routine of more than 30 minutes with a glute bridge first."""
    return create(client, "Long", "glute-bridge", *["heavy-slow-calf-raise"] * 4)


def test_a_routine_over_30_minutes_says_so_on_its_page(signed_in, app):
    routine = long_routine(signed_in)
    with app.app_context():
        assert db.session.get(Routine, routine).seconds() > 30 * 60
    body = html.unescape(text(signed_in.get(f"/routines/{routine}")))
    assert "data-too-long" in body and "more than the 20–30 a session should take" in body
    for built_in in ROUTINES:
        assert "data-too-long" not in page(signed_in, app, built_in)


def test_accepting_a_suggestion_that_passes_30_minutes_warns(signed_in, app):
    routine = long_routine(signed_in)
    two_bridge_sessions(signed_in, routine)
    form = accept_form(text(signed_in.get(f"/routines/{routine}")))
    response = signed_in.post(form["url"], data=form["data"], follow_redirects=True)
    body = html.unescape(text(response))
    assert "Glute bridge: new target saved." in body
    assert re.search(r"“Long” now takes about \d+ minutes, more than the 20–30", body)


def test_accepting_within_30_minutes_does_not_warn(signed_in):
    routine = create(signed_in, "Short", "glute-bridge")
    two_bridge_sessions(signed_in, routine)
    form = accept_form(text(signed_in.get(f"/routines/{routine}")))
    body = text(signed_in.post(form["url"], data=form["data"], follow_redirects=True))
    assert "new target saved" in body and "now takes about" not in body


# --- per-side dosing of one-leg rungs ---------------------------------------------------


def test_a_single_leg_rung_of_a_two_leg_exercise_is_laid_out_per_side(signed_in, app):
    routine = create(signed_in, "Calves", "double-leg-calf-raise")
    with app.app_context():
        step_row = db.session.get(Routine, routine).steps[0]
        step_row.level = 1  # Single-leg calf raise
        db.session.commit()
        laid_out = steps_laid_out(db.session.get(Routine, routine))
        assert [(s.set_no, s.side) for s in laid_out] == [
            (1, "left"), (1, "right"), (2, "left"), (2, "right"), (3, "left"), (3, "right"),
        ]  # fmt: skip
        assert db.session.get(Routine, routine).planned_strength_sets() == 6


# --- labels: every dose cites a source or says it is runpt's convention -----------------


@pytest.mark.parametrize("slug", sorted(EXERCISES))
def test_every_dose_cites_a_source_or_says_runpt_convention(slug):
    source = EXERCISES[slug]["dose"]["source"]
    assert "runpt default" not in source
    assert "runpt convention" in source or re.search(r"\b(19|20)\d\d\b", source), source


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("side-plank", ["runpt convention"]),
        ("glute-bridge", ["Rule 6", "pilot randomised study", "runpt convention"]),
        ("clamshell", ["runpt convention", "modified side plank"]),
        ("single-leg-calf-raise", ["±6 reps", "runpt convention"]),
        ("plantar-fascia-stretch", ["runpt convention", "Rathleff"]),
        ("eccentric-heel-drop", ["twice a day", "instead of heavy slow resistance"]),
    ],
)
def test_the_reviews_source_corrections(slug, words):
    for word in words:
        assert word in EXERCISES[slug]["dose"]["source"], word


def test_no_unverified_norms_or_ten_percent_rule_in_the_calf_raise():
    entry = EXERCISES["single-leg-calf-raise"]
    assert "10%" not in entry["safety"] and "37" not in entry["dose"]["source"]


# --- the review's data bugs -------------------------------------------------------------


def test_no_harder_rung_is_a_longer_version_that_starts_shorter():
    for slug, entry in EXERCISES.items():
        assert not any(rung.lower().startswith("longer") for rung in entry["harder"]), slug


def test_the_library_in_the_database_has_the_new_exercises(app):
    with app.app_context():
        slugs = set(db.session.scalars(select(Exercise.slug)))
        assert {"high-load-heel-raise", "seated-calf-raise", "heavy-slow-calf-raise",
                "eccentric-heel-drop-bent-knee", "band-foot-inversion", "adductor-squeeze",
                "split-squat"} <= slugs  # fmt: skip
        assert len(builtin_routines()) == len(ROUTINES) == 10


def test_the_routine_the_player_starts_carries_its_planned_strength_steps(signed_in, app):
    """The player starts a session from the routine's unit and sends this number as
    session.started's planned_sets (counting, item 5)."""
    with app.app_context():
        routine = builtin("knee-pain-relief")
        routine_id, planned = routine.id, routine.planned_strength_sets()
    unit = signed_in.get(f"/offline/routines/{routine_id}").get_json()
    assert unit["strength_steps"] == planned > 0


@pytest.mark.parametrize(
    ("slug", "exercise", "easier"),
    [
        ("knee-pain-relief", "step-down", "Step-down from the lowest step, holding a rail"),
        ("knee-patellar-tendon", "wall-sit", "Higher wall sit (knees bent about 45°)"),
        ("runners-essentials", "glute-bridge", "Short-range bridge"),
        ("knee-pain-relief", "wall-sit", None),  # already the easiest
    ],
)
def test_each_step_knows_the_easier_variant_a_pain_stop_offers(app, slug, exercise, easier):
    with app.app_context():
        steps = [s for s in steps_laid_out(builtin(slug)) if s.exercise.slug == exercise]
    assert {s.easier_variant for s in steps} == {easier}
