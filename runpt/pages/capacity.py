"""Capacity tests' pages: every test's latest result against its norm, left against
right, the change since last time, the ladder rung to train at and a chart over time;
and each test's own page, which runs the test on the phone with no signal
(js/capacity.js: a metronome, a count or a clock, logged through the outbox)."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from runpt.capacity.judging import is_real_change, retest
from runpt.capacity.norms import SEX_WORDS, capacity_tests, lsi_min
from runpt.capacity.sittings import capacity_results, last_answers, sittings_of
from runpt.history.charts import Series, line_chart
from runpt.history.overview import as_of
from runpt.history.weeks import today_from_sessions
from runpt.library.ladder import ExerciseFacts, variant_name
from runpt.library.models import PROBLEMS
from runpt.library.queries import exercise_by_slug
from runpt.log.summaries import current_summaries
from runpt.log.validation import AGE_BANDS

bp = Blueprint("capacity", __name__, url_prefix="/capacity")


@bp.get("/")
@login_required
def index():
    results, answers = capacity_results(current_user)
    today = today_from_sessions(current_summaries(current_user))
    days = [r.latest.day for r in results if r.latest is not None]
    return render_template(
        "capacity/index.html",
        results=results,
        answers=answers,
        rungs={r.test.slug: rung_named(r) for r in results if r.rung is not None},
        charts={r.test.slug: result_chart(r) for r in results if r.history},
        retest=retest(max(days), today) if days else None,
        is_real_change=is_real_change,
        lsi_min=lsi_min(),
        SEX_WORDS=SEX_WORDS,
        PROBLEMS=PROBLEMS,
        as_of=as_of(),
    )


def rung_named(result) -> dict:
    """The rung a result places the runner on, by its name on the exercise's ladder."""
    exercise = exercise_by_slug(result.test.placement_exercise)
    return {
        "exercise": exercise,
        "name": variant_name(ExerciseFacts.of(exercise), result.rung.level),
        "why": result.rung.why,
    }


def result_chart(result):
    """Left and right over time, one point per sitting; a table is on the page beside it."""
    test = result.test
    series = [
        Series(
            f"{side.capitalize()} side",
            [(s.day, s.values[side]) for s in result.history if s.values.get(side) is not None],
            css=f"series-{side}",
        )
        for side in ("left", "right")
    ]
    if not any(s.points for s in series):
        return None
    first, last = result.history[0], result.history[-1]
    description = (
        f"{test.name}, left and right, {len(result.history)} tests from "
        f"{first.day:%-d %b %Y} to {last.day:%-d %b %Y}."
    )
    unit = " s" if test.is_hold else ""
    y_max = 3 if test.measure == "checklist" else None
    return line_chart(
        f"capacity-{test.slug}", f"{test.name} over time", description,
        [s for s in series if s.points], unit=unit, y_max=y_max,
    )  # fmt: skip


@bp.get("/<any('heel-raise', 'side-bridge', 'single-leg-bridge', 'single-leg-squat'):slug>")
@login_required
def test(slug: str):
    """A test to run on the phone. Kept offline with the runner's pages, so it works with
    no signal; the last answers about age band, sex and incline are offered again."""
    found = capacity_tests().get(slug)
    if found is None:
        abort(404)
    return render_template(
        "capacity/test.html",
        test=found,
        answers=last_answers(sittings_of(current_user)),
        AGE_BANDS=AGE_BANDS,
        SEX_WORDS=SEX_WORDS,
        PROBLEMS=PROBLEMS,
    )
