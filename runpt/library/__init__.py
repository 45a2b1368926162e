"""The exercise library: browse by group or running problem, search, read an exercise."""

from flask import Blueprint

from runpt.library.figures import figure
from runpt.library.models import SAFETY_LINE

bp = Blueprint("library", __name__, url_prefix="/library")
bp.add_app_template_global(figure, "figure")
bp.add_app_template_global(SAFETY_LINE, "safety_line")

from runpt.library import routes  # noqa: E402,F401
