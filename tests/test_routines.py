"""Routines: the built-in sessions, and a runner's own (create, edit, reorder, delete, copy)."""

import html
import re

import pytest
from sqlalchemy import func, select

from runpt.auth.models import User
from runpt.extensions import db
from runpt.library.dose import minutes
from runpt.library.models import PROBLEMS
from runpt.routines.models import Routine, RoutineStep
from tests.helpers import AuthActions

PHASE_ORDER = ["warm-up", "strength", "cool-down"]


def builtin_routines() -> list[Routine]:
    return db.session.scalars(
        select(Routine).where(Routine.owner_id.is_(None)).order_by(Routine.id)
    ).all()


def builtin_sessions() -> list[Routine]:
    """The built-in 20-30 minute sessions: every built-in routine but the daily add-ons."""
    return [routine for routine in builtin_routines() if not routine.add_on]


def builtin(slug: str = "runners-essentials") -> Routine:
    return db.session.scalar(select(Routine).where(Routine.slug == slug))


def routine_state(routine_id: int) -> tuple | None:
    """What a runner would see change: name, summary and each step with its dose."""
    routine = db.session.get(Routine, routine_id)
    if routine is None:
        return None
    db.session.refresh(routine)
    steps = [
        (s.id, s.position, s.exercise.slug, s.sets, s.reps, s.hold_s, s.rest_s)
        for s in routine.steps
    ]
    return routine.name, routine.summary, routine.owner_id, steps


def all_routines_state() -> list[tuple]:
    ids = db.session.scalars(select(Routine.id).order_by(Routine.id)).all()
    return [routine_state(i) for i in ids]


def own_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Routine).where(Routine.owner_id.is_not(None))
    )


def create(client, name: str = "Tuesday strength", *slugs: str) -> int:
    """A runner's own routine made through the forms; returns its id."""
    response = client.post("/routines", data={"name": name})
    assert response.status_code == 302
    routine_id = int(re.fullmatch(r"/routines/(\d+)/edit", response.headers["Location"]).group(1))
    for slug in slugs:
        assert (
            client.post(f"/routines/{routine_id}/steps", data={"exercise": slug}).status_code == 302
        )
    return routine_id


def step_slugs(routine_id: int) -> list[str]:
    return [step[2] for step in routine_state(routine_id)[3]]


def step_ids(routine_id: int) -> list[int]:
    return [step[0] for step in routine_state(routine_id)[3]]


def other_runner(app):
    """A second runner, logged in on their own client."""
    client = app.test_client()
    assert AuthActions(client).register(email="other@example.com").status_code == 302
    return client


HTMX = {"HX-Request": "true"}


# --- built-in routines ----------------------------------------------------------------


def test_builtin_routines_cover_the_essentials_and_every_running_problem(app):
    with app.app_context():
        routines = builtin_routines()
        essentials = builtin("runners-essentials")
        assert len(routines) >= 6
        assert essentials is not None and essentials.is_builtin
        problems = {r.problem for r in routines if r.problem}
        assert problems == set(PROBLEMS)
        for routine in routines:
            assert routine.slug and routine.name.strip()
            assert routine.steps


def test_every_builtin_routine_lasts_20_to_30_minutes(app):
    """By the estimate with a changeover between exercises (CHANGEOVER_S)."""
    with app.app_context():
        for routine in builtin_sessions():
            seconds = routine.seconds()
            assert 20 * 60 <= seconds <= 30 * 60, f"{routine.slug}: {seconds / 60:.1f} min"


def test_a_daily_add_on_is_short_strength_work(app):
    """The Alfredson heel drops, twice a day: no warm-up or stretch of their own, and
    short enough to do twice (content rule 2)."""
    with app.app_context():
        add_ons = [r for r in builtin_routines() if r.add_on]
        assert [r.slug for r in add_ons] == ["achilles-heel-drops"]
        for routine in add_ons:
            assert {s.exercise.phase for s in routine.steps} == {"strength"}
            assert routine.seconds() <= 15 * 60, routine.slug


def test_every_builtin_routine_goes_warm_up_then_strength_then_stretching(app):
    with app.app_context():
        for routine in builtin_sessions():
            phases = [step.exercise.phase for step in routine.steps]
            assert phases[0] == "warm-up" and phases[-1] == "cool-down", routine.slug
            assert "strength" in phases, routine.slug
            order = [PHASE_ORDER.index(p) for p in phases]
            assert order == sorted(order), f"{routine.slug}: {phases}"
            # Positions are 0..n-1, so the order is the order the runner sees.
            assert [s.position for s in routine.steps] == list(range(len(routine.steps)))


def test_problem_routines_work_on_their_problem(app):
    with app.app_context():
        for routine in builtin_routines():
            if not routine.problem:
                continue
            strength = [s.exercise for s in routine.steps if s.exercise.phase == "strength"]
            helping = [e for e in strength if routine.problem in e.problems]
            assert len(helping) * 2 >= len(strength), routine.slug


def test_routines_page_lists_builtins_with_their_duration(signed_in, app):
    response = signed_in.get("/routines")
    assert response.status_code == 200
    body = html.unescape(response.get_data(as_text=True))
    with app.app_context():
        for routine in builtin_routines():
            assert routine.name in body
            expected = f"about {minutes(routine.seconds())} min · {len(routine.steps)} exercises"
            assert expected in body, routine.slug
    assert "None yet." in body


def test_routine_page_shows_about_n_min_and_phases_in_order(signed_in, app):
    with app.app_context():
        routines = [
            (r.id, r.name, minutes(r.seconds()), r.steps[0].exercise.name)
            for r in builtin_sessions()
        ]
    for routine_id, name, duration, first in routines:
        response = signed_in.get(f"/routines/{routine_id}")
        assert response.status_code == 200
        body = html.unescape(response.get_data(as_text=True))
        assert f"<h1>{name}</h1>" in body
        assert f"About {duration} min" in body
        assert 20 <= duration <= 30
        assert first in body
        warm, strength, cool = (
            body.index("Warm-up mobility</li>"),
            body.index("Strength</li>"),
            body.index("Light stretching</li>"),
        )
        assert warm < strength < cool
        assert "Copy and change" in body and "Start session" in body


# --- creating and editing -------------------------------------------------------------


def test_create_routine(signed_in, app):
    response = signed_in.post("/routines", data={"name": "  Tuesday strength "})
    assert response.status_code == 302
    routine_id = int(re.fullmatch(r"/routines/(\d+)/edit", response.headers["Location"]).group(1))
    with app.app_context():
        routine = db.session.get(Routine, routine_id)
        runner = db.session.scalar(select(User))
        assert routine.name == "Tuesday strength"
        assert routine.owner_id == runner.id and routine.slug is None
        assert routine.steps == []
    editor = signed_in.get(response.headers["Location"])
    assert editor.status_code == 200
    assert 'value="Tuesday strength"' in editor.get_data(as_text=True)
    assert "No exercises yet." in editor.get_data(as_text=True)
    listing = html.unescape(signed_in.get("/routines").get_data(as_text=True))
    assert "Tuesday strength" in listing and "· yours" in listing


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the routine a name."),
        ("    ", "Give the routine a name."),
        ("x" * 121, "Keep the name under 120 characters."),
    ],
)
def test_create_routine_with_a_bad_name_is_refused(signed_in, app, name, message):
    response = signed_in.post("/routines", data={"name": name})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f'<p class="error" id="name-error">{message}</p>' in body
    with app.app_context():
        assert own_count() == 0


def test_add_exercises_with_a_plain_form_post(signed_in, app):
    routine_id = create(signed_in)
    response = signed_in.post(f"/routines/{routine_id}/steps", data={"exercise": "glute-bridge"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/routines/{routine_id}/edit"
    assert "HX-Request" in response.vary
    with app.app_context():
        assert step_slugs(routine_id) == ["glute-bridge"]
    editor = signed_in.get(f"/routines/{routine_id}/edit").get_data(as_text=True)
    assert "1. Glute bridge" in editor


def test_add_exercise_with_htmx_gets_the_steps_fragment(signed_in, app):
    routine_id = create(signed_in, "Mine", "hip-circles")
    response = signed_in.post(
        f"/routines/{routine_id}/steps", data={"exercise": "side-plank"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "HX-Request" in response.vary
    body = response.get_data(as_text=True)
    assert body.startswith('<section id="steps"')
    assert "<html" not in body
    assert "1. Hip circles" in body and "2. Side plank" in body
    with app.app_context():
        assert step_slugs(routine_id) == ["hip-circles", "side-plank"]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("slug", ["", "no-such-exercise", "GLUTE-BRIDGE", "glute-bridge'--"])
def test_adding_an_unknown_exercise_is_refused(signed_in, app, headers, slug):
    routine_id = create(signed_in, "Mine", "hip-circles")
    response = signed_in.post(
        f"/routines/{routine_id}/steps", data={"exercise": slug}, headers=headers
    )
    assert response.status_code == 422
    assert "HX-Request" in response.vary
    body = response.get_data(as_text=True)
    assert "Pick an exercise from the list." in body
    assert ("<html" in body) == (not headers)
    with app.app_context():
        assert step_slugs(routine_id) == ["hip-circles"]


def test_edit_name_and_description(signed_in, app):
    routine_id = create(signed_in)
    response = signed_in.post(
        f"/routines/{routine_id}/edit", data={"name": "Hill day", "summary": "Before the hills."}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/routines/{routine_id}"
    page = signed_in.get(f"/routines/{routine_id}").get_data(as_text=True)
    assert "<h1>Hill day</h1>" in page and "Before the hills." in page and "Routine saved." in page
    with app.app_context():
        assert routine_state(routine_id)[:2] == ("Hill day", "Before the hills.")


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"name": "", "summary": ""}, "name", "Give the routine a name."),
        ({"name": "y" * 121, "summary": ""}, "name", "Keep the name under 120 characters."),
        ({"name": "Fine", "summary": "z" * 501}, "summary", "Keep the description under 500"),
    ],
)
def test_edit_with_bad_details_is_refused_and_changes_nothing(signed_in, app, form, field, message):
    routine_id = create(signed_in, "Tuesday strength", "glute-bridge")
    with app.app_context():
        before = routine_state(routine_id)
    response = signed_in.post(f"/routines/{routine_id}/edit", data=form)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f'id="{field}-error">{message}' in body
    with app.app_context():
        assert routine_state(routine_id) == before


# --- reordering, doses, removing ------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_reorder_steps(signed_in, app, headers):
    routine_id = create(signed_in, "Mine", "hip-circles", "glute-bridge", "side-plank")
    with app.app_context():
        first, second, third = step_ids(routine_id)

    response = signed_in.post(
        f"/routines/{routine_id}/steps/{third}/move", data={"direction": "up"}, headers=headers
    )
    assert "HX-Request" in response.vary
    if headers:
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert body.startswith('<section id="steps"') and "<html" not in body
        assert body.index("2. Side plank") < body.index("3. Glute bridge")
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == f"/routines/{routine_id}/edit"
    with app.app_context():
        assert step_slugs(routine_id) == ["hip-circles", "side-plank", "glute-bridge"]
        assert step_ids(routine_id) == [first, third, second]
        assert [s[1] for s in routine_state(routine_id)[3]] == [0, 1, 2]

    signed_in.post(
        f"/routines/{routine_id}/steps/{first}/move", data={"direction": "down"}, headers=headers
    )
    with app.app_context():
        assert step_slugs(routine_id) == ["side-plank", "hip-circles", "glute-bridge"]


def test_moving_past_either_end_changes_nothing(signed_in, app):
    routine_id = create(signed_in, "Mine", "hip-circles", "glute-bridge")
    with app.app_context():
        first, last = step_ids(routine_id)
        before = routine_state(routine_id)
    assert (
        signed_in.post(
            f"/routines/{routine_id}/steps/{first}/move", data={"direction": "up"}
        ).status_code
        == 302
    )
    assert (
        signed_in.post(
            f"/routines/{routine_id}/steps/{last}/move", data={"direction": "down"}
        ).status_code
        == 302
    )
    with app.app_context():
        assert routine_state(routine_id) == before


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("direction", [None, "", "sideways", "UP", "up "])
def test_moving_with_a_bad_direction_is_refused(signed_in, app, headers, direction):
    routine_id = create(signed_in, "Mine", "hip-circles", "glute-bridge")
    with app.app_context():
        step = step_ids(routine_id)[1]
        before = routine_state(routine_id)
    data = {} if direction is None else {"direction": direction}
    response = signed_in.post(
        f"/routines/{routine_id}/steps/{step}/move", data=data, headers=headers
    )
    assert response.status_code == 422
    assert "Move a step up or down." in response.get_data(as_text=True)
    with app.app_context():
        assert routine_state(routine_id) == before


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_set_a_steps_dose(signed_in, app, headers):
    routine_id = create(signed_in, "Mine", "glute-bridge", "side-plank")
    with app.app_context():
        bridge, plank = step_ids(routine_id)

    response = signed_in.post(
        f"/routines/{routine_id}/steps/{bridge}/dose",
        data={"sets": "2", "reps": "15", "rest_s": "60"},
        headers=headers,
    )
    assert response.status_code == (200 if headers else 302)
    assert "HX-Request" in response.vary
    # A hold is set in seconds; reps sent for a hold are not stored.
    signed_in.post(
        f"/routines/{routine_id}/steps/{plank}/dose",
        data={"sets": "4", "hold_s": "45", "reps": "9", "rest_s": "20"},
        headers=headers,
    )
    with app.app_context():
        steps = routine_state(routine_id)[3]
        assert steps[0][3:] == (2, 15, None, 60)
        assert steps[1][3:] == (4, None, 45, 20)
    editor = signed_in.get(f"/routines/{routine_id}/edit").get_data(as_text=True)
    assert 'name="reps" value="15"' in editor and 'name="hold_s" value="45"' in editor


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"sets": "0", "reps": "10", "rest_s": "30"}, "Sets: a whole number from 1 to 10."),
        ({"sets": "11", "reps": "10", "rest_s": "30"}, "Sets: a whole number from 1 to 10."),
        ({"sets": "three", "reps": "10", "rest_s": "30"}, "Sets: a whole number from 1 to 10."),
        ({"sets": "2.5", "reps": "10", "rest_s": "30"}, "Sets: a whole number from 1 to 10."),
        ({"sets": "²", "reps": "10", "rest_s": "30"}, "Sets: a whole number from 1 to 10."),
        ({"sets": "9" * 5000, "reps": "10", "rest_s": "30"}, "Sets: a whole number from 1 to 10."),
        ({"sets": "3", "reps": "", "rest_s": "30"}, "Reps: a whole number from 1 to 100."),
        ({"sets": "3", "reps": "101", "rest_s": "30"}, "Reps: a whole number from 1 to 100."),
        (
            {"sets": "3", "reps": "10", "rest_s": "-5"},
            "Rest seconds: a whole number from 0 to 600.",
        ),
        ({"sets": "3", "reps": "10"}, "Rest seconds: a whole number from 0 to 600."),
    ],
)
def test_a_bad_dose_is_refused_and_changes_nothing(signed_in, app, headers, form, message):
    routine_id = create(signed_in, "Mine", "glute-bridge")
    with app.app_context():
        step = step_ids(routine_id)[0]
        before = all_routines_state()
    response = signed_in.post(
        f"/routines/{routine_id}/steps/{step}/dose", data=form, headers=headers
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert 'aria-invalid="true"' in body
    with app.app_context():
        assert all_routines_state() == before


def test_a_bad_hold_is_refused(signed_in, app):
    routine_id = create(signed_in, "Mine", "side-plank")
    with app.app_context():
        step = step_ids(routine_id)[0]
        before = routine_state(routine_id)
    response = signed_in.post(
        f"/routines/{routine_id}/steps/{step}/dose",
        data={"sets": "3", "hold_s": "2", "rest_s": "30"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Hold seconds: a whole number from 5 to 600." in response.get_data(as_text=True)
    with app.app_context():
        assert routine_state(routine_id) == before


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_remove_a_step(signed_in, app, headers):
    routine_id = create(signed_in, "Mine", "hip-circles", "glute-bridge", "side-plank")
    with app.app_context():
        middle = step_ids(routine_id)[1]
    response = signed_in.post(f"/routines/{routine_id}/steps/{middle}/delete", headers=headers)
    assert response.status_code == (200 if headers else 302)
    if headers:
        assert "Glute bridge" not in response.get_data(as_text=True).split("<select", 1)[0]
    with app.app_context():
        assert step_slugs(routine_id) == ["hip-circles", "side-plank"]
        assert [s[1] for s in routine_state(routine_id)[3]] == [0, 1]
        assert db.session.get(RoutineStep, middle) is None


def test_delete_a_routine(signed_in, app):
    routine_id = create(signed_in, "Short lived", "hip-circles", "glute-bridge")
    with app.app_context():
        ids = step_ids(routine_id)
    response = signed_in.post(f"/routines/{routine_id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/routines"
    listing = html.unescape(signed_in.get("/routines").get_data(as_text=True))
    assert "Deleted “Short lived”." in listing
    assert f'href="/routines/{routine_id}"' not in listing
    with app.app_context():
        assert db.session.get(Routine, routine_id) is None
        assert all(db.session.get(RoutineStep, i) is None for i in ids)
    assert signed_in.get(f"/routines/{routine_id}").status_code == 404


def test_start_from_a_copy_of_a_builtin(signed_in, app):
    with app.app_context():
        source = builtin()
        source_id, before = source.id, routine_state(source.id)
        name = source.name
    response = signed_in.post(f"/routines/{source_id}/copy")
    assert response.status_code == 302
    copy_id = int(re.fullmatch(r"/routines/(\d+)/edit", response.headers["Location"]).group(1))
    assert copy_id != source_id
    editor = html.unescape(signed_in.get(response.headers["Location"]).get_data(as_text=True))
    assert f"“{name} (my copy)” is yours to change." in editor
    with app.app_context():
        copy = routine_state(copy_id)
        runner = db.session.scalar(select(User))
        assert copy[0] == f"{name} (my copy)"
        assert copy[2] == runner.id
        # The same exercises and doses, as new steps of its own.
        assert [s[1:] for s in copy[3]] == [s[1:] for s in before[3]]
        assert not {s[0] for s in copy[3]} & {s[0] for s in before[3]}
        first_step = copy[3][0][0]

    # Changing the copy leaves the built-in alone.
    signed_in.post(f"/routines/{copy_id}/steps/{first_step}/delete")
    signed_in.post(f"/routines/{copy_id}/edit", data={"name": "Mine now", "summary": ""})
    with app.app_context():
        assert routine_state(source_id) == before
        assert len(routine_state(copy_id)[3]) == len(before[3]) - 1


def test_copy_of_own_routine(signed_in, app):
    routine_id = create(signed_in, "Mine", "glute-bridge")
    response = signed_in.post(f"/routines/{routine_id}/copy")
    assert response.status_code == 302
    with app.app_context():
        assert own_count() == 2


# --- ownership ------------------------------------------------------------------------


OWN_ROUTINE_REQUESTS = [
    ("get", "/routines/{r}"),
    ("get", "/routines/{r}/edit"),
    ("post", "/routines/{r}/edit"),
    ("post", "/routines/{r}/copy"),
    ("post", "/routines/{r}/delete"),
    ("post", "/routines/{r}/steps"),
    ("post", "/routines/{r}/steps/{s}/move"),
    ("post", "/routines/{r}/steps/{s}/dose"),
    ("post", "/routines/{r}/steps/{s}/delete"),
]
FORM = {"name": "Taken over", "summary": "", "exercise": "side-plank", "direction": "down",
        "sets": "5", "reps": "5", "rest_s": "5"}  # fmt: skip


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(("method", "path"), OWN_ROUTINE_REQUESTS)
def test_another_runners_routine_is_not_found(signed_in, app, method, path, headers):
    routine_id = create(signed_in, "Private", "glute-bridge", "hip-circles")
    with app.app_context():
        step = step_ids(routine_id)[0]
        before = all_routines_state()
    other = other_runner(app)
    response = getattr(other, method)(path.format(r=routine_id, s=step), data=FORM, headers=headers)
    assert response.status_code == 404
    assert "There is nothing here." in response.get_data(as_text=True)
    assert "Private" not in response.get_data(as_text=True)
    with app.app_context():
        assert all_routines_state() == before


@pytest.mark.parametrize(("method", "path"), OWN_ROUTINE_REQUESTS[6:])
def test_a_step_of_another_routine_is_not_found(signed_in, app, method, path):
    theirs = create(other_runner(app), "Theirs", "glute-bridge")
    mine = create(signed_in, "Mine", "hip-circles", "side-plank")
    with app.app_context():
        their_step = step_ids(theirs)[0]
        before = all_routines_state()
    response = getattr(signed_in, method)(path.format(r=mine, s=their_step), data=FORM)
    assert response.status_code == 404
    with app.app_context():
        assert all_routines_state() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [r for r in OWN_ROUTINE_REQUESTS if r[1] not in ("/routines/{r}", "/routines/{r}/copy")],
)
def test_builtin_routines_cannot_be_edited(signed_in, app, method, path):
    with app.app_context():
        routine = builtin()
        routine_id, step = routine.id, routine.steps[0].id
        before = all_routines_state()
    response = getattr(signed_in, method)(path.format(r=routine_id, s=step), data=FORM)
    assert response.status_code == 404
    with app.app_context():
        assert all_routines_state() == before


def test_builtin_routine_page_offers_copy_not_edit(signed_in, app):
    with app.app_context():
        routine_id = builtin().id
    body = signed_in.get(f"/routines/{routine_id}").get_data(as_text=True)
    assert f'action="/routines/{routine_id}/copy"' in body
    assert f'href="/routines/{routine_id}/edit"' not in body


def test_runners_see_only_their_own_routines_listed(signed_in, app):
    create(signed_in, "Mine only")
    other = other_runner(app)
    create(other, "Theirs only")
    mine = signed_in.get("/routines").get_data(as_text=True)
    theirs = other.get("/routines").get_data(as_text=True)
    assert "Mine only" in mine and "Theirs only" not in mine
    assert "Theirs only" in theirs and "Mine only" not in theirs


def test_unknown_routine_is_not_found(signed_in):
    response = signed_in.get("/routines/999999")
    assert response.status_code == 404
    assert "There is nothing here." in response.get_data(as_text=True)


def test_a_copy_gets_its_builtins_reviewed_red_flags_and_keeps_its_own_doses(signed_in, app):
    from runpt.routines.builtin import load_library

    with app.app_context():
        source = next(r for r in builtin_routines() if r.red_flags and r.triage)
        source_id, flags, triage = source.id, source.red_flags, source.triage
    copy_id = int(signed_in.post(f"/routines/{source_id}/copy").headers["Location"].split("/")[2])
    signed_in.post(f"/routines/{copy_id}/edit", data={"name": "Mine now", "summary": "Mine"})
    with app.app_context():
        # As a copy made before the review: the wording it kept then.
        copy = db.session.get(Routine, copy_id)
        copy.red_flags, copy.triage, copy.running = "Old red flags.", [], "Old running line."
        copy.steps[0].sets = 5
        db.session.commit()
        stale_since = copy.updated_at

        load_library()  # what every start runs

        copy = db.session.get(Routine, copy_id)
        db.session.refresh(copy)
        assert (copy.red_flags, copy.triage) == (flags, triage)
        assert copy.running == db.session.get(Routine, source_id).running
        assert copy.updated_at > stale_since  # the phone renews its offline copy
        assert (copy.name, copy.summary, copy.steps[0].sets) == ("Mine now", "Mine", 5)
    page = html.unescape(signed_in.get(f"/routines/{copy_id}").get_data(as_text=True))
    assert "Old red flags." not in page
    assert flags.split(".")[0] in page
