"""routine guidance: red flags, running load, triage questions, daily add-ons

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00.000000

The built-in routines get their text from routines.toml when the library is loaded
(at every start); a runner's own routines start with none.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('routine', schema=None) as batch_op:
        batch_op.add_column(sa.Column('red_flags', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('running', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('triage', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(
            sa.Column('add_on', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('routine', schema=None) as batch_op:
        batch_op.drop_column('add_on')
        batch_op.drop_column('triage')
        batch_op.drop_column('running')
        batch_op.drop_column('red_flags')
