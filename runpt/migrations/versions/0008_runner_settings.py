"""runner settings: the training plan becomes the runner's settings (first-run answers,
units, voice); a copied routine remembers the built-in it came from

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 09:00:00.000000

Every saved training plan is kept (days and time): the table is renamed and gains the
new settings with their defaults (kg, voice on, no answers yet). Copies made before
this remember their built-in when their name still says so ("<name> (my copy)"), so
home recommends the runner's own copy rather than the built-in they left.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.rename_table('training_plan', 'runner_settings')
    with op.batch_alter_table('runner_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problems', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(
            sa.Column('injury_free', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('unit', sa.String(length=2), nullable=False, server_default='kg'))
        batch_op.add_column(
            sa.Column('voice', sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('routine', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copied_from', sa.String(length=80), nullable=True))
    op.execute(
        "UPDATE routine SET copied_from = (SELECT builtin.slug FROM routine AS builtin "
        "WHERE builtin.owner_id IS NULL AND routine.name = builtin.name || ' (my copy)') "
        "WHERE owner_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('routine', schema=None) as batch_op:
        batch_op.drop_column('copied_from')
    with op.batch_alter_table('runner_settings', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
        batch_op.drop_column('voice')
        batch_op.drop_column('unit')
        batch_op.drop_column('injury_free')
        batch_op.drop_column('problems')
    op.rename_table('runner_settings', 'training_plan')
