"""Running a session: the player page, one fragment per step, past sessions."""

from flask import Blueprint

bp = Blueprint("run", __name__)

from runpt.run import routes  # noqa: E402,F401
