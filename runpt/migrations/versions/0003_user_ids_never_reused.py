"""user ids never reused on SQLite (AUTOINCREMENT)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:05:00.000000

A deleted runner's id handed to a new account would let the new account see the old
one's logs still waiting on a shared phone. SQLite reuses the highest rowid unless the
table is AUTOINCREMENT; PostgreSQL sequences never reuse, so this is SQLite only.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # The table is copied, dropped and renamed. With foreign keys enforced, dropping it
    # would first delete every runner's events and routines (ON DELETE CASCADE).
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("turn PRAGMA foreign_keys off before this migration")
    with op.batch_alter_table(
        "user", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "user", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
