"""Loads in kg or lb, a setting: stored in kg always (events carry load_kg), shown and
typed in the runner's unit everywhere: the log form, "last time", history, progress and
the exports (which keep the stored load_kg beside it)."""

import csv
import io
import json
import re

from runpt.runner.units import KG_PER_LB, form_limits, in_unit, load_text, to_kg
from tests.events import logged, new_session, started
from tests.test_first_run import builtin_id
from tests.test_history import a_session, days_ago, sync, text
from tests.test_routines import create


def in_pounds(client):
    answers = {"aim": ["injury-free"], "day": ["1"], "time": "07:00", "unit": "lb", "voice": "on"}
    response = client.post("/settings", data=answers)
    assert response.status_code == 302


def test_every_load_a_runner_can_type_in_pounds_reads_back_the_same():
    """Half-pound steps from 0 to the form's most: stored in kg, shown in lb again."""
    typed = [half / 2 for half in range(0, 2 * 1102 + 1)]
    assert [in_unit(to_kg(pounds, "lb"), "lb") for pounds in typed] == typed


def test_conversions_and_the_forms_limits_stay_inside_the_stored_limits():
    assert KG_PER_LB == 0.45359237
    assert load_text(11.34, "lb") == "25 lb" and load_text(10, "kg") == "10 kg"
    assert load_text(None, "lb") == ""
    assert form_limits((0, 500), "kg") == (0, 500)
    low, high = form_limits((0, 500), "lb")
    assert (low, high) == (0, 1102) and to_kg(high, "lb") <= 500


def test_the_log_form_takes_pounds_and_says_how_many_kg_one_is(signed_in):
    routine_id = create(signed_in, "Lifts", "romanian-deadlift")
    assert 'Load (kg)<input type="number" name="load"' in text(
        signed_in.get(f"/session/{routine_id}/steps/0")
    )
    in_pounds(signed_in)
    step = text(signed_in.get(f"/session/{routine_id}/steps/0"))
    field = re.search(r'Load \(lb\)<input type="number" name="load"[^>]*>', step, re.S).group(0)
    assert 'min="0" max="1102"' in field
    assert 'data-unit="lb"' in field and 'data-kg-per-unit="0.45359237"' in field


def test_last_time_history_and_progress_show_pounds(signed_in):
    routine_id = create(signed_in, "Lifts", "romanian-deadlift")
    sync(signed_in, a_session(days_ago(1), {"exercise": "romanian-deadlift", "reps": 8,
                                            "load_kg": 11.34}))  # fmt: skip
    in_pounds(signed_in)
    assert "· 25 lb" in text(signed_in.get(f"/session/{routine_id}/steps/0"))
    session = signed_in.get("/api/sessions").get_json()["sessions"][0]["id"]
    assert "8 · 25 lb" in text(signed_in.get(f"/history/sessions/{session}"))
    progress = text(signed_in.get("/history/progress/romanian-deadlift"))
    assert "Heaviest load: <strong>25 lb</strong>" in progress
    assert "<td>25 lb</td>" in progress
    assert "Load in lb, 1 sessions, from 25 lb to 25 lb." in progress
    assert " kg" not in progress


def test_exports_name_the_unit_and_keep_the_stored_kg(signed_in):
    session = new_session()
    sync(signed_in, [started(session), logged(session, "romanian-deadlift", load_kg=11.34)])
    in_pounds(signed_in)
    rows = list(csv.DictReader(io.StringIO(text(signed_in.get("/history/export/events.csv")))))
    lift = next(row for row in rows if row["type"] == "set.logged")
    assert (lift["load_kg"], lift["load"], lift["load_unit"]) == ("11.34", "25.0", "lb")
    everything = json.loads(text(signed_in.get("/history/export.json")))
    assert everything["runner"]["unit"] == "lb"
    raw = next(e for e in everything["events"] if e["type"] == "set.logged")
    assert raw["data"]["load_kg"] == 11.34 and "load" not in raw["data"]  # as the phone sent it
    one_set = everything["sessions"][0]["sets"][0]
    assert (one_set["load_kg"], one_set["load"], one_set["load_unit"]) == (11.34, 25.0, "lb")


def test_a_runner_in_kg_sees_kg_as_before(signed_in, app):
    essentials = builtin_id(app, "runners-essentials")
    step = text(signed_in.get(f"/session/{essentials}/steps/0"))
    assert 'Load (kg)<input type="number" name="load"' in step and 'max="500"' in step
