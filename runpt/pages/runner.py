"""The runner's own pages: the two first-run questions after signing up, and the
settings page where every answer can be changed later (what they train for, training
days and time, the unit loads are shown in, spoken cues). Plain forms: they work with
no JavaScript."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from runpt.auth.next_page import wanted_next
from runpt.library.models import PROBLEMS
from runpt.routines.editing import visible_routines
from runpt.runner import answers
from runpt.runner.models import (
    UNITS,
    RunnerSettings,
    save_settings,
    set_training_days,
    settings_of,
)
from runpt.timestamps import utcnow

bp = Blueprint("runner", __name__)


@bp.route("/get-started", methods=["GET", "POST"])
@login_required
def first_run():
    """What the runner wants, and which days they train: then home, with the routine
    that fits and a one-tap Start. A runner who signed up from a page to come back to
    (a routine's link, to add it) answers first, then goes back there (`next`)."""
    settings = settings_of(current_user)
    come_back = wanted_next()
    errors: dict[str, str] = {}
    if request.method == "POST":
        aims = answers.aims(request.form, errors)
        days = answers.training_days(request.form, errors)
        time_of_day = answers.time_of_day(request.form, errors, default=settings.time_of_day)
        if not errors:
            added = new_problems(settings, aims[1])
            settings.injury_free, settings.problems = aims
            set_training_days(settings, days, time_of_day)
            settings.answered_at = utcnow()
            save_settings(settings)
            show_red_flags_of(added)
            return redirect(come_back or url_for("routines.home"))
    return render_template(
        "runner/first_run.html", **_form_context(settings, errors), next=come_back
    ), 400 if errors else 200


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    settings = settings_of(current_user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        aims = answers.aims(request.form, errors, required=False)
        days = answers.training_days(request.form, errors)
        time_of_day = answers.time_of_day(request.form, errors)
        unit = answers.unit(request.form, errors)
        if not errors:
            added = new_problems(settings, aims[1])
            settings.injury_free, settings.problems = aims
            set_training_days(settings, days, time_of_day)
            settings.unit = unit
            settings.voice = answers.voice(request.form)
            settings.answered_at = settings.answered_at or utcnow()
            save_settings(settings)
            flash("Settings saved.", "success")
            show_red_flags_of(added)
            return redirect(url_for("runner.settings"))
    return render_template(
        "runner/settings.html", **_form_context(settings, errors)
    ), 400 if errors else 200


def new_problems(settings: RunnerSettings, problems: list[str]) -> list[str]:
    """The problems the runner ticks now that they hadn't before."""
    return [problem for problem in problems if problem not in settings.own_problems]


# A runner who adds a problem sees its routines' red flags at once, on the page after the
# save, and the phone forgets their answers to those routines' checks, so the first
# session of each asks again before set 1 (js/start-check.js). The one-time message
# carries the problems to the next page (base.html), which the service worker always
# takes from the server after a form.
NEW_PROBLEMS = "new-problems"


def show_red_flags_of(problems: list[str]) -> None:
    if problems:
        flash(" ".join(problems), NEW_PROBLEMS)


@bp.app_template_global()
def red_flags_of_problems(message: str) -> dict:
    """For runner/_new_problems.html: the problems named in the message, their routines'
    references (whose checks the phone forgets) and red flags, each text once with the
    routines that share it."""
    problems = [problem for problem in message.split() if problem in PROBLEMS]
    routines = [r for r in visible_routines(current_user) if r.problem in problems]
    flags: dict[str, list[str]] = {}
    for routine in routines:
        if routine.red_flags:
            flags.setdefault(routine.red_flags, []).append(routine.name)
    return {
        "problems": [PROBLEMS[problem] for problem in problems],
        "references": " ".join(sorted({str(r.copied_from or r.reference) for r in routines})),
        "flags": [(names, text) for text, names in flags.items()],
    }


def _form_context(settings: RunnerSettings, errors: dict) -> dict:
    """What the forms show: the runner's answers, or what they just sent when it was
    refused (so nothing typed is lost), or for a first answer the suggested days."""
    if request.method == "POST":
        form = request.form
        shown = {
            "aims": set(form.getlist("aim")),
            **answers.days_shown(settings, form),
            "unit": form.get("unit", settings.unit),
            "voice": form.get("voice") == "on",
        }
    else:
        aims = set(settings.own_problems)
        if settings.injury_free:
            aims.add(answers.INJURY_FREE)
        shown = {"aims": aims, **answers.days_shown(settings),
                 "unit": settings.unit, "voice": settings.voice}  # fmt: skip
    return {
        "settings": settings,
        "shown": shown,
        "errors": errors,
        "PROBLEMS": PROBLEMS,
        "UNITS": UNITS,
        "WEEKDAY_NAMES": answers.WEEKDAY_NAMES,
        "INJURY_FREE": answers.INJURY_FREE,
    }
