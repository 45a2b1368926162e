"""The exercise library's pages: browse by group or running problem, search as you
type, read an exercise."""

from flask import Blueprint, abort, render_template, request

from runpt.library.dose import Dose
from runpt.library.models import GROUPS, PROBLEMS
from runpt.library.queries import by_group, exercise_by_slug, find_exercises

bp = Blueprint("library", __name__, url_prefix="/library")


def _filters() -> dict[str, str]:
    """The browse filters from the query string; unknown group or problem values are ignored."""
    group = request.args.get("group", "")
    problem = request.args.get("problem", "")
    return {
        "name": request.args.get("q", "")[:80],
        "group": group if group in GROUPS else "",
        "problem": problem if problem in PROBLEMS else "",
    }


@bp.get("/")
def index():
    filters = _filters()
    groups = by_group(find_exercises(**filters))
    return render_template(
        "library/index.html", groups=groups, filters=filters, GROUPS=GROUPS, PROBLEMS=PROBLEMS
    )


@bp.get("/results")
def results():
    """The result list alone, for the search box to swap in as the runner types."""
    filters = _filters()
    groups = by_group(find_exercises(**filters))
    return render_template("library/_results.html", groups=groups, filters=filters)


@bp.get("/<slug>")
def exercise(slug: str):
    found = exercise_by_slug(slug)
    if found is None:
        abort(404)
    return render_template(
        "library/exercise.html", exercise=found, dose=Dose.of(found), PROBLEMS=PROBLEMS
    )
