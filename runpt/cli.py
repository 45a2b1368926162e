"""`flask --app wsgi ...` commands: prepare the database, load the library, add a user,
export a runner's data."""

import fcntl

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import text

from runpt.extensions import db


def prepare_database() -> None:
    """Create or upgrade the schema, then load the exercise library.

    Runs at every start (AUTO_MIGRATE) so a fresh install needs no other step. On
    PostgreSQL several gunicorn workers start at once; an advisory lock lets one of
    them migrate while the others wait.
    """
    from runpt.routines.builtin import load_library

    with _migration_lock():
        upgrade(directory=current_app.extensions["migrate"].directory)
        load_library()
    # Workers forked after this (gunicorn --preload) must not share these connections.
    db.session.remove()
    db.engine.dispose()


class _migration_lock:
    """One process migrates at a time: a PostgreSQL advisory lock, or for SQLite a
    file lock beside the database file."""

    KEY = 0x72756E7074  # "runpt"

    def __enter__(self):
        self.connection = self.lock_file = None
        engine = db.engine
        if engine.dialect.name == "postgresql":
            self.connection = engine.connect()
            self.connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": self.KEY})
        elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            self.lock_file = open(engine.url.database + ".migrate-lock", "w")  # noqa: SIM115
            fcntl.flock(self.lock_file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.connection is not None:
            self.connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.KEY})
            self.connection.close()
        if self.lock_file is not None:
            fcntl.flock(self.lock_file, fcntl.LOCK_UN)
            self.lock_file.close()


def init_app(app: Flask) -> None:
    @app.cli.command("load-library")
    def load_library_command():
        """Load (or update) exercises and built-in routines from runpt/data."""
        from runpt.routines.builtin import load_library

        counts = load_library()
        click.echo(
            f"Library loaded: {counts['exercises']} exercises, {counts['routines']} routines."
        )

    @app.cli.command("create-user")
    @click.argument("email")
    @click.password_option()
    def create_user_command(email, password):
        """Create a runner's account."""
        from runpt.auth.accounts import register

        user, errors = register(email, password)
        if errors:
            raise click.ClickException("; ".join(errors.values()))
        click.echo(f"Created {user.email}.")

    @app.cli.command("send-reminders")
    def send_reminders_command():
        """Send the Web Push reminders due now (run every few minutes by a timer). Safe to
        run on two machines at once: each reminder is claimed in the database first."""
        from runpt.reminders.sending import send_due_reminders

        sent = send_due_reminders()
        click.echo(f"Sent {len(sent)} reminder{'s' if len(sent) != 1 else ''}.")

    @app.cli.command("vapid-keys")
    def vapid_keys_command():
        """Print this instance's VAPID keys as environment lines: every app host and every
        send-reminders must sign with the same key (docs/reminders.md)."""
        from runpt.config import vapid_private_line

        config = current_app.config
        click.echo(f"VAPID_PRIVATE_KEY={vapid_private_line(config['VAPID_PRIVATE_KEY'])}")
        click.echo(f"VAPID_PUBLIC_KEY={config['VAPID_PUBLIC_KEY']}")
        click.echo(f"VAPID_SUBJECT={config['VAPID_SUBJECT']}")

    @app.cli.command("export")
    @click.argument("email")
    @click.option("--output", "-o", type=click.File("w"), default="-", help="Default: stdout.")
    def export_command(email, output):
        """Write all of a runner's data as JSON (what History > Your data downloads)."""
        import json

        from sqlalchemy import func, select

        from runpt.auth.models import User
        from runpt.history import export
        from runpt.runner.models import settings_of
        from runpt.timestamps import utcnow

        user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
        if user is None:
            raise click.ClickException(f"No runner with the email {email}.")
        body = export.everything(user, settings_of(user), utcnow())
        output.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")
