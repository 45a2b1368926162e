"""The exercise library: browse by group or running problem, search, read an exercise."""

from flask import Blueprint

bp = Blueprint("library", __name__, url_prefix="/library")

from runpt.library import routes  # noqa: E402,F401
