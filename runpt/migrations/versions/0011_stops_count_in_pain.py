"""stops count in pain: a session's highest pain includes its pain stops

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 03:00:00.000000

A pain stop is a fact no later set erases: a session's highest pain (and its pain per
exercise) now count each stop's pain, even where the stopped set was logged again lower
(runpt/log/sessions.py `summarise`). Every summary is dropped, and history rebuilds each
from its events on the next read (runpt/log/summaries.py), so nothing is lost.
"""

from alembic import op


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM session_summary")


def downgrade():
    op.execute("DELETE FROM session_summary")
