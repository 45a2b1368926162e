"""Running a session: the player page, one fragment per step, past sessions."""

from flask import Blueprint

from runpt import pain

bp = Blueprint("run", __name__)
# The player's pain responses and the pages' zones read the one rule (runpt/pain.py).
bp.add_app_template_global(pain, "pain")

from runpt.run import routes  # noqa: E402,F401
