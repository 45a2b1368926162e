"""Red flags and triage before set 1 (issue 22 item 1): the pages hold the check where a
session can start, home's Start is marked to open it, the player keeps the red flags in
reach at every step, and adding a problem shows its routines' red flags again and tells
the phone to ask again. The browser side is tests/browser/test_red_flags_first.py."""

import html
import re

from flask import Flask

from runpt.routines.models import Routine
from runpt.routines.start_check import (
    OTHER,
    STOP,
    THIS,
    check_version,
    needs_check,
    triage_questions,
)
from tests.test_history import text
from tests.test_routines import builtin, create

SETTINGS = {"day": ["1", "3"], "time": "07:00", "unit": "kg"}


def routine_id(app: Flask, slug: str) -> int:
    with app.app_context():
        return builtin(slug).id


def start_form(body: str) -> str:
    start = body.index('<form method="get"')
    return body[start : body.index("</form>", start)]


def test_the_player_start_card_asks_before_set_1_and_folds_once_answered(signed_in, app):
    body = html.unescape(text(signed_in.get(f"/session/{routine_id(app, 'shin-splints-relief')}")))
    card = start_form(body[body.index("data-not-started") :])
    assert "data-start-check-fields data-fold" in card
    assert card.index("Red flags:") < card.index("data-triage") < card.index("Start session")
    assert 'name="no-red-flags" required data-check-clear' in card
    start_card = body[body.index("data-not-started") : body.index('id="summary"')]
    assert "<strong>Running:</strong> Running load matters most" in start_card
    # The button names the version of the words the answers are kept with.
    assert re.search(r'data-start-check="[0-9a-f]{12}"', card)


def test_changed_words_are_a_new_version_of_the_check(app):
    """A runner who answered before a red flag was added reads it: the phone's answers
    are for one version of the words."""
    with app.app_context():
        shin = builtin("shin-splints-relief")
        before = check_version(shin)
        shin.red_flags += " And one more."
        assert check_version(shin) != before
        shin.triage = [{**shin.triage[0], "answers": shin.triage[0]["answers"][::-1]}]
        assert len({before, check_version(shin)}) == 2


def test_the_player_keeps_the_red_flags_in_reach_at_every_step(signed_in, app):
    """Under the player, outside the step it swaps, and linked from every step's header
    (a routine with no red flags has no #red-flags, and app.css hides the link)."""
    knee = routine_id(app, "knee-pain-relief")
    body = html.unescape(text(signed_in.get(f"/session/{knee}")))
    after_player = body[body.index('id="player"') :]
    details = re.search(r'<details class="red-flags-details".*?</details>', after_player, re.S)
    assert 'id="red-flags"' in details.group(0)
    assert "<summary>Red flags</summary>" in details.group(0)
    assert "locks, gives way" in details.group(0)
    assert "“Hip care” fits better" in details.group(0)
    step = text(signed_in.get(f"/session/{knee}/steps/0"))
    head = step[step.index('class="step-head"') : step.index('id="step-title"')]
    assert '<a class="step-red-flags" href="#red-flags" data-red-flags-link>Red flags</a>' in head


def test_home_start_opens_the_check_rather_than_holding_it(signed_in, app):
    signed_in.post("/get-started", data={"aim": ["shin-splints"], "day": ["1", "3"]})
    home = text(signed_in.get("/"))
    card = home[home.index("data-next-session-card") :]
    form = start_form(card)
    assert "data-start-check" in form and "data-start-check-fields" not in form
    assert f'data-href="/session/{routine_id(app, "shin-splints-relief")}"' in form


def test_an_own_routine_with_no_red_flags_starts_at_once(signed_in):
    routine = create(signed_in, "Mine", "glute-bridge")
    body = text(signed_in.get(f"/session/{routine}"))
    assert "data-start-check" not in body and 'id="red-flags"' not in body


def test_a_copy_counts_its_own_answer_as_this_routine(app):
    with app.app_context():
        knee = builtin("knee-pain-relief")
        copy = Routine(name="Mine", triage=knee.triage, copied_from=knee.slug, red_flags="x")
        builtins = {"knee-patellar-tendon": (7, "Tendon"), "hip-strain-relief": (8, "Hip care")}
        (question,) = triage_questions(copy, builtins)
        kinds = [answer.kind for answer in question.answers]
        assert kinds == [THIS, OTHER, OTHER, STOP] and needs_check(copy)
        gone = triage_questions(copy, {"hip-strain-relief": (8, "Hip care")})[0]
        assert [answer.kind for answer in gone.answers] == [THIS, OTHER, STOP]  # no dead link


def test_adding_a_problem_shows_its_red_flags_and_asks_again(signed_in, app):
    signed_in.post("/get-started", data={"aim": ["injury-free"], "day": ["1", "3"]})
    response = signed_in.post("/settings", data={**SETTINGS, "aim": ["injury-free", "achilles"]})
    page = html.unescape(text(signed_in.get(response.headers["Location"])))
    card = re.search(r'<section class="card new-problems".*?</section>', page, re.S).group(0)
    assert "Red flags for achilles tendon pain" in card
    # The three Achilles routines share one text: said once, naming all three.
    assert card.count("data-new-problem-red-flags") == 1 and "rupture" in card
    forget = re.search(r'data-forget-start-checks="([^"]*)"', card).group(1).split()
    assert sorted(forget) == ["achilles-care", "achilles-heel-drops", "achilles-insertional"]
    # Once: the next page, and a save that adds nothing, show no card.
    assert "new-problems" not in text(signed_in.get("/settings"))
    signed_in.post("/settings", data={**SETTINGS, "aim": ["achilles"]})
    assert "new-problems" not in text(signed_in.get("/settings"))


def test_the_first_run_answers_show_the_red_flags_on_home(signed_in):
    response = signed_in.post("/get-started", data={"aim": ["shin-splints"], "day": ["2", "4"]})
    home = html.unescape(text(signed_in.get(response.headers["Location"])))
    card = re.search(r'<section class="card new-problems".*?</section>', home, re.S).group(0)
    assert "Red flags for shin splints" in card and "bone stress injury" in card
    assert 'data-forget-start-checks="shin-splints-relief"' in card
    # Under the next session's card, whose Start (leading to them) stays in view, once.
    assert home.index("data-start-session") < home.index("new-problems")
    assert home.count('class="card new-problems"') == 1


def test_the_page_with_the_new_problems_red_flags_is_not_kept_on_the_phone(signed_in):
    """The page that shows a new problem's red flags also tells the phone to forget its
    answers to those routines' checks. Kept by the service worker, it stood in for home
    whenever the server was slow, told the phone again, and erased answers the runner
    had given since (CI saw it as answers lost). A page with one-time messages says
    it is not to be kept; home without them is kept as before."""
    response = signed_in.post("/get-started", data={"aim": ["shin-splints"], "day": ["2", "4"]})
    home = signed_in.get(response.headers["Location"])
    assert "data-forget-start-checks" in text(home)
    assert home.headers.get("X-Runpt-Not-Offline") == "1"
    again = signed_in.get("/")
    assert "data-forget-start-checks" not in text(again)
    assert "X-Runpt-Not-Offline" not in again.headers
    assert again.headers["X-Runpt-User"]  # kept, as the runner's page
    saved = signed_in.post("/settings", data={**SETTINGS, "aim": ["shin-splints"]})
    assert signed_in.get(saved.headers["Location"]).headers.get("X-Runpt-Not-Offline") == "1"
