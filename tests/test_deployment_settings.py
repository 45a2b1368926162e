"""Settings an operator sets for runpt behind a proxy and a connection pooler
(README, "Deployment"): TRUSTED_PROXIES and DATABASE_PREPARED_STATEMENTS."""

import functools
import os

import pytest
from flask import request, url_for
from sqlalchemy import bindparam, column, event, select, table, text

from runpt import create_app
from runpt.config import engine_options, settings_from_environment
from runpt.extensions import db
from runpt.plain_reads import PlainRead
from tests.helpers import AuthActions, settings, wipe_runner_data
from tests.test_login_limit import NOT_RIGHT, TOO_MANY

POSTGRES_SERVER = os.environ.get("RUNPT_POSTGRES_URL")
POSTGRES = "postgresql+psycopg://runpt@db.internal/runpt"


# --- TRUSTED_PROXIES --------------------------------------------------------------------


@pytest.fixture
def app_behind(_schema, tmp_path):
    """An app made with TRUSTED_PROXIES=n (as its setting would come from the
    environment), wiped afterwards like the suite's own `app`."""
    made = []

    def make(proxies: int):
        app = create_app({**settings(_schema, tmp_path / str(proxies)), "TRUSTED_PROXIES": proxies})
        app.config["LOGIN_RATE_LIMIT"] = 3

        @app.get("/_where-am-i")
        def where_am_i():
            return {"address": request.remote_addr, "link": url_for("auth.login", _external=True)}

        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            wipe_runner_data()
            db.engine.dispose()


def through_proxy(app, client_address: str) -> AuthActions:
    """A browser at `client_address` whose requests reach runpt through one proxy on
    127.0.0.1, which says so in X-Forwarded-For/-Proto/-Host as Caddy does."""
    client = app.test_client()
    client.environ_base.update(
        HTTP_X_FORWARDED_FOR=client_address,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_HOST="runpt.example",
    )
    return AuthActions(client)


def fail_logins(browser: AuthActions, times: int, tag: str) -> list[int]:
    """Wrong passwords for a new email each time, so only the address is counted."""
    return [
        browser.login(f"{tag}-{n}@example.com", "not-the-password").status_code
        for n in range(times)
    ]


def test_behind_a_trusted_proxy_the_login_limit_counts_each_runners_own_address(app_behind):
    app = app_behind(1)
    ana, ben = through_proxy(app, "203.0.113.7"), through_proxy(app, "198.51.100.9")
    assert 429 not in fail_logins(ana, 3, "ana")
    refused = ana.login("ana-4@example.com", "not-the-password")
    assert refused.status_code == 429 and TOO_MANY in refused.text
    # Ben comes through the same proxy from his own address: not locked out by Ana.
    answered = ben.login("ben@example.com", "not-the-password")
    assert answered.status_code != 429 and NOT_RIGHT in answered.text


def test_a_trusted_proxy_counts_the_address_it_saw_not_one_the_client_added(app_behind):
    """X-Forwarded-For of "what the client sent, what the proxy saw": with one proxy only
    the last entry is believed, so a client can't escape the limit by adding addresses."""
    app = app_behind(1)
    assert 429 not in fail_logins(through_proxy(app, "203.0.113.7"), 3, "ana")
    disguised = through_proxy(app, "10.9.9.9, 203.0.113.7")
    assert disguised.login("ana-4@example.com", "not-the-password").status_code == 429


def test_without_trusted_proxies_forwarded_headers_are_ignored(app_behind):
    """Anyone can send X-Forwarded-For: untrusted, every runner behind the proxy is the
    proxy's address (a limit shared by all), and a client can't pick its own."""
    app = app_behind(0)
    assert 429 not in fail_logins(through_proxy(app, "203.0.113.7"), 3, "ana")
    other = through_proxy(app, "198.51.100.9")
    assert other.login("ben@example.com", "not-the-password").status_code == 429
    seen = other.client.get("/_where-am-i").json
    assert seen == {"address": "127.0.0.1", "link": "http://localhost/auth/login"}


def test_behind_a_trusted_proxy_links_are_https_on_the_public_host(app_behind):
    seen = through_proxy(app_behind(1), "203.0.113.7").client.get("/_where-am-i").json
    assert seen == {"address": "203.0.113.7", "link": "https://runpt.example/auth/login"}


def test_trusted_proxies_comes_from_the_environment_and_a_wrong_value_stops_the_start(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert settings_from_environment(str(tmp_path))["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert settings_from_environment(str(tmp_path))["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="number of proxies in front of runpt"):
        settings_from_environment(str(tmp_path))


# --- DATABASE_PREPARED_STATEMENTS --------------------------------------------------------


def test_prepared_statements_are_on_unless_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", "postgresql://runpt@db.internal/runpt")
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    assert (
        "connect_args" not in settings_from_environment(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "off")
    options = settings_from_environment(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {"prepare_threshold": None}
    assert options["pool_pre_ping"] is True
    # SQLite has no server to prepare on: nothing to pass.
    assert "connect_args" not in engine_options("sqlite:///x.sqlite3", prepared_statements=False)


def pg_class_table():
    """A catalog table, so a test needs no schema of runpt's."""
    return table("pg_class", column("relname"))


def postgres_database() -> str:
    url = os.environ.get("RUNPT_TEST_DATABASE_URL") or (
        POSTGRES_SERVER and POSTGRES_SERVER.rstrip("/") + "/runpt_test"
    )
    if not url or not url.startswith("postgresql"):
        if os.environ.get("CI"):
            pytest.fail("CI must check prepared statements on PostgreSQL (RUNPT_POSTGRES_URL)")
        pytest.skip("no PostgreSQL (RUNPT_POSTGRES_URL or RUNPT_TEST_DATABASE_URL)")
    return url


@pytest.mark.parametrize("prepared", ["on", "off"])
def test_with_prepared_statements_off_nothing_is_prepared_on_the_server(
    prepared, tmp_path, monkeypatch
):
    """psycopg prepares a statement run more than 5 times in one transaction (a page that
    renders many fragments, the library's load) and the name stays on that server
    connection after the transaction: behind PgBouncer in transaction mode another client
    then meets it (`DuplicatePreparedStatement`). DATABASE_PREPARED_STATEMENTS=off turns
    it off for every connection of the pool, the plain reads' raw ones too
    (runpt/plain_reads.py)."""
    url = postgres_database()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", prepared)
    app = create_app({"AUTO_MIGRATE": False, "INSTANCE_PATH": str(tmp_path), "TESTING": True})
    pg_class = pg_class_table()
    read = PlainRead(select(pg_class.c.relname).where(pg_class.c.relname == bindparam("name")))
    with app.app_context():
        for _ in range(10):
            assert read.first(name="pg_class") == ("pg_class",)
            db.session.execute(select(pg_class.c.relname).where(pg_class.c.relname == "x")).all()
        names = db.session.scalars(text("SELECT name FROM pg_prepared_statements")).all()
        db.session.rollback()
        raw = db.engine.raw_connection()  # as a plain read borrows one
        threshold = raw.driver_connection.prepare_threshold
        raw.close()
        db.engine.dispose()
    if prepared == "on":
        assert names and threshold == 5, "psycopg prepared nothing: the test shows no difference"
    else:
        assert names == [] and threshold is None


def test_a_plain_read_inside_the_requests_transaction_takes_no_second_connection(app):
    """A unit renders its steps inside one transaction, and each step makes a plain
    read. Behind PgBouncer in transaction mode every connection in a transaction is a
    server connection: requests each holding one and waiting for a second took the whole
    pool and waited for each other (the deployment test's readers hung until
    PgBouncer's timeout). Inside a transaction the plain read uses its connection."""
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    catalog = table("sqlite_master", column("name")) if sqlite else pg_class_table()
    name = next(iter(catalog.c))
    read = PlainRead(select(name).where(name == bindparam("name")))
    with app.test_request_context():
        checkouts = []
        listen = functools.partial(event.listen, db.engine.pool, "checkout")
        listen(lambda *_: checkouts.append(db.engine.pool.checkedout()))
        assert read.first(name="nothing") is None
        db.session.execute(select(name).limit(1)).all()  # the request's transaction
        assert read.first(name="nothing") is None
        db.session.rollback()
    # One for the read on its own, one for the transaction, none for the read inside it.
    assert checkouts == [1, 1]
