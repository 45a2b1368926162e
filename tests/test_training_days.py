"""Training days have one home (runpt.runner.models.set_training_days) and one form part
(runner/_days.html), used by the first run, Settings and History's training days: it
says the days are for strength sessions, takes any number of them, and a refused answer
is said at the top of the days, focused, so the page opens on it."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from runpt.extensions import db
from runpt.runner.models import RunnerSettings

RUNPT = Path(__file__).resolve().parent.parent / "runpt"
FORMS = {
    "/get-started": {"aim": ["injury-free"]},
    "/settings": {"unit": "kg", "time": "07:00"},
    "/history/training-days": {"time": "07:00"},
}


def stored_days(app) -> str:
    with app.app_context():
        return db.session.scalars(select(RunnerSettings.weekdays)).one()


@pytest.mark.parametrize("path", list(FORMS))
def test_every_days_form_says_strength_sessions(signed_in, path):
    page = signed_in.get(path).get_data(as_text=True)
    assert "The days for runpt's strength sessions, not your runs." in page
    assert page.count('id="days"') == 1


@pytest.mark.parametrize("path", list(FORMS))
def test_five_days_or_all_seven_are_taken(signed_in, app, path):
    for days in (["1", "2", "3", "4", "5"], [str(day) for day in range(1, 8)]):
        response = signed_in.post(path, data={**FORMS[path], "day": days})
        assert response.status_code == 302, response.get_data(as_text=True)
        assert stored_days(app) == ",".join(days)


@pytest.mark.parametrize("path", list(FORMS))
def test_a_refused_day_is_said_first_in_the_days_and_focused(signed_in, app, path):
    signed_in.post(path, data={**FORMS[path], "day": ["2"]})
    response = signed_in.post(path, data={**FORMS[path], "day": ["1", "8"]})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    fieldset = page[page.index('id="days"') : page.index("</fieldset>", page.index('id="days"'))]
    error = re.search(r'<p class="error" id="day-error"[^>]*>([^<]*)</p>', fieldset)
    assert error and error.group(1) == "Pick days from Monday to Sunday."
    assert "autofocus" in error.group(0) and fieldset.index("day-error") < fieldset.index(
        "day-grid"
    )
    assert stored_days(app) == "2"  # nothing of the refused answer saved


def test_only_the_one_setter_writes_the_days():
    writers = [
        path.relative_to(RUNPT).as_posix()
        for path in RUNPT.rglob("*.py")
        if re.search(r"\.weekdays\s*=[^=]", path.read_text())
    ]
    assert writers == ["runner/models.py"]
