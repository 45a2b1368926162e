"""Routines: the built-in sessions and a runner's own."""

from flask import Blueprint

bp = Blueprint("routines", __name__)

from runpt.routines import routes  # noqa: E402,F401
