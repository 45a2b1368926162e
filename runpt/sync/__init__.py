"""The sync API: devices post events from their outbox and pull derived sessions."""

from flask import Blueprint

bp = Blueprint("sync", __name__, url_prefix="/api")

# Logs waiting on a phone longer than this many days are warned about on home, with a
# way to download them (js/phone-kept.js): a phone that stays offline may be lost.
WAITING_TOO_LONG_DAYS = 3

from runpt.sync import routes  # noqa: E402,F401
