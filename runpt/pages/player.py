"""The session player: its page, and one fragment per step (at its own URL, so no cache
mistakes one for the other). The browser steps through a routine's fragments from its
offline unit (runpt/pwa/offline_set.py); these views draw them."""

import gzip
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required

from runpt.library.dose import minutes
from runpt.log.reads import LATEST_RECEIVED, last_time
from runpt.plain_reads import PlainRead
from runpt.progression.engine import areas_hurt, areas_loaded, pain_entry
from runpt.progression.suggestions import ease_off_now, suggestion_from, target_of
from runpt.routines import spoken
from runpt.routines.editing import (
    VISIBLE_ROUTINE_VERSION,
    builtin_routines_by_slug,
    routine_for,
)
from runpt.routines.start_check import triage_questions
from runpt.routines.steps import steps_as_of, steps_of
from runpt.runner.models import DEFAULT_UNIT, UNIT_OF, settings_of
from runpt.timestamps import day_turns_key

bp = Blueprint("player", __name__)


@bp.get("/session/<int:routine_id>")
@login_required
def player(routine_id: int):
    """The player's page; its steps arrive as fragments from `step` below."""
    routine = routine_for(current_user, routine_id)
    if not routine.steps:
        abort(404)
    return render_template(
        "session/player.html",
        routine=routine,
        total=len(steps_of(routine)),
        minutes=minutes,
        settings=settings_of(current_user),
        triage=triage_questions(routine, builtin_routines_by_slug()),
    )


# Steps drawn, per runner: a step changes only with its routine, the runner's logs
# ("last time", the progression suggestion), their unit for loads, or the runner's day
# (how long they have been at a dose; keyed by `day_turns_key`, as their offset is not at
# hand here). Drawing one cost several queries and the template; knowing
# it is unchanged costs three small look-ups. Kept compressed too: compressing the same
# fragment again for every runner's every step was a third of what a step cost. Bounded:
# cleared when full (a miss costs one drawing).
@dataclass(frozen=True)
class DrawnStep:
    html: str
    gzipped: bytes


_DRAWN: dict[tuple, DrawnStep] = {}
MAX_DRAWN = 4096


# What a drawn step depends on besides its index, read together in one plain read
# (runpt/plain_reads.py): the routine's version, if the runner may see it; when the
# server last received any of their events; their unit for loads. Each part is the
# statement its own layer reads it with, so the rules live in one place.
_STEP_DEPENDS_ON = PlainRead(
    VISIBLE_ROUTINE_VERSION.add_columns(
        LATEST_RECEIVED.scalar_subquery(), UNIT_OF.scalar_subquery()
    )
)


@bp.get("/session/<int:routine_id>/steps/<int:index>")
@login_required
def step(routine_id: int, index: int):
    """One step as an htmx fragment, at its own URL so no cache mistakes it for a page.
    The player asks for every step of a session: the routine's steps are laid out once
    per change of the routine (`steps_as_of`), and a step drawn once is kept until what
    it shows could change (`DrawnStep`)."""
    found = _STEP_DEPENDS_ON.first(routine_id=routine_id, user_id=current_user.id)
    if found is None:
        abort(404)  # no such routine, or another runner's
    routine_id, changed, received, unit = found
    key = (
        current_user.id,
        routine_id,
        changed,
        index,
        received,
        unit or DEFAULT_UNIT,
        day_turns_key(),
    )
    drawn = None if current_app.debug else _DRAWN.get(key)
    if drawn is None:
        html = draw_step(steps_as_of(routine_id, changed), index)
        level = current_app.config.get("COMPRESS_LEVEL", 6)
        drawn = DrawnStep(html, gzip.compress(html.encode(), level, mtime=0))
        if len(_DRAWN) >= MAX_DRAWN:
            _DRAWN.clear()
        _DRAWN[key] = drawn
    return answer_with(drawn)


def answer_with(drawn: DrawnStep) -> Response:
    """The fragment as the browser takes it: the kept gzip when gzip is what the
    compressing hook would choose (browsers: gzip is runpt's first choice), so the hook
    leaves it alone; otherwise plain, for the hook to compress (or not) as asked."""
    accepts = request.accept_encodings
    if not accepts["gzip"] or accepts["br"] > accepts["gzip"]:
        return Response(drawn.html, mimetype="text/html")
    response = Response(drawn.gzipped, mimetype="text/html")
    response.headers["Content-Encoding"] = "gzip"
    return response


def draw_step(steps, index: int) -> str:
    if not 0 <= index < len(steps):
        abort(404)
    current = steps[index]
    lasts = last_time(current_user, current.exercise.slug, current.side)
    # The progression suggestion goes on a strength exercise's first set, where the
    # runner decides how hard to go; everything it needs but the logs is in the step.
    suggestion = ease_off = None
    facts = current.exercise.facts
    if current.set_no == 1 and current.side in (None, "left"):
        target = target_of(current.dose, current.level)
        suggestion = suggestion_from(
            current_user, facts, target, current.dose_changed_at, current.problem
        )
        ease_off = ease_off_now(facts, target, suggestion)
    return render_template(
        "session/_step.html",
        step=current,
        total=len(steps),
        exercises=steps[-1].exercise_no,  # every exercise has at least one set
        lasts=lasts,
        spoken=spoken,
        suggestion=suggestion,
        # For the player to decide, offline, which later exercises a pain stop flags:
        # those that load an area where this exercise's pain is felt.
        loads=areas_loaded(current.exercise.slug),
        pain_areas=areas_hurt(current.exercise.slug, current.problem),
        ease_off=ease_off,
        carries_load=carries_load(facts, lasts),
    )


def carries_load(facts, lasts) -> bool:
    """Whether the step shows its load field at once rather than folded away: an
    exercise eased off by its load (heavy slow resistance, loaded heel raises), or one
    the runner logged a load for last time."""
    if pain_entry(facts.slug).get("ease_off") == "load":
        return True
    return any(last.heaviest_kg for last in lasts)
