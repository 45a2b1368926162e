"""The player's pages and step fragments, at the Flask client level."""

import re
import shutil
from datetime import timedelta

import pytest
from flask import template_rendered
from sqlalchemy import create_engine, select, update

from runpt.extensions import db
from runpt.library.loader import DATA
from runpt.routines import steps as steps_module
from runpt.routines.builtin import load_library
from runpt.routines.models import Routine, RoutineStep
from runpt.routines.steps import steps_as_of, steps_of
from runpt.timestamps import utcnow
from tests.events import at, logged, new_session, started
from tests.statements import statements_during


def builtin(slug: str = "runners-essentials") -> Routine:
    return db.session.scalar(select(Routine).where(Routine.slug == slug))


def own_routine(client, *slugs: str) -> int:
    response = client.post("/routines", data={"name": "Quick one"})
    routine_id = int(re.search(r"/routines/(\d+)/edit", response.headers["Location"]).group(1))
    for slug in slugs:
        client.post(f"/routines/{routine_id}/steps", data={"exercise": slug})
    return routine_id


def test_the_steps_are_one_per_set_and_side(app):
    with app.app_context():
        routine = builtin()
        steps = steps_of(routine)
        expected = sum(s.dose.sets * len(s.dose.sides) for s in routine.steps)
        assert len(steps) == expected
        assert [s.index for s in steps] == list(range(len(steps)))
        per_side = next(s for s in steps if s.side is not None)
        # One-sided work: left then right within a set; the switch is a short wait.
        following = steps[per_side.index + 1]
        assert (per_side.side, following.side) == ("left", "right")
        assert following.wait_kind == "switch"
        assert steps[0].wait_kind == "get-ready"


def test_rest_between_sets_is_the_routines_rest(app):
    with app.app_context():
        steps = steps_of(builtin())
        second_set = next(s for s in steps if s.set_no == 2 and s.side in (None, "left"))
        assert second_set.wait_kind == "rest"
        assert second_set.wait_s == second_set.dose.rest_s


def test_routine_page_offers_start_session(signed_in, app):
    with app.app_context():
        routine_id = builtin().id
    page = signed_in.get(f"/routines/{routine_id}").get_data(as_text=True)
    assert ">Start session</button>" in page
    assert f'data-href="/session/{routine_id}"' in page


def test_player_page_and_step_fragment_are_different_urls(signed_in, app):
    with app.app_context():
        routine_id = builtin().id
    player = signed_in.get(f"/session/{routine_id}")
    step = signed_in.get(f"/session/{routine_id}/steps/0")
    assert "<html" in player.get_data(as_text=True)
    fragment = step.get_data(as_text=True)
    assert "<html" not in fragment and "<body" not in fragment
    assert 'id="step"' in fragment
    # The player steps through the routine's unit, which holds every step fragment.
    assert f'data-unit-url="/offline/routines/{routine_id}"' in player.get_data(as_text=True)


def test_step_shows_exercise_dose_side_tempo_cues_and_controls(signed_in, app):
    with app.app_context():
        routine = builtin()
        steps = steps_of(routine)
        one_sided = next(s for s in steps if s.side == "right")
        expected = {
            "name": one_sided.exercise.name, "cue": one_sided.exercise.cues[0],
            "target": one_sided.dose.target_text(), "sets": one_sided.dose.sets,
            "tempo": one_sided.dose.tempo,
        }  # fmt: skip
        routine_id = routine.id
    body = signed_in.get(f"/session/{routine_id}/steps/{one_sided.index}").get_data(as_text=True)
    assert expected["name"] in body
    assert f"Set {one_sided.set_no} of {expected['sets']} · {expected['target']}" in body
    assert "Right side" in body
    assert expected["cue"] in body
    if expected["tempo"]:
        assert f"Tempo {expected['tempo']}" in body
    for control in ("Log set", "Skip", "Back", "Finish session"):
        assert f">{control}</button>" in body
    for field in ('name="pain"', 'name="rpe"', 'name="load"', 'name="note"'):
        assert field in body
    assert "First time logging this one." in body


def test_a_hold_step_asks_for_seconds_held_not_reps(signed_in, app):
    routine_id = own_routine(signed_in, "front-plank")
    body = signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    assert 'name="hold_s"' in body and 'name="reps"' not in body
    assert "s hold" in body
    assert "data-hold-start" in body


def last_times(body: str) -> list[tuple[str, bool, str]]:
    """(session id, hidden?, text) of each "last time" line of a step, in order."""
    found = re.findall(
        r'<p class="last-time" data-last-session="([^"]+)" data-last-load="[^"]*" ?(hidden)?>'
        r"(.*?)</p>",
        body,
        re.S,
    )
    return [(session, bool(hidden), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip())
            for session, hidden, text in found]  # fmt: skip


@pytest.mark.clock  # shows the day of the last session on the runner's clock
def test_step_shows_last_time_from_the_runners_own_history(signed_in, auth, app):
    """The whole last session of the exercise, with its date: every set's reps, the
    heaviest load, the hardest effort and the highest pain."""
    routine_id = own_routine(signed_in, "glute-bridge")
    session = new_session()
    signed_in.post("/api/sync", json={"events": [
        started(session, routine=routine_id, at=at(-3000)),
        logged(session, "glute-bridge", 1, reps=9, rpe=7, pain=3, load_kg=10, at=at(-2999)),
        logged(session, "glute-bridge", 2, reps=11, rpe=8, pain=2, load_kg=10, at=at(-2998)),
    ]})  # fmt: skip
    body = signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    day = (utcnow() + timedelta(minutes=-3000, hours=1)).strftime("%a %-d %b")
    assert last_times(body) == [
        (session, False, f"Last time, {day}: 9, 11 reps · 10 kg · RPE 8 · pain 3")
    ]
    assert "First time logging this one." in body  # there, hidden, for the player
    # The load set 1 starts from (the player fills it in), and the field on show for it.
    assert f'data-last-session="{session}" data-last-load="10.0"' in body
    assert re.search(r'<div class="load-field"><label>Load \(kg\)', body)
    assert "<summary>Effort, note</summary>" in body


def test_last_time_offers_the_session_before_too_for_the_player_to_leave_out_the_current(
    signed_in, app
):
    """A step made while a session runs (its first sets synced) names that session
    first: the player hides it and shows the one before (js/player.js)."""
    routine_id = own_routine(signed_in, "glute-bridge")
    older, earlier, running = new_session(), new_session(), new_session()
    signed_in.post("/api/sync", json={"events": [
        logged(older, "glute-bridge", 1, reps=5, at=at(-9000)),
        logged(earlier, "glute-bridge", 1, reps=8, at=at(-3000)),
        logged(earlier, "glute-bridge", 2, reps=7, at=at(-2999)),
        logged(running, "glute-bridge", 1, reps=12, at=at(-1)),
        logged(running, "glute-bridge", 1, reps=13, at=at(0)),  # a correction: counts once
    ]})  # fmt: skip
    shown = last_times(signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True))
    in_order = [(session, hidden) for session, hidden, _ in shown]
    assert in_order == [(running, False), (earlier, True)]
    assert "13 reps" in shown[0][2] and "12" not in shown[0][2]
    assert "8, 7 reps" in shown[1][2]


def test_last_time_of_a_one_sided_step_is_that_sides_sets(signed_in, app):
    routine_id = own_routine(signed_in, "clamshell")
    session = new_session()
    signed_in.post("/api/sync", json={"events": [
        logged(session, "clamshell", 1, side="left", reps=10, at=at(-100)),
        logged(session, "clamshell", 1, side="right", reps=7, at=at(-99)),
    ]})  # fmt: skip
    left = last_times(signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True))
    right = last_times(signed_in.get(f"/session/{routine_id}/steps/1").get_data(as_text=True))
    assert "10 reps" in left[0][2] and "7 reps" in right[0][2]


def test_a_step_drawn_before_a_new_log_or_an_edit_is_drawn_again_after(signed_in, app):
    """Steps are kept once drawn, per runner; a sync of new logs or a change of the
    routine shows at once."""
    routine_id = own_routine(signed_in, "glute-bridge")
    first = signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    assert "First time logging this one." in first
    assert signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True) == first
    session = new_session()
    signed_in.post("/api/sync", json={"events": [
        started(session, routine=routine_id, at=at(-60)),
        logged(session, "glute-bridge", 1, reps=7, at=at(-59)),
    ]})  # fmt: skip
    after_log = signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    assert re.search(r"Last time, [^:]+:</span>\s*7 reps", after_log)
    with app.app_context():
        step_id = step_ids(routine_id)[0]
    signed_in.post(
        f"/routines/{routine_id}/steps/{step_id}/dose",
        data={"sets": "1", "reps": "4", "rest_s": "30"},
    )
    after_edit = signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    assert "Set 1 of 1 · 4 reps" in after_edit


def test_another_runners_history_never_shows_as_last_time(signed_in, auth, client, app):
    session = new_session()
    signed_in.post("/api/sync", json={"events": [logged(session, "glute-bridge", reps=33)]})
    auth.logout()
    auth.register(email="second@example.com")
    routine_id = own_routine(client, "glute-bridge")
    body = client.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    assert "33 reps" not in body
    assert "First time logging this one." in body


def test_a_step_past_the_end_is_404(signed_in, app):
    with app.app_context():
        routine = builtin()
        routine_id, total = routine.id, len(steps_of(routine))
    assert signed_in.get(f"/session/{routine_id}/steps/{total - 1}").status_code == 200
    assert signed_in.get(f"/session/{routine_id}/steps/{total}").status_code == 404


@pytest.mark.parametrize("path", ["/session/{id}", "/session/{id}/steps/0", "/history/sessions"])
def test_player_needs_login(client, app, path):
    with app.app_context():
        routine_id = builtin().id
    response = client.get(path.format(id=routine_id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_another_runners_routine_cannot_be_played(signed_in, auth, client):
    routine_id = own_routine(signed_in, "glute-bridge")
    auth.logout()
    auth.register(email="intruder@example.com")
    assert client.get(f"/session/{routine_id}").status_code == 404
    assert client.get(f"/session/{routine_id}/steps/0").status_code == 404


def test_fragments_carry_no_ids_a_cache_could_reuse(signed_in, app):
    """Event and session ids are made in the browser at the moment of the action."""
    with app.app_context():
        routine_id = builtin().id
    body = signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", body)


def test_past_sessions_lists_a_synced_session_with_its_facts(signed_in):
    session = new_session()
    signed_in.post("/api/sync", json={"events": [
        started(session, at=at(-30)), logged(session, at=at(-29), pain=4),
        logged(session, "clamshell", at=at(-28), pain=1),
        {"id": "f" * 8 + "-0000-4000-8000-" + "0" * 12, "type": "session.finished",
         "at": at(-5), "session": session, "data": {}},
    ]})  # fmt: skip
    body = signed_in.get("/history/sessions").get_data(as_text=True)
    assert "Runner's essentials" in body or "Runner&#39;s essentials" in body
    assert "2 sets" in body
    assert "25 min" in body
    assert "highest pain 4" in body


def test_background_offline_copies_leave_one_time_messages_for_the_runner(signed_in):
    created = signed_in.post("/routines", data={"name": "Flash me"})
    saved = signed_in.post(created.headers["Location"], data={"name": "Renamed", "summary": ""})
    # The service worker copies pages for offline use while the redirect is followed.
    copy = signed_in.get("/history/sessions", headers={"X-Runpt-Offline-Copy": "1"})
    assert "Routine saved." not in copy.get_data(as_text=True)
    page = signed_in.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Routine saved." in page


# --- the plan cache: laid out once per change of a routine, never stale ------------------


def step_ids(routine_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(RoutineStep.id)
            .where(RoutineStep.routine_id == routine_id)
            .order_by(RoutineStep.position)
        )
    )


def dose_line(client, routine_id: int, index: int = 0) -> str:
    body = client.get(f"/session/{routine_id}/steps/{index}").get_data(as_text=True)
    return re.search(r'<span class="dose-now">(.*?)</span>', body).group(1)


def test_step_fragments_reuse_the_laid_out_steps(signed_in, app, monkeypatch):
    routine_id = own_routine(signed_in, "glute-bridge", "clamshell")
    signed_in.get(f"/session/{routine_id}/steps/0")
    reads = []
    monkeypatch.setattr(steps_module, "_read_steps", lambda *args: reads.append(args))
    signed_in.get(f"/session/{routine_id}/steps/1")
    signed_in.get(f"/session/{routine_id}/steps/2")
    assert reads == []  # laid out once, on the first step


def test_a_dose_saved_while_a_request_holds_the_old_steps_is_never_kept_as_the_new_steps(
    signed_in, app
):
    """The offline unit renders the routine page (its steps come into the request's
    session) and then every step, reading the routine's last change afresh for each. An
    edit committed in between must not leave the old steps cached under the new change:
    the phone would keep a routine of the old doses as the current version."""
    routine_id = own_routine(signed_in, "glute-bridge")
    with app.app_context():
        (bridge,) = db.session.scalars(
            select(RoutineStep).where(RoutineStep.routine_id == routine_id)
        ).all()
        assert bridge.dose.sets == 3  # held by this request, as the routine page left it
        with app.app_context():  # another request, with its own session, saves a dose
            saved = signed_in.post(
                f"/routines/{routine_id}/steps/{bridge.id}/dose",
                data={"sets": "2", "reps": "5", "rest_s": "0"},
            )
        assert saved.status_code in (200, 302)
        assert bridge.dose.sets == 3  # this request's session still holds the old step
        changed = db.session.execute(
            select(Routine.updated_at).where(Routine.id == routine_id)
        ).scalar_one()
        assert [step.set_no for step in steps_as_of(routine_id, changed)] == [1, 2]
    with app.app_context():
        assert len(steps_as_of(routine_id, changed)) == 2


def test_steps_read_after_a_newer_edit_are_not_kept_under_the_older_change(signed_in, app):
    routine_id = own_routine(signed_in, "glute-bridge")
    with app.app_context():
        before = db.session.get(Routine, routine_id).updated_at
        (bridge,) = step_ids(routine_id)
    signed_in.post(
        f"/routines/{routine_id}/steps/{bridge}/dose",
        data={"sets": "2", "reps": "5", "rest_s": "0"},
    )
    with app.app_context():
        # A request that read the older change just before the edit committed...
        assert len(steps_as_of(routine_id, before)) == 2  # ...lays out what is there now
        assert (routine_id, before) not in steps_module._LAID_OUT  # but keeps it under nothing


def test_the_cached_steps_hold_plain_values_not_database_rows(signed_in, app):
    routine_id = own_routine(signed_in, "glute-bridge", "side-plank")
    signed_in.get(f"/session/{routine_id}/steps/0")
    with app.app_context():
        updated_at = db.session.get(Routine, routine_id).updated_at
        steps = steps_as_of(routine_id, updated_at)
    for step in steps:
        values = [*vars(step).values(), *vars(step.exercise).values(), *vars(step.dose).values()]
        assert not any(isinstance(value, db.Model) for value in values)
        assert isinstance(step.exercise.cues, tuple)


def test_an_edited_dose_shows_in_the_next_step_fragment(signed_in, app):
    routine_id = own_routine(signed_in, "glute-bridge")
    assert dose_line(signed_in, routine_id) == "Set 1 of 3 · 10 reps"  # cached now
    with app.app_context():
        (bridge,) = step_ids(routine_id)
    signed_in.post(
        f"/routines/{routine_id}/steps/{bridge}/dose",
        data={"sets": "4", "reps": "15", "rest_s": "30"},
    )
    assert dose_line(signed_in, routine_id) == "Set 1 of 4 · 15 reps"
    assert 'data-total="4"' in signed_in.get(f"/session/{routine_id}/steps/3").get_data(
        as_text=True
    )


def test_two_edits_within_one_tick_of_the_clock_both_show(signed_in, app, clock):
    """The cache key is the routine's updated_at: a second change in the same
    microsecond must still move it."""
    routine_id = own_routine(signed_in, "glute-bridge")
    with app.app_context():
        (bridge,) = step_ids(routine_id)
        frozen = db.session.get(Routine, routine_id).updated_at
    clock.set(frozen)  # the clock stands still: both edits happen at the same instant
    for reps in ("11", "12"):
        signed_in.post(
            f"/routines/{routine_id}/steps/{bridge}/dose",
            data={"sets": "2", "reps": reps, "rest_s": "30"},
        )
        assert dose_line(signed_in, routine_id) == f"Set 1 of 2 · {reps} reps"


def test_added_moved_and_removed_steps_show_in_the_fragments(signed_in, app):
    routine_id = own_routine(signed_in, "glute-bridge")
    assert "Glute bridge" in signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    signed_in.post(f"/routines/{routine_id}/steps", data={"exercise": "clamshell"})
    with app.app_context():
        bridge, clamshell = step_ids(routine_id)
    signed_in.post(f"/routines/{routine_id}/steps/{clamshell}/move", data={"direction": "up"})
    first = signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    assert 'data-exercise="clamshell"' in first and "Exercise 1 of 2" in first
    signed_in.post(f"/routines/{routine_id}/steps/{clamshell}/delete")
    first = signed_in.get(f"/session/{routine_id}/steps/0").get_data(as_text=True)
    assert 'data-exercise="glute-bridge"' in first and "Exercise 1 of 1" in first


def test_a_change_committed_by_another_process_shows_at_once(signed_in, app):
    """Another gunicorn worker shares no memory with this one: it changes the database,
    moving updated_at as every change does, and nothing tells this process."""
    routine_id = own_routine(signed_in, "glute-bridge")
    assert dose_line(signed_in, routine_id) == "Set 1 of 3 · 10 reps"  # cached here
    with app.app_context():
        (bridge,) = step_ids(routine_id)
        other_process = create_engine(db.engine.url)
    with other_process.begin() as connection:
        connection.execute(
            update(RoutineStep.__table__).where(RoutineStep.id == bridge).values(sets=3, reps=8)
        )
        connection.execute(
            update(Routine.__table__).where(Routine.id == routine_id).values(updated_at=utcnow())
        )
    other_process.dispose()
    assert dose_line(signed_in, routine_id) == "Set 1 of 3 · 8 reps"


def test_reloading_a_changed_exercise_shows_in_routines_using_it(signed_in, app, tmp_path):
    """`flask load-library` with a changed exercise (here its name and default reps)
    marks every routine using it as changed, built-in or a runner's own."""
    routine_id = own_routine(signed_in, "glute-bridge")
    with app.app_context():
        builtin_id = builtin().id
        index = next(s.index for s in steps_of(builtin()) if s.exercise.slug == "glute-bridge")
    assert dose_line(signed_in, routine_id) == "Set 1 of 3 · 10 reps"
    signed_in.get(f"/session/{builtin_id}/steps/{index}")  # both cached now
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    source = (folder / "exercises.toml").read_text()
    start = source.index('slug = "glute-bridge"')
    end = source.index("[[exercise]]", start)
    block = source[start:end].replace("\nreps = 10\n", "\nreps = 14\n")
    block = block.replace('name = "Glute bridge"', 'name = "Bridge, renamed"')
    (folder / "exercises.toml").write_text(source[:start] + block + source[end:])
    with app.app_context():
        load_library(folder)
    assert dose_line(signed_in, routine_id) == "Set 1 of 3 · 14 reps"
    body = signed_in.get(f"/session/{builtin_id}/steps/{index}").get_data(as_text=True)
    assert "Bridge, renamed" in body
    # (The app fixture loads the package's library again afterwards.)


def test_the_log_forms_fixed_scales_are_drawn_once_and_complete(signed_in, app):
    """Effort and pain scales are the same on every step: drawn once per process."""
    with app.app_context():
        routine_id = builtin().id
    drawn = []

    def record(sender, template, context, **extra):
        drawn.append(template.name)

    with template_rendered.connected_to(record, app):
        bodies = [
            signed_in.get(f"/session/{routine_id}/steps/{i}").get_data(as_text=True) for i in (0, 1)
        ]
    assert drawn.count("session/_step.html") == 2
    assert (
        drawn.count("session/_pain_scale.html") <= 1
        and drawn.count("session/_rpe_options.html") <= 1
    )
    for body in bodies:
        rpe = re.search(r'<select name="rpe">(.*?)</select>', body, re.S).group(1)
        assert re.findall(r'<option value="(\d*)">', rpe) == ["", *map(str, range(1, 11))]
        pains = re.findall(r'<input type="radio" name="pain" value="(\d+)" ?(checked)?>', body)
        # No pain is pre-selected: a set logged without one is stored as null, not 0.
        assert pains == [(str(n), "") for n in range(11)]
        assert "checked" not in re.search(r'<div class="pain-scale">.*?</div>', body, re.S).group(0)
        assert body.count('class="pain-ok"') == 3 and body.count('class="pain-high"') == 5


def test_start_works_before_the_pages_scripts_have_run(signed_in, app):
    """Start is a form that opens the player with ?start=1: a tap on a slow phone before
    the scripts ran still starts (the player starts when it sees it)."""
    with app.app_context():
        routine_id = builtin().id
    for page in (f"/routines/{routine_id}", f"/session/{routine_id}"):
        body = signed_in.get(page).get_data(as_text=True)
        form = re.search(
            r'<form method="get" action="([^"]+)" class="start-form">(.*?)</form>', body, re.S
        )
        assert form and form.group(1) == f"/session/{routine_id}", page
        assert '<input type="hidden" name="start" value="1">' in form.group(2)
        assert "data-start-session" in form.group(2)
    assert signed_in.get(f"/session/{routine_id}?start=1").status_code == 200


def test_a_step_kept_compressed_reads_the_same_as_drawn(signed_in):
    """A drawn step is kept gzipped too: a browser (every one accepts gzip) gets those
    bytes, a client that accepts nothing else gets the plain fragment, and both say the
    same, the first time and when kept."""
    import gzip

    routine_id = own_routine(signed_in, "glute-bridge", "clamshell")
    url = f"/session/{routine_id}/steps/1"
    plain = signed_in.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    for _ in range(2):
        packed = signed_in.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert packed.headers["Content-Type"].startswith("text/html")
        assert gzip.decompress(packed.get_data()) == plain.get_data()


def test_a_phone_whose_address_changes_keeps_its_session_cookie_as_it_is(signed_in):
    """Mobile networks change a phone's address often: that neither signs the runner out
    nor makes every answer set the session cookie again."""
    routine_id = own_routine(signed_in, "glute-bridge")
    for address in ("10.1.2.3", "100.64.9.8"):
        answer = signed_in.get(
            f"/session/{routine_id}/steps/0", environ_base={"REMOTE_ADDR": address}
        )
        assert answer.status_code == 200 and "Glute bridge" in answer.get_data(as_text=True)
        assert answer.headers.getlist("Set-Cookie") == []


def test_a_step_drawn_before_costs_the_sign_in_and_one_read(signed_in, app):
    """What every step of every session pays once it has been drawn: who is signed in,
    and one read of what the step depends on (the routine's version, the newest log the
    server received, the runner's unit), nothing more."""
    routine_id = own_routine(signed_in, "glute-bridge")
    signed_in.get(f"/session/{routine_id}/steps/1")
    signed_in_read, step_read = (
        s.replace('"', "")
        for s in statements_during(app, signed_in, f"/session/{routine_id}/steps/1")
    )
    assert signed_in_read.startswith("SELECT user.") and "JOIN sign_in" in signed_in_read
    assert step_read.startswith("SELECT routine.id, routine.updated_at")
    assert "max(event.received_at)" in step_read and "runner_settings.unit" in step_read
