"""History's pages: the calendar and sessions, past sessions (with what waits on the
phone), training days and their calendar file, progress per exercise, pain over time,
the physio report and the exports."""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from runpt.history import export
from runpt.history.charts import Series, line_chart
from runpt.history.counting import add_on_routines, one_session_counts
from runpt.history.older import (
    before_day,
    before_these,
    older_sessions_url,
    recent_since,
    split_recent,
)
from runpt.history.overview import as_of, overview
from runpt.history.pain import (
    PAIN_BANDS,
    pain_per_problem,
    pain_per_session,
)
from runpt.history.progress import logged_list, progress_facts
from runpt.history.report import report_facts
from runpt.history.weeks import today_from_sessions, training_calendar, weeks
from runpt.library.models import PROBLEMS
from runpt.library.queries import exercise_by_slug, exercise_names, exercise_problems
from runpt.log.reads import logged_runs, notes_of
from runpt.log.sessions import one_session, routine_names
from runpt.log.summaries import current_summaries
from runpt.pain import ZONES_IN_WORDS
from runpt.routines.editing import routine_problems
from runpt.runner import answers
from runpt.runner.answers import WEEKDAY_NAMES
from runpt.runner.models import save_settings, set_training_days, settings_of
from runpt.running.load import jump_rule, run_day, run_flags, today_from_runs, weekly_load
from runpt.running.reference_data import running_data
from runpt.timestamps import server_today, utcnow

CALENDAR_WEEKS = 12
PAST_SESSIONS = 50

bp = Blueprint("history", __name__, url_prefix="/history")


@bp.get("/")
@login_required
def index():
    summaries = current_summaries(current_user)
    facts = overview(current_user, summaries)
    show_all = request.args.get("all") == "1"
    return render_template(
        "history/index.html",
        **facts,
        calendar=weeks(facts["session_days"], facts["today"], CALENDAR_WEEKS),
        sessions=summaries if show_all else summaries[:30],
        more=len(summaries) > 30 and not show_all,
        total=len(summaries),
        # Summaries keep the routine reference as text; an own routine's id too.
        names={str(ref): name for ref, name in routine_names(current_user).items()},
        WEEKDAY_NAMES=WEEKDAY_NAMES,
        as_of=as_of(),
    )


@bp.get("/sessions")
@login_required
def sessions():
    """Past sessions: the latest 50 from their summaries (and the runner's notes in them),
    plus what waits on this phone and what the server refused (filled in by the page)."""
    latest = current_summaries(current_user, limit=PAST_SESSIONS)
    return render_template(
        "history/sessions.html",
        sessions=latest,
        notes=notes_of(current_user, [s.session_id for s in latest]),
        names=exercise_names(),
        routine_names={str(ref): name for ref, name in routine_names(current_user).items()},
    )


@bp.get("/sessions/<uuid:session_id>")
@login_required
def session(session_id):
    found = one_session(current_user, session_id)
    if found is None:
        abort(404)
    counted, planned = one_session_counts(current_user, found)
    add_on = str(found["routine"]) in add_on_routines(current_user)
    return render_template(
        "history/session.html",
        session=found,
        counted=counted,
        planned=planned,
        add_on=add_on,
        names=exercise_names(),
        as_of=as_of(),
    )


@bp.route("/training-days", methods=["GET", "POST"])
@login_required
def training_days():
    settings = settings_of(current_user)
    errors = {}
    if request.method == "POST":
        days = answers.training_days(request.form, errors)
        time_of_day = answers.time_of_day(request.form, errors)
        if not errors:
            set_training_days(settings, days, time_of_day)
            save_settings(settings)
            flash("Training days saved.", "success")
            return redirect(url_for("history.training_days"))
    shown = answers.days_shown(settings, request.form if errors else None)
    return render_template(
        "history/training_days.html", settings=settings, shown=shown, errors=errors,
        WEEKDAY_NAMES=WEEKDAY_NAMES,
    ), 400 if errors else 200  # fmt: skip


@bp.get("/training-days.ics")
@login_required
def training_days_ics():
    settings = settings_of(current_user)
    if not settings.days:
        return Response(
            "Pick your training days first (History → Training days), then download the "
            "calendar file.\n",
            status=404,
            mimetype="text/plain",
        )
    today = today_from_sessions(current_summaries(current_user))
    # The event's UID as calendars already hold it (a wire name, kept from when training
    # days were "the plan"): downloading the file again replaces the event, never adds one.
    uid = f"runpt-plan-{current_user.id}@{request.host}"
    body = training_calendar(settings.days, settings.time_of_day, uid, today)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="runpt-training-plan.ics"'},
    )


@bp.get("/progress")
@login_required
def progress_index():
    return render_template(
        "history/progress_index.html",
        logged=logged_list(current_user),
        progress_url=lambda slug: url_for("history.progress", slug=slug),
        as_of=as_of(),
    )


@bp.get("/progress/<slug>")
@login_required
def progress(slug: str):
    exercise = exercise_by_slug(slug)
    if exercise is None:
        abort(404)
    before = before_day(request.args)
    if isinstance(before, str):
        return not_a_day(before)
    facts = progress_facts(current_user, exercise)
    if before:
        older = before_these(facts["results"], before)
        return render_template("history/progress_older.html", **facts, rows=older, before=before)
    since = recent_since(current_summaries(current_user, limit=1))
    url = older_sessions_url("history.progress", since, slug=slug)
    recent, older = split_recent(facts["results"], since, url)
    return render_template("history/progress.html", **facts, table_rows=recent, older=older)


def not_a_day(message: str):
    """A `?before=` that is not a day: a page that says how to write one."""
    return render_template("error.html", status=400, message=message), 400


@bp.get("/pain")
@login_required
def pain():
    before = before_day(request.args)
    if isinstance(before, str):
        return not_a_day(before)
    summaries = current_summaries(current_user)
    overall = pain_per_session(summaries)
    if before:
        return render_template(
            "history/pain_older.html", rows=before_these(overall, before), before=before,
            as_of=as_of(),
        )  # fmt: skip
    since = recent_since(summaries)
    recent, older = split_recent(overall, since, older_sessions_url("history.pain", since))
    settings = settings_of(current_user)
    per_problem = pain_per_problem(
        summaries, routine_problems(current_user), settings.own_problems, exercise_problems()
    )
    charts = {}
    if overall:
        charts["all"] = pain_chart("pain-all", "Highest pain during each session", overall)
    for problem, points in per_problem.items():
        charts[problem] = pain_chart(
            f"pain-{problem}", f"{PROBLEMS[problem]}: highest pain in its sessions", points
        )
    return render_template(
        "history/pain.html",
        overall=overall,
        per_problem=per_problem,
        charts=charts,
        table_rows=recent,
        older=older,
        PROBLEMS=PROBLEMS,
        own_problems=settings.own_problems,
        as_of=as_of(),
    )


def pain_chart(chart_id: str, title: str, points):
    high = max(p.pain for p in points)
    description = (
        f"{len(points)} sessions from {points[0].day:%-d %b %Y} to {points[-1].day:%-d %b %Y}; "
        f"latest {points[-1].pain}, highest {high}. {ZONES_IN_WORDS}."
    )
    return line_chart(
        chart_id, title, description, [Series("Pain", [(p.day, p.pain) for p in points])],
        y_max=10, bands=PAIN_BANDS,
    )  # fmt: skip


@bp.get("/running")
@login_required
def running():
    """Weekly running load beside pain and the next morning, with a jump flagged."""
    runs = logged_runs(current_user)
    # The weeks of running load are counted on the clock the runs were logged with.
    today = today_from_runs(runs)
    load = weekly_load(runs, today, how_many=CALENDAR_WEEKS)
    flags = run_flags(runs)
    shown_from = load[0].monday
    flagged = [(run, flags[run.run_id]) for run in runs if run.run_id in flags]
    flagged = [(run, found) for run, found in reversed(flagged) if run_day(run) >= shown_from]
    jump_over, _ = jump_rule()
    chart = None
    if runs:
        # The week in progress is a dot of its own, off the line: its minutes so far
        # are no drop from last week (issue 24: it read "-100%" on a Monday).
        done, this_week = load[:-1], load[-1]
        chart = line_chart(
            "running-load", "Running time per week",
            f"Minutes of running per week for {len(done)} weeks to the week of "
            f"{done[-1].monday:%-d %b %Y}, and {round(this_week.minutes)} so far in the week "
            f"in progress; {sum(1 for w in load if w.jump)} flagged as a jump.",
            [Series("Minutes", [(w.monday, round(w.minutes)) for w in done]),
             Series("This week so far", [(this_week.monday, round(this_week.minutes))],
                    css="series-right")],
            unit=" min",
        )  # fmt: skip
    return render_template(
        "history/running.html",
        load=load,
        chart=chart,
        jump_percent=round(jump_over * 100),
        source=running_data()["load"]["source"],
        flagged=flagged,
        as_of=as_of(),
    )


@bp.get("/report")
@login_required
def report():
    return render_template("history/report.html", **report_facts(current_user))


@bp.get("/export.json")
@login_required
def export_json():
    now = utcnow()
    body = export.everything(current_user, settings_of(current_user), now)
    return Response(
        json.dumps(body, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="runpt-{now:%Y-%m-%d}.json"'},
    )


@bp.get("/export/<any(events, sessions):what>.csv")
@login_required
def export_csv(what: str):
    body = (
        export.events_csv(current_user) if what == "events" else export.sessions_csv(current_user)
    )
    day = server_today()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="runpt-{what}-{day:%Y-%m-%d}.csv"'},
    )
