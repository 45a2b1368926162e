"""Pain is charted where it was felt: a session's pain belongs to the problem the runner
is training for (its routine's problem), not to every problem its exercises are tagged
with. The pain page, the physio report and progress agree."""

import re
import uuid
from datetime import date, datetime

import pytest

from runpt.history.pain import pain_per_problem
from runpt.log.summaries import Summary
from tests.test_history import a_session, days_ago, sync, text
from tests.test_routines import create

STARTED = datetime(2026, 11, 27, 7, 0)


def summary(routine, pains: dict, n=1) -> Summary:
    return Summary(
        session_id=uuid.UUID(int=n), event_count=3, routine=routine, started_at=STARTED,
        offset_min=0, finished_at=None, set_count=len(pains), planned_sets=None,
        strength_sets=len(pains), highest_pain=max(pains.values(), default=None),
        pain_by_exercise=pains, morning=None,
    )  # fmt: skip


ROUTINES = {"knee-pain-relief": "knee-pain", "achilles-care": "achilles", "42": "knee-pain"}
TAGS = {
    "step-down": ["knee-pain", "hip-strain"],
    "eccentric-heel-drop": ["achilles"],
    "double-leg-calf-raise": ["achilles", "shin-splints", "plantar-fasciitis"],
    "glute-bridge": ["knee-pain", "hip-strain", "lower-back"],
}


@pytest.mark.parametrize(
    ("routine", "pains", "own", "expected"),
    [
        ("knee-pain-relief", {"step-down": 6}, (), {"knee-pain": 6}),  # not also "hip strain"
        ("knee-pain-relief", {"step-down": 3, "glute-bridge": 5}, (), {"knee-pain": 5}),
        ("achilles-care", {"double-leg-calf-raise": 4}, (), {"achilles": 4}),  # not shin, heel
        ("42", {"glute-bridge": 2}, (), {"knee-pain": 2}),  # a runner's copy keeps its problem
        ("runners-essentials", {"step-down": 6}, (), {}),  # no problem: overall only
        ("7", {"glute-bridge": 4}, (), {}),  # an own routine with no problem
        (None, {"step-down": 4}, (), {}),  # a session whose start never arrived
        # Later, the runner's own problems: only exercises that address them.
        ("runners-essentials", {"step-down": 6, "double-leg-calf-raise": 3}, ("achilles",),
         {"achilles": 3}),
        ("runners-essentials", {"glute-bridge": 4}, ("knee-pain", "lower-back"),
         {"knee-pain": 4, "lower-back": 4}),
        ("knee-pain-relief", {"step-down": 6}, ("achilles",), {"knee-pain": 6}),  # routine first
        ("achilles-care", {}, (), {}),  # no pain logged
    ],
    ids=["knee-step-down", "knee-highest", "achilles-calf", "own-copy", "essentials",
         "own-no-problem", "no-start", "own-problem-achilles", "own-problems-two",
         "routine-wins", "no-pain"],
)  # fmt: skip
def test_a_sessions_pain_goes_to_the_problem_it_trains(routine, pains, own, expected):
    found = pain_per_problem([summary(routine, pains)], ROUTINES, own, TAGS)
    assert {problem: [p.pain for p in points] for problem, points in found.items()} == {
        problem: [pain] for problem, pain in expected.items()
    }
    assert all(p.day == date(2026, 11, 27) for points in found.values() for p in points)


def problems_on(page: str) -> list[str]:
    return re.findall(r'data-pain-problem="([a-z-]+)"', page)


def test_knee_pain_on_step_downs_is_knee_pain_only(signed_in):
    sync(signed_in, a_session(days_ago(2), {"exercise": "step-down", "pain": 6, "side": "left"},
                              routine="knee-pain-relief"))  # fmt: skip
    sync(signed_in, a_session(days_ago(1), {"exercise": "double-leg-calf-raise", "pain": 4},
                              routine="achilles-care"))  # fmt: skip
    sync(signed_in, a_session(days_ago(0, hour=1), {"exercise": "step-down", "pain": 3,
                                                    "side": "left"}))  # essentials  # fmt: skip
    page = text(signed_in.get("/history/pain"))
    assert problems_on(page) == ["knee-pain", "achilles"]
    knee = page.split('data-pain-problem="knee-pain"')[1].split("</section>")[0]
    assert "Latest 6 (too much), 1 session." in knee
    assert "Latest: <strong>3</strong>" in page  # every session still counts overall
    report = text(signed_in.get("/history/report"))
    problems = re.search(r"data-report-problems>.*?</table>", report, re.S).group(0)
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td>', problems)
    assert rows == [("Knee pain", "1", "6"), ("Achilles tendon pain", "1", "4")]
    # Progress for the exercise shows the same pain per session.
    progress = text(signed_in.get("/history/progress/step-down"))
    assert re.findall(r"<td>(\d)</td></tr>", progress) == ["3", "6"]


def test_a_copy_of_a_problem_routine_keeps_its_problem(signed_in, app):
    from sqlalchemy import select

    from runpt.extensions import db
    from runpt.routines.models import Routine

    with app.app_context():
        knee = db.session.scalar(select(Routine).where(Routine.slug == "knee-pain-relief")).id
    response = signed_in.post(f"/routines/{knee}/copy")
    copy = int(re.search(r"/routines/(\d+)/edit", response.headers["Location"]).group(1))
    sync(signed_in, a_session(days_ago(1), {"exercise": "glute-bridge", "pain": 4},
                              routine=copy))  # fmt: skip
    own = create(signed_in, "No problem", "glute-bridge")
    sync(signed_in, a_session(days_ago(0, hour=1), {"pain": 5}, routine=own))
    page = text(signed_in.get("/history/pain"))
    assert problems_on(page) == ["knee-pain"]
    assert "Latest 4 (acceptable)" in page


def test_a_general_sessions_pain_goes_under_the_problems_the_runner_chose(signed_in):
    """Runner's essentials trains no problem: its pain is charted under the problems the
    runner ticked (first run or settings), with the pain of the exercises for each, on
    the pain page and in the physio report alike."""
    sync(signed_in, a_session(days_ago(1), {"exercise": "step-down", "pain": 5, "side": "left"},
                              {"exercise": "double-leg-calf-raise", "pain": 2}))  # fmt: skip
    assert problems_on(text(signed_in.get("/history/pain"))) == []
    signed_in.post("/get-started", data={"aim": ["knee-pain", "achilles"], "day": ["1"]})
    page = text(signed_in.get("/history/pain"))
    assert problems_on(page) == ["knee-pain", "achilles"]
    achilles = page.split('data-pain-problem="achilles"')[1].split("</section>")[0]
    assert "Latest 2 (safe)" in achilles  # the calf raise, not the step-down's 5
    assert "count under the problems you told runpt about (knee pain, achilles tendon pain)" in page
    report = text(signed_in.get("/history/report"))
    problems = re.search(r"data-report-problems>.*?</table>", report, re.S).group(0)
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td>', problems)
    assert rows == [("Knee pain", "1", "5"), ("Achilles tendon pain", "1", "2")]
