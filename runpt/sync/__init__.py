"""The sync API: devices post events from their outbox and pull derived sessions."""

from flask import Blueprint

bp = Blueprint("sync", __name__, url_prefix="/api")

from runpt.sync import routes  # noqa: E402,F401
