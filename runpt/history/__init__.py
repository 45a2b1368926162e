"""History and progress: sessions by week, the training plan, progress per exercise,
pain over time, progression suggestions, export and the report for a physio."""

from flask import Blueprint

bp = Blueprint("history", __name__, url_prefix="/history")

from runpt.history import routes  # noqa: E402,F401
