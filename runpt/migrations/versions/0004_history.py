"""history: session summaries, training plans, ladder level of a routine step

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:40:00.000000

Session summaries need no backfill: history rebuilds any summary whose session has
a different number of events than it counted, so the first read fills the table.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_summary',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('routine', sa.String(length=100), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('offset_min', sa.Integer(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('set_count', sa.Integer(), nullable=False),
    sa.Column('highest_pain', sa.Integer(), nullable=True),
    sa.Column('pain_by_exercise', sa.JSON(), nullable=False),
    sa.Column('morning', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'session_id')
    )
    op.create_index('ix_session_summary_user_started', 'session_summary', ['user_id', 'started_at'])
    op.create_table('training_plan',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=20), nullable=False),
    sa.Column('time_of_day', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('routine_step', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('dose_changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('routine_step', schema=None) as batch_op:
        batch_op.drop_column('dose_changed_at')
        batch_op.drop_column('level')
    op.drop_table('training_plan')
    op.drop_index('ix_session_summary_user_started', table_name='session_summary')
    op.drop_table('session_summary')
