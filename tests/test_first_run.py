"""First run: after signing up, two questions (what the runner wants, which days they
train), then home with the routine that fits and a one-tap Start. Home always shows the
next session's routine; every answer can be changed later in Settings."""

import html
import re

import pytest
from sqlalchemy import select

from runpt.extensions import db
from runpt.routines.models import Routine
from runpt.runner.models import RunnerSettings
from tests.test_history import a_session, days_ago, sync, text


def builtin_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Routine.id).where(Routine.slug == slug))


def next_session(home: str) -> str:
    heading = re.search(r'<h1 id="next-title">(.*?)</h1>', home, re.S).group(1)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", heading))).strip()


def start_form(home: str) -> tuple[str, str]:
    """(action, the hidden start field) of the Start session form on the page: a GET
    form to the player, so a tap before the page's scripts ran still starts."""
    form = re.search(r'<form method="get" action="([^"]+)" class="start-form">(.*?)</form>',
                     home, re.S)  # fmt: skip
    hidden = re.search(r'<input type="hidden" name="start" value="1">', form.group(2))
    return form.group(1), hidden.group(0)


def ticked(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)" checked', page)


def test_signing_up_asks_two_questions_with_rest_days_between_suggested(client, auth):
    response = auth.register()
    assert response.headers["Location"] == "/get-started"
    page = text(client.get("/get-started"))
    assert (
        "1. What do you want from runpt?" in page
        and "2. Which days will you do your strength sessions?" in page
    )
    for choice in ("Stay injury-free", "Knee pain", "Shin splints", "Achilles tendon pain",
                   "Plantar fasciitis", "Side-of-hip pain / weak hips",
                   "Lower back tightness"):  # fmt: skip
        assert f"> {choice}</label>" in page
    assert 'type="checkbox" name="aim"' in page  # more than one may be ticked
    assert ticked(page, "day") == ["1", "3", "5"]  # Monday, Wednesday, Friday
    assert "with a rest day between them" in page
    # A plain form: it works before (or without) any script.
    assert '<form method="post" action="/get-started"' in page


def test_answers_land_on_home_with_the_problems_routine_and_a_one_tap_start(signed_in, app):
    response = signed_in.post("/get-started", data={"aim": ["knee-pain"], "day": ["2", "4"]})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    home = text(signed_in.get("/"))
    assert re.fullmatch(r"Next session: (today|tomorrow|\w+day) — Kneecap pain", next_session(home))
    knee = builtin_id(app, "knee-pain-relief")
    assert start_form(home)[0] == f"/session/{knee}"
    assert "for knee pain" in home
    assert "data-first-questions" not in home  # answered: no nudge to answer
    with app.app_context():
        settings = db.session.scalars(select(RunnerSettings)).one()
        assert (settings.problems, settings.injury_free, settings.days) == (["knee-pain"], False,
                                                                            [2, 4])  # fmt: skip
        assert settings.answered_at is not None


def test_staying_injury_free_gets_runners_essentials(signed_in, app):
    signed_in.post("/get-started", data={"aim": ["injury-free"], "day": ["1", "3", "5"]})
    home = text(signed_in.get("/"))
    assert next_session(home).endswith("— Runner's essentials")
    assert "to stay injury-free" in home
    assert start_form(home)[0] == f"/session/{builtin_id(app, 'runners-essentials')}"


def test_without_answers_home_still_offers_a_next_session_and_the_questions(signed_in, app):
    home = text(signed_in.get("/"))
    assert next_session(home) == "Next session — Runner's essentials"
    assert start_form(home)[0] == f"/session/{builtin_id(app, 'runners-essentials')}"
    assert "data-first-questions" in home and 'href="/get-started"' in home


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"day": ["1"]}, "aim", "Pick at least one: staying injury-free, or a problem you have."),
        ({"aim": ["bad-knees"], "day": ["1"]}, "aim", "Pick from the list"),
    ],
)
def test_a_refused_answer_says_why_and_keeps_what_was_ticked(signed_in, form, field, message):
    response = signed_in.post("/get-started", data=form)
    assert response.status_code == 400
    page = text(response)
    assert f'id="{field}-error">{message}' in page
    assert ticked(page, "day") == form["day"]


def test_more_than_one_problem_takes_turns_session_by_session(signed_in, app):
    signed_in.post("/get-started", data={"aim": ["injury-free", "shin-splints", "achilles"],
                                         "day": ["1", "4"]})  # fmt: skip
    assert next_session(text(signed_in.get("/"))).endswith("— Shin care")
    sync(signed_in, a_session(days_ago(2), {"pain": 1}, routine="shin-splints-relief"))
    assert next_session(text(signed_in.get("/"))).endswith("— Achilles care (mid-tendon)")
    sync(signed_in, a_session(days_ago(1), {"pain": 1}, routine="achilles-care"))
    assert next_session(text(signed_in.get("/"))).endswith("— Runner's essentials")


def test_the_runners_own_copy_stands_in_for_the_builtin_it_came_from(signed_in, app):
    """Accepting a suggestion makes a copy: the next session is that copy, with the
    doses the runner accepted, not the built-in they left."""
    signed_in.post("/get-started", data={"aim": ["hip-strain"], "day": ["1", "4"]})
    hip = builtin_id(app, "hip-strain-relief")
    copied = signed_in.post(f"/routines/{hip}/copy").headers["Location"]
    copy = int(re.search(r"/routines/(\d+)/edit", copied).group(1))
    home = text(signed_in.get("/"))
    assert next_session(home).endswith("— Hip care (my copy)")
    assert start_form(home)[0] == f"/session/{copy}"


def test_settings_change_the_answers_later_from_the_footer(signed_in, app):
    signed_in.post("/get-started", data={"aim": ["knee-pain"], "day": ["1", "3", "5"]})
    assert 'href="/settings"' in text(signed_in.get("/"))  # the footer link
    page = text(signed_in.get("/settings"))
    assert ticked(page, "aim") == ["knee-pain"] and ticked(page, "day") == ["1", "3", "5"]
    # The voice box left unticked: off.
    answers = {"aim": ["lower-back"], "day": ["2", "6"], "time": "18:15", "unit": "lb"}
    response = signed_in.post("/settings", data=answers)
    assert response.headers["Location"] == "/settings"
    page = text(signed_in.get("/settings"))
    assert "Settings saved." in page
    assert ticked(page, "aim") == ["lower-back"] and ticked(page, "day") == ["2", "6"]
    assert 'value="lb" checked' in page and 'name="voice" value="on" checked' not in page
    assert next_session(text(signed_in.get("/"))).endswith("— Lower back care")
    lower_back = builtin_id(app, "lower-back-relief")
    player = text(signed_in.get(f"/session/{lower_back}"))
    assert 'data-voice="off"' in player  # the player starts silent


def test_settings_can_be_saved_without_a_problem_or_an_aim(signed_in):
    """A runner who only wants pounds needn't say what they train for."""
    answers = {"day": [], "time": "07:00", "unit": "lb"}
    assert signed_in.post("/settings", data=answers).status_code == 302
    assert next_session(text(signed_in.get("/"))) == "Next session — Runner's essentials"


def test_a_refused_setting_keeps_everything_typed(signed_in):
    response = signed_in.post("/settings", data={
        "aim": ["achilles"], "day": ["1"], "time": "25:99", "unit": "stone", "voice": "on",
    })  # fmt: skip
    assert response.status_code == 400
    page = text(response)
    assert "Give a time like 07:30" in page and "Pick kilograms or pounds." in page
    assert ticked(page, "aim") == ["achilles"] and 'value="25:99"' in page
    assert 'name="voice" value="on" checked' in page


def test_the_first_run_and_settings_are_kept_offline_with_home(signed_in):
    urls = signed_in.get("/offline/units?pages=1").get_json()["units"][0]["pages"]
    assert {"/", "/settings", "/get-started"} <= set(urls)


def test_a_changed_unit_or_voice_refetches_every_routine_on_the_phone(signed_in):
    before = signed_in.get("/offline/urls").get_json()
    signed_in.post("/settings", data={"aim": ["injury-free"], "day": ["1"], "time": "07:00",
                                      "unit": "lb", "voice": "on"})  # fmt: skip
    after = signed_in.get("/offline/urls").get_json()
    versions = {r["version"] for r in before["routines"]}
    assert not versions & {r["version"] for r in after["routines"]}
    assert after["pages"] != before["pages"]
