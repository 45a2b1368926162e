"""The app as a whole: health check, settings, security headers, same-origin rule, start-up."""

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from runpt import create_app
from runpt.auth.models import User
from runpt.config import database_url
from runpt.extensions import db
from runpt.library.loader import read_data
from runpt.library.models import Exercise
from runpt.routines.models import Routine

# --- health check ---------------------------------------------------------------------


def test_healthz_says_ok_and_nothing_more(client, app):
    """Anyone can ask: no database kind, no count of exercises (issue 28, item 4)."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "ok"


def test_healthz_reports_a_database_it_cannot_reach(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "AUTO_MIGRATE": False,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            # A folder that doesn't exist: SQLite can't open the file.
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "missing" / "db.sqlite3"),
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "unavailable"  # the log says why
    with app.app_context():
        db.engine.dispose()


# --- settings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example:5432/runpt", "postgresql+psycopg://u:p@db.example:5432/runpt"),
        ("postgresql://u:p@db.example/runpt", "postgresql+psycopg://u:p@db.example/runpt"),
        ("postgresql+psycopg://u:p@db.example/runpt", "postgresql+psycopg://u:p@db.example/runpt"),
        ("sqlite:////var/lib/runpt/runpt.sqlite3", "sqlite:////var/lib/runpt/runpt.sqlite3"),
    ],
)
def test_database_url_from_the_environment(monkeypatch, tmp_path, given, used):
    monkeypatch.setenv("DATABASE_URL", given)
    assert database_url(str(tmp_path)) == used


def test_database_url_defaults_to_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(str(tmp_path)) == "sqlite:///" + str(tmp_path / "runpt.sqlite3")


def test_create_app_uses_a_translated_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/runpt")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app({"AUTO_MIGRATE": False, "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/runpt"
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_secret_key_is_made_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = {
        "AUTO_MIGRATE": False,
        "INSTANCE_PATH": str(tmp_path),
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
    }
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


# --- security headers -----------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize(
    "path", ["/", "/library/", "/library/glute-bridge", "/auth/login", "/healthz", "/no-such-page"]
)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    csp = csp_directives(response)
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}


def test_security_headers_on_a_signed_in_page(signed_in):
    response = signed_in.get("/routines")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Personal pages are never kept by any HTTP cache.
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/library/", "/auth/login", "/auth/register"])
def test_pages_have_no_inline_script(client, path):
    body = client.get(path).get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*></script>", body)
    assert scripts and body.count("<script") == len(scripts)  # no script has a body
    # Every script is a file of the app's own, classic or module: nothing inline.
    own = r'<script (type="module" )?src="/static/[^"]+"( defer)?></script>'
    assert all(re.fullmatch(own, script) for script in scripts)
    assert not re.search(r"<[^>]*\son(click|load|submit|change|input)=", body)


# --- same-origin rule for unsafe requests ---------------------------------------------

CROSS_SITE = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    # The test client is http://localhost: the scheme and the port count too.
    {"Origin": "https://localhost"},
    {"Origin": "http://localhost:8080"},
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "http://evil.example@localhost"},
    {"Origin": "http://localhost:99999"},
    {"Origin": "localhost"},
]
SAME_ORIGIN = [
    {},
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},
    {"Origin": "http://localhost"},
    {"Origin": "http://localhost:80"},
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_post_is_refused_and_changes_nothing(signed_in, app, headers):
    response = signed_in.post("/routines", data={"name": "Planted"}, headers=headers)
    assert response.status_code == 403
    assert "Cross-site request refused" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Routine).where(Routine.name == "Planted")
            )
            == 0
        )


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_register_and_logout_are_refused(client, auth, app, headers):
    response = client.post(
        "/auth/register",
        data={"email": "forged@example.com", "password": "long-enough-1"},
        headers=headers,
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0

    auth.register()
    assert client.post("/auth/logout", headers=headers).status_code == 403
    assert client.get("/routines").status_code == 200


@pytest.mark.parametrize("headers", SAME_ORIGIN)
def test_same_origin_post_works(signed_in, app, headers):
    response = signed_in.post("/routines", data={"name": "Planted"}, headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/edit")
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Routine).where(Routine.name == "Planted")
            )
            == 1
        )


def test_over_https_an_http_origin_is_another_site(signed_in, app):
    """The probe that found it: `Origin: https://host` was accepted by the http site.
    The other way round is refused too, and the site's own scheme is accepted."""
    https = {"base_url": "https://localhost"}
    refused = signed_in.post(
        "/routines", data={"name": "Planted"}, headers={"Origin": "http://localhost"}, **https
    )
    assert refused.status_code == 403
    accepted = signed_in.post(
        "/routines", data={"name": "Mine"}, headers={"Origin": "https://localhost"}, **https
    )
    assert accepted.status_code == 302
    with app.app_context():
        names = db.session.scalars(select(Routine.name).where(Routine.owner_id.is_not(None)))
        assert list(names) == ["Mine"]


def test_cross_site_get_is_allowed(client):
    response = client.get("/library/", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200
    assert "Exercise library" in response.get_data(as_text=True)


def test_cross_site_api_call_gets_json_403(signed_in):
    response = signed_in.post(
        "/api/sync", json={"events": []}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "Cross-site request refused" in response.get_json()["error"]


# --- start-up and migrations ----------------------------------------------------------


def test_first_start_creates_the_schema_and_loads_the_library(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "AUTO_MIGRATE": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(database),
    }
    assert not database.exists()
    app = create_app(config)
    assert database.exists()
    exercises = len(read_data("exercises.toml")["exercise"])
    routines = len(read_data("routines.toml")["routine"])
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {"user", "exercise", "routine", "routine_step", "event", "alembic_version"} <= tables
        assert db.session.scalar(select(func.count()).select_from(Exercise)) == exercises
        assert db.session.scalar(select(func.count()).select_from(Routine)) == routines
        first_ids = db.session.scalars(select(Exercise.id).order_by(Exercise.id)).all()
        db.engine.dispose()

    # The site works straight away.
    response = app.test_client().get("/healthz")
    assert response.get_data(as_text=True) == "ok"

    # A restart runs the same step again and changes nothing.
    again = create_app(config)
    with again.app_context():
        assert db.session.scalar(select(func.count()).select_from(Routine)) == routines
        assert db.session.scalars(select(Exercise.id).order_by(Exercise.id)).all() == first_ids
        db.engine.dispose()


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, db.metadata)
    assert differences == []
