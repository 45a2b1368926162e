"""Home and the routines: the list, a routine's page with its progression suggestions
and red flags, the editor, copying and deleting."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from runpt.extensions import db
from runpt.history.morning import morning_question
from runpt.history.overview import overview
from runpt.library.dose import LONGEST_SESSION_S, minutes
from runpt.library.models import PROBLEMS
from runpt.library.queries import by_group, find_exercises
from runpt.log import WAITING_TOO_LONG_DAYS
from runpt.log.reads import logged_runs
from runpt.log.summaries import current_summaries
from runpt.progression.suggestions import accept, shown_target, suggestion_for, suggestions_for
from runpt.routines import editing as edit
from runpt.routines.recommend import next_routine, recommended_routines
from runpt.routines.start_check import triage_questions
from runpt.runner.models import settings_of

bp = Blueprint("routines", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("routines/welcome.html")
    summaries = current_summaries(current_user)
    facts = overview(current_user, summaries)
    settings = settings_of(current_user)
    return render_template(
        "routines/home.html",
        routines=edit.visible_routines(current_user),
        minutes=minutes,
        morning=morning_question(summaries, logged_runs(current_user)),
        waiting_too_long_days=WAITING_TOO_LONG_DAYS,
        next_routine=next_session_routine(settings, facts["tally"]),
        PROBLEMS=PROBLEMS,
        **facts,
    )


def next_session_routine(settings, tally):
    """The next session's routine: from the runner's answers, taking turns after the
    routine of the last session that counted."""
    last_done = tally.counted[0].routine if tally.counted else None
    return next_routine(recommended_routines(current_user, settings), last_done)


@bp.get("/sessions")
def past_sessions_moved():
    """Past sessions moved to History; an old bookmark still gets there."""
    return redirect(url_for("history.sessions"), 301)


@bp.get("/routines")
@login_required
def index():
    return render_template(
        "routines/index.html",
        routines=edit.visible_routines(current_user),
        minutes=minutes,
        PROBLEMS=PROBLEMS,
        errors={},
    )


@bp.post("/routines")
@login_required
def create():
    name, summary = request.form.get("name", ""), request.form.get("summary", "")
    errors, status = edit.details_errors(name, summary), 400
    if not errors:
        try:
            routine = edit.create_routine(current_user, name, summary)
        except edit.TooManyRoutines as full:
            errors, status = {"name": full.message}, full.status
        else:
            return redirect(url_for("routines.edit_page", routine_id=routine.id))
    page = render_template(
        "routines/index.html",
        routines=edit.visible_routines(current_user),
        minutes=minutes,
        PROBLEMS=PROBLEMS,
        errors=errors,
        name=name,
        summary=summary,
    )
    return page, status


@bp.get("/routines/<int:routine_id>")
@login_required
def show(routine_id: int):
    routine = edit.routine_for(current_user, routine_id)
    return render_template("routines/show.html", **_page_context(routine))


def _page_context(routine) -> dict:
    """What a routine's page shows, on a plain view and after a refused Accept alike."""
    builtins = edit.builtin_routines_by_slug()
    return {
        "routine": routine,
        "minutes": minutes,
        "PROBLEMS": PROBLEMS,
        "suggestions": suggestions_for(current_user, routine),
        "too_long": too_long(routine),
        "triage": triage_questions(routine, builtins),
    }


def too_long(routine) -> bool:
    """Longer than the article's 30 minutes by the estimate (a daily add-on is short by
    design and never warned about)."""
    return not routine.add_on and routine.seconds() > LONGEST_SESSION_S


@bp.post("/routines/<int:routine_id>/steps/<int:step_id>/accept")
@login_required
def accept_suggestion(routine_id: int, step_id: int):
    """Take the progression suggestion the runner was shown. It is worked out again
    here: if it changed since the page was made (a sync brought new logs), nothing
    changes and the runner sees the new one."""
    routine = edit.routine_for(current_user, routine_id)
    step = edit.step_of(routine, step_id)
    suggestion = suggestion_for(current_user, step)
    shown = shown_target(request.form)
    if suggestion is None or not suggestion.changes_dose or suggestion.target != shown:
        flash("That suggestion has changed since the page was loaded; here is the current one.",
              "error")  # fmt: skip
        page = render_template("routines/show.html", **_page_context(routine))
        return page, 409
    name = step.exercise.name
    changed = accept(current_user, routine, step, suggestion)
    if changed.id != routine.id:
        flash(f"Saved in your own copy, “{changed.name}”: start your sessions from it.", "info")
    else:
        flash(f"{name}: new target saved.", "info")
    if too_long(changed):
        flash(
            f"“{changed.name}” now takes about {minutes(changed.seconds())} minutes, more than "
            "the 20–30 a session should take: drop a set of another exercise, or move one "
            "to another day.",
            "error",
        )
    return redirect(url_for("routines.show", routine_id=changed.id)), 303


@bp.post("/routines/<int:routine_id>/copy")
@login_required
def copy(routine_id: int):
    try:
        copy = edit.copy_routine(current_user, edit.routine_for(current_user, routine_id))
    except edit.TooManyRoutines as full:
        return render_template("error.html", status=full.status, message=full.message), 409
    flash(f"“{copy.name}” is yours to change.", "info")
    return redirect(url_for("routines.edit_page", routine_id=copy.id))


@bp.route("/routines/<int:routine_id>/edit", methods=["GET", "POST"])
@login_required
def edit_page(routine_id: int):
    routine = edit.routine_for(current_user, routine_id, editable=True)
    errors = {}
    if request.method == "POST":
        name, summary = request.form.get("name", ""), request.form.get("summary", "")
        errors = edit.details_errors(name, summary)
        if not errors:
            edit.set_details(routine, name, summary)
            flash("Routine saved.", "info")
            return redirect(url_for("routines.show", routine_id=routine.id))
        db.session.rollback()
    page = render_template(
        "routines/edit.html", **_editor_context(routine), errors=errors, form=request.form
    )
    return page, 400 if errors else 200


@bp.post("/routines/<int:routine_id>/delete")
@login_required
def delete(routine_id: int):
    routine = edit.routine_for(current_user, routine_id, editable=True)
    name = routine.name
    db.session.delete(routine)
    db.session.commit()
    flash(f"Deleted “{name}”.", "info")
    return redirect(url_for("routines.index"))


@bp.post("/routines/<int:routine_id>/steps")
@login_required
def add_step(routine_id: int):
    routine = edit.routine_for(current_user, routine_id, editable=True)
    error = edit.add_step(routine, request.form.get("exercise", ""))
    return _steps_changed(routine, {"exercise": error} if error else {})


@bp.post("/routines/<int:routine_id>/steps/<int:step_id>/move")
@login_required
def move_step(routine_id: int, step_id: int):
    routine = edit.routine_for(current_user, routine_id, editable=True)
    # The step first: another runner's step id is a 404 whatever the direction says.
    step = edit.step_of(routine, step_id)
    direction = request.form.get("direction")
    if direction not in {"up", "down"}:
        return _steps_changed(routine, {"move": "Move a step up or down."})
    edit.move_step(routine, step, direction)
    return _steps_changed(routine)


@bp.post("/routines/<int:routine_id>/steps/<int:step_id>/dose")
@login_required
def set_dose(routine_id: int, step_id: int):
    routine = edit.routine_for(current_user, routine_id, editable=True)
    step = edit.step_of(routine, step_id)
    values, errors = edit.parse_dose(request.form, step.dose.is_hold)
    if not errors:
        edit.set_step_dose(step, values)
    return _steps_changed(routine, {f"{step.id}.{k}": v for k, v in errors.items()})


@bp.post("/routines/<int:routine_id>/steps/<int:step_id>/delete")
@login_required
def remove_step(routine_id: int, step_id: int):
    routine = edit.routine_for(current_user, routine_id, editable=True)
    edit.remove_step(routine, edit.step_of(routine, step_id))
    return _steps_changed(routine)


def _editor_context(routine) -> dict:
    return {
        "routine": routine,
        "minutes": minutes,
        "exercise_groups": by_group(find_exercises()),
    }


def _steps_changed(routine, errors: dict | None = None):
    """After a change to the steps: htmx gets the step list alone to swap in; a plain
    form post (no JavaScript) is redirected back to the editor, or, when the input was
    refused, shown the editor with the errors next to the fields (never a redirect that
    looks like success)."""
    errors = errors or {}
    status = 422 if errors else 200
    if request.htmx:
        body = render_template("routines/_steps.html", **_editor_context(routine), errors=errors)
        return body, status, {"Vary": "HX-Request"}
    if errors:
        db.session.rollback()
        page = render_template(
            "routines/edit.html", **_editor_context(routine), errors=errors, form={}
        )
        return page, status, {"Vary": "HX-Request"}
    response = redirect(url_for("routines.edit_page", routine_id=routine.id))
    response.headers["Vary"] = "HX-Request"
    return response
