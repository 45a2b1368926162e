"""What every template can use, registered in one place: the pain-monitoring model
(`pain`), an exercise's figure (`figure`), a stored time in the runner's own clock
(`local_time`; any other stored time in the signed-in runner's zone: `runner_time`),
device text made safe to show (`readable`), templates drawn once per process
(`rendered_once`), and loads in the runner's unit (`load`, `runner_unit`, `units`)."""

from datetime import UTC, datetime
from functools import cache

from flask import Flask, current_app, g, render_template
from flask_login import current_user
from markupsafe import Markup

from runpt import pain
from runpt.library.figures import figure
from runpt.log import validation
from runpt.log.reads import latest_offset
from runpt.routines.start_check import check_version
from runpt.runner import units
from runpt.runner.models import DEFAULT_UNIT, unit_of
from runpt.security import is_link_page
from runpt.timestamps import zone_of


def local_time(moment: datetime, offset_min: int) -> datetime:
    """A stored UTC time as the runner's clock showed it when they logged it."""
    return moment.astimezone(zone_of(offset_min))


def runner_time(moment: datetime) -> datetime:
    """A stored UTC time (a link last opened, a sign-in) in the signed-in runner's own
    zone, the offset of their latest log, read once a request; UTC for nobody."""
    if moment.tzinfo is None:  # an aggregate (max) read back from SQLite
        moment = moment.replace(tzinfo=UTC)
    if not current_user.is_authenticated:
        return moment
    if "runner_offset" not in g:
        g.runner_offset = latest_offset(current_user)
    return local_time(moment, g.runner_offset)


def readable(text: str) -> str:
    """Text from a device, safe to write as UTF-8. JSON can carry half of a surrogate
    pair ("\\ud800"), which no page can be encoded with; it is shown as "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def runner_unit() -> str:
    """The signed-in runner's unit for loads ("kg" or "lb")."""
    if not current_user.is_authenticated:
        return DEFAULT_UNIT
    return unit_of(current_user)


def load(kg: float | None, unit: str | None = None) -> str:
    """A stored load as the runner reads it: '22.5 lb', '10 kg', or '' for none. In the
    signed-in runner's unit, unless the page names the unit of the runner whose data it
    shows (a shared page: whoever opened it, the unit is the sharing runner's)."""
    return units.load_text(kg, unit or runner_unit())


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


def link_page() -> dict:
    """`link_page`: the page was opened with a share link, so base.html shows no signed-in
    runner's header, footer or scripts, and never asks who is signed in."""
    return {"link_page": is_link_page()}


def init_app(app: Flask) -> None:
    app.context_processor(link_page)
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(runner_time, "runner_time")
    app.add_template_filter(readable, "readable")
    app.add_template_filter(load, "load")
    app.add_template_global(runner_unit, "runner_unit")
    app.add_template_global(units, "units")
    app.add_template_global(rendered_once, "rendered_once")
    # The pain zones reach the templates (and, through the markup, the player's
    # JavaScript) from their one rule, runpt/pain.py.
    app.add_template_global(pain, "pain")
    app.add_template_global(figure, "figure")
    # The log form's limits come from the rules the server checks events by.
    app.add_template_global(validation, "log_limits")
    # The check before set 1 is kept on the phone with the version of its words.
    app.add_template_global(check_version, "check_version")
