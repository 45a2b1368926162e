from datetime import datetime, timedelta, timezone
from functools import cache

from flask import abort, current_app, render_template
from flask_login import current_user, login_required
from markupsafe import Markup

from runpt.history.suggestions import suggestion_from, target_of
from runpt.library.dose import minutes
from runpt.library.queries import exercise_names
from runpt.routines.editing import routine_for, routine_version
from runpt.run import bp
from runpt.run.plan import last_time, plan, plan_as_of
from runpt.sync.sessions import sessions_of


@bp.app_template_filter("local_time")
def local_time(moment: datetime, offset_min: int) -> datetime:
    """A stored UTC time as the runner's clock showed it when they logged it."""
    return moment.astimezone(timezone(timedelta(minutes=offset_min)))


@bp.app_template_filter("readable")
def readable(text: str) -> str:
    """Text from a device, safe to write as UTF-8. JSON can carry half of a surrogate
    pair ("\\ud800"), which no page can be encoded with; it is shown as "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


@bp.app_template_global("rendered_once")
def rendered_once(template: str) -> Markup:
    """A template that takes no values, drawn once per process: the log form's effort
    and pain scales are the same in every step fragment, and drawing them was half of
    the fragment's template time."""
    if current_app.debug:  # templates may change while the development server runs
        return Markup(render_template(template))
    return _rendered(template)


@cache
def _rendered(template: str) -> Markup:
    return Markup(render_template(template))


@bp.get("/run/<int:routine_id>")
@login_required
def player(routine_id: int):
    """The player's page; its steps arrive as fragments from `step` below."""
    routine = routine_for(current_user, routine_id)
    if not routine.steps:
        abort(404)
    return render_template(
        "run/player.html", routine=routine, total=len(plan(routine)), minutes=minutes
    )


@bp.get("/run/<int:routine_id>/steps/<int:index>")
@login_required
def step(routine_id: int, index: int):
    """One step as an htmx fragment, at its own URL so no cache mistakes it for a page.
    The player asks for every step of a session: the routine's plan is laid out once
    per change of the routine (`plan_as_of`), not on every request."""
    steps = plan_as_of(*routine_version(current_user, routine_id))
    if not 0 <= index < len(steps):
        abort(404)
    current = steps[index]
    previous = last_time(current_user, current.exercise.slug, current.side)
    # The progression suggestion goes on a strength exercise's first set, where the
    # runner decides how hard to go; everything it needs but the logs is in the plan.
    suggestion = None
    if current.set_no == 1 and current.side in (None, "left"):
        target = target_of(current.dose, current.level)
        suggestion = suggestion_from(
            current_user, current.exercise.facts, target, current.dose_changed_at, current.problem
        )
    return render_template(
        "run/_step.html",
        step=current,
        total=len(steps),
        exercises=steps[-1].exercise_no,  # every exercise has at least one set
        last=previous,
        suggestion=suggestion,
    )


@bp.get("/sessions")
@login_required
def sessions():
    return render_template(
        "run/sessions.html", sessions=sessions_of(current_user)[:50], names=exercise_names()
    )
