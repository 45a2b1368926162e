"""known devices on the server, and no row left of a deleted runner

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 02:30:00.000000

Issue 28, items 1 and 2. Device cookies were signed and stored nowhere; now each is a
row bound to its account, which a password change or deletion can end.

Before foreign keys were enforced on SQLite, a sync that raced its runner's deletion
could store rows under an id that no longer exists. They are deleted here, so the key
check that ends every migration (runpt/migrations/env.py) holds on such a database too.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# Tables whose rows belong to a runner, and the column naming them.
RUNNERS_ROWS = (
    ('event', 'user_id'),
    ('session_summary', 'user_id'),
    ('runner_settings', 'user_id'),
    ('share_link', 'user_id'),
    ('sign_in', 'user_id'),
)


def upgrade():
    op.create_table('known_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('known_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_device_user_id'), ['user_id'], unique=False)

    no_runner = 'NOT IN (SELECT id FROM "user")'
    owned = f'owner_id IS NOT NULL AND owner_id {no_runner}'
    op.execute(f'DELETE FROM routine_step WHERE routine_id IN (SELECT id FROM routine WHERE {owned})')
    op.execute(f'DELETE FROM routine WHERE {owned}')
    for table, column in RUNNERS_ROWS:
        op.execute(f'DELETE FROM {table} WHERE {column} {no_runner}')


def downgrade():
    with op.batch_alter_table('known_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_device_user_id'))

    op.drop_table('known_device')
