"""honest counting: planned and logged strength sets in each session summary; events by time

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00.000000

It follows the sign-ins migration (0005).

Every summary is dropped: they were made before a set logged twice counted once and
before sessions knew their planned sets, and history rebuilds each missing summary from
its events on the next read (runpt/log/summaries.py), so nothing is lost.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # The progression engine reads every event since a session began (pain stops and
    # flares in other exercises): a range of one runner's events by time.
    op.create_index('ix_event_user_at', 'event', ['user_id', 'at'])
    op.execute('DELETE FROM session_summary')
    with op.batch_alter_table('session_summary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('planned_sets', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('strength_sets', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade():
    op.drop_index('ix_event_user_at', table_name='event')
    op.execute('DELETE FROM session_summary')
    with op.batch_alter_table('session_summary', schema=None) as batch_op:
        batch_op.drop_column('strength_sets')
        batch_op.drop_column('planned_sets')
