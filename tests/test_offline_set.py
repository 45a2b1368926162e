"""The offline set as the server gives it: a manifest of versioned units, and units
asked for a few at a time. What a unit holds is what its pages' own views render."""

from datetime import UTC, datetime

import pytest

from tests.events import logged, new_session, started

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)


def manifest(client) -> dict:
    response = client.get("/offline/urls")
    assert response.status_code == 200
    return response.get_json()


def own_routine(client, name: str = "Mine", exercise: str = "glute-bridge") -> int:
    created = client.post("/routines", data={"name": name})
    routine_id = int(created.headers["Location"].split("/")[-2])
    client.post(f"/routines/{routine_id}/steps", data={"exercise": exercise})
    return routine_id


def test_the_manifest_lists_every_routine_the_library_and_the_pages_with_versions(signed_in):
    listed = manifest(signed_in)
    assert len(listed["routines"]) >= 7
    assert all(len(r["version"]) == 16 for r in listed["routines"])
    assert listed["library"]["version"] and listed["pages"]["version"]
    assert listed["units"] == "/offline/units"


def test_a_batch_holds_each_unit_whole_in_the_order_asked(signed_in):
    routines = manifest(signed_in)["routines"]
    first, second = routines[0]["id"], routines[1]["id"]
    answer = signed_in.get(f"/offline/units?routine={second}&routine={first}&library=1&pages=1")
    units = answer.get_json()["units"]
    assert [u["kind"] for u in units] == ["routine", "routine", "library", "pages"]
    assert [u["id"] for u in units[:2]] == [second, first]
    routine = units[1]
    assert routine["version"] == routines[0]["version"]
    # Its page, its player and every step, as their own URLs render them.
    assert set(routine["pages"]) == {f"/routines/{first}", f"/session/{first}"}
    assert len(routine["steps"]) == len(routine["exercise_of_step"]) == len(routines[0]["urls"]) - 2
    step = signed_in.get(f"/session/{first}/steps/0").get_data(as_text=True)
    assert routine["steps"][0] == step
    assert "/library/glute-bridge" in units[2]["pages"] and "/" in units[3]["pages"]
    assert all(unit["user"] == units[0]["user"] for unit in units)


def test_another_runners_routine_is_left_out_of_a_batch(client, auth):
    auth.register("first@example.com")
    theirs = own_routine(client, "Theirs")
    auth.logout()
    auth.register("second@example.com")
    units = client.get(f"/offline/units?routine={theirs}&library=1").get_json()["units"]
    assert [u["kind"] for u in units] == ["library"]
    assert client.get(f"/offline/routines/{theirs}").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Ask for at least one unit"),
        ("?routine=abc", "routine: give routine ids as whole numbers"),
        ("?routine=-3", "routine: give routine ids as whole numbers"),
        ("?routine=1%C2%B2", "routine: give routine ids as whole numbers"),
        ("?" + "&".join(f"routine={n}" for n in range(13)), "At most 12 units per request"),
    ],
)
def test_a_bad_batch_says_what_to_ask_for(signed_in, query, message):
    answer = signed_in.get(f"/offline/units{query}")
    assert answer.status_code == 400
    assert message in answer.get_json()["error"]


def test_an_edit_moves_only_that_routines_version(signed_in):
    routine_id = own_routine(signed_in)
    before = manifest(signed_in)
    signed_in.post(f"/routines/{routine_id}/steps", data={"exercise": "clamshell"})
    after = manifest(signed_in)
    moved = {r["id"] for r in after["routines"]} - {
        r["id"] for r in after["routines"] if r in before["routines"]
    }
    assert moved == {routine_id}
    # The runner's other pages don't change with a routine: its unit carries its row.
    assert after["pages"] == before["pages"] and after["library"] == before["library"]
    unit = signed_in.get(f"/offline/units?routine={routine_id}").get_json()["units"][0]
    assert f'data-routine-row="{routine_id}"' in unit["row"] and unit["own"] is True


def test_a_log_moves_the_routines_with_that_exercise_and_the_pages(signed_in):
    before = manifest(signed_in)
    session = new_session()
    signed_in.post("/api/sync", json={"events": [started(session), logged(session, "clamshell")]})
    after = manifest(signed_in)
    moved = {r["id"] for r in after["routines"] if r not in before["routines"]}
    with_clamshell = {
        r["id"]
        for r in before["routines"]
        if "/library/clamshell"
        in signed_in.get(f"/offline/routines/{r['id']}").get_data(as_text=True)
    }
    assert moved == with_clamshell and 0 < len(moved) < len(before["routines"])
    assert after["pages"] != before["pages"]
    assert after["library"] == before["library"]


def test_the_pages_version_turns_at_the_runners_midnight_not_the_servers(signed_in, clock):
    """'Next session: today' on the kept home page must change when the runner's day
    does: at their midnight (UTC+1 here, from their session), not the server's."""
    clock.set(datetime(2026, 12, 16, 22, 0, tzinfo=UTC))  # 23:00 on the runner's clock
    session = new_session()
    signed_in.post("/api/sync", json={"events": [started(session), logged(session, "clamshell")]})
    evening = manifest(signed_in)["pages"]
    clock.advance(minutes=30)  # 23:30 for them
    assert manifest(signed_in)["pages"] == evening
    clock.advance(minutes=40)  # 00:10 for them, 23:10 UTC: their day has turned
    assert manifest(signed_in)["pages"] != evening
