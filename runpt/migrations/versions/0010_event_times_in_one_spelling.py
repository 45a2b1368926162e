"""event times in one spelling: times stored by sync ingest on SQLite at a whole second

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 18:00:00.000000

Sync ingest on SQLite handed its times to the driver's default adapter, which writes
"2026-11-27 07:30:00" for a time at a whole second, where SQLAlchemy (everything else
in runpt) writes "2026-11-27 07:30:00.000000". SQLite compares times as text, so the
same instant compared unequal. This writes those times the one way; nothing else
changes. PostgreSQL stores times as times: nothing to do there.
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# "YYYY-MM-DD HH:MM:SS" is 19 characters; with microseconds it is 26.
COLUMNS = ("at", "received_at")


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for column in COLUMNS:
        op.execute(
            f"UPDATE event SET {column} = {column} || '.000000' WHERE length({column}) = 19"
        )


def downgrade():
    pass  # the longer spelling is the one SQLAlchemy reads and writes: nothing to undo
