"""The exercise library: browse by group or running problem, search, read an exercise."""

from flask import Blueprint

from runpt.library.figures import figure

bp = Blueprint("library", __name__, url_prefix="/library")
bp.add_app_template_global(figure, "figure")

from runpt.library import routes  # noqa: E402,F401
