"""runpt: an offline-first exercise companion for runners."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from runpt import compression, sqlite
from runpt.config import settings_from_environment
from runpt.extensions import db, htmx, login_manager, migrate

MIGRATIONS = str(Path(__file__).parent / "migrations")
# The largest id an INTEGER column holds on PostgreSQL (and well inside SQLite's).
MAX_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every URL, limited to numbers a database id column can hold: a
    larger one is a plain 404 instead of an overflow error from the database driver."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides the environment (tests pass their own)."""
    config = config or {}
    # INSTANCE_PATH from the environment: an installed runpt's default folder is inside
    # the virtualenv, read-only under systemd's ProtectSystem=strict (deploy/runpt@.service).
    instance_path = config.get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings_from_environment(app.instance_path))
    app.config.update(config)
    # Before any blueprint adds its routes, so every `<int:...>` uses it.
    app.url_map.converters["int"] = DatabaseIdConverter

    db.init_app(app)
    sqlite.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    htmx.init_app(app)
    compression.init_app(app)
    _init_login(app)

    from runpt import cli, errors, pwa, security, sync, templating
    from runpt.pages import (
        auth,
        capacity,
        history,
        library,
        old_urls,
        player,
        reminders,
        routines,
        runner,
        running,
        sharing,
    )

    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    areas = (
        auth,
        library,
        routines,
        runner,
        reminders,
        player,
        sync,
        history,
        capacity,
        running,
        sharing,
        pwa,
        old_urls,
    )
    for area in areas:
        app.register_blueprint(area.bp)

    _trust_proxies(app)
    if app.config["AUTO_MIGRATE"]:
        with app.app_context():
            cli.prepare_database()
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind N proxies (TRUSTED_PROXIES), take the runner's address, the scheme and the
    host from the last N entries of X-Forwarded-For/-Proto/-Host: the login limit then
    counts each runner's own address and `url_for(_external=True)` builds https links.
    Outermost, so every other layer (the Host check too) sees the forwarded values.
    With none trusted, the headers are ignored: a client could send any."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _init_login(app: Flask) -> None:
    from runpt.auth.signins import forget_ended_sign_in, signed_in_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    # No session protection: "strong" would log runners out whenever their phone's
    # address changes, and "basic" only marks such a session not "fresh", which no view
    # asks for (changing the password or deleting the account asks for the password). It
    # also cost a SHA-512 of address and browser on every request, and re-signed the
    # session cookie on every request of a phone whose mobile address had changed. A
    # sign-in is ended on the server instead (runpt/auth/signins.py).
    login_manager.session_protection = None

    @login_manager.unauthorized_handler
    def unauthorized():
        # The sync loop must see a 401 it can act on, never a redirect to a login page.
        from flask import jsonify, request

        from runpt.pages.auth import login_first

        if request.path.startswith("/api/"):
            return jsonify(error="Sign in again to sync; your logs are kept until then."), 401
        return login_first()

    @login_manager.user_loader
    def load_user(token: str):
        # The cookies carry a sign-in's token, not the runner's id (runpt/auth/signins.py).
        return signed_in_user(token)

    # Registered after Flask-Login's own hook, so it runs first and Flask-Login then
    # clears the remember-me cookie of a sign-in that has ended.
    app.after_request(forget_ended_sign_in)
