"""What tests use besides fixtures: the test app's settings, a runner acting through the
real forms, and putting the database back as a run found it. Test files import these
from here; conftest.py holds only fixtures and hooks (tests/test_suite_shape.py)."""

import contextlib
import copy
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import delete, literal, select, union_all

from runpt.extensions import db

SHARED_MEMORY = Path("/dev/shm")
POSTGRES_PASS_URLS = ("RUNPT_TEST_DATABASE_URL", "RUNPT_BROWSER_DATABASE_URL")


def check_the_postgres_pass(environ=os.environ) -> None:
    """CI's PostgreSQL pass sets RUNPT_REQUIRE_POSTGRES (.ci/run): a run with it whose
    database URLs are missing or not PostgreSQL's stops at once, instead of passing on
    SQLite and leaving the PostgreSQL pass lost without anyone noticing."""
    if not environ.get("RUNPT_REQUIRE_POSTGRES"):
        return
    for name in POSTGRES_PASS_URLS:
        if not environ.get(name, "").startswith("postgresql"):
            raise pytest.UsageError(
                f"RUNPT_REQUIRE_POSTGRES is set but {name} is no PostgreSQL URL"
            )


def worker_of(config) -> str | None:
    """The xdist worker this process is ("gw0", ...), None when pytest runs alone. From
    pytest's config, not the environment: a pytest that a test starts inherits its
    worker's PYTEST_XDIST_WORKER without being one."""
    return getattr(config, "workerinput", {}).get("workerid")


def database_of_this_worker(url: str, worker: str | None) -> str:
    """A PostgreSQL database for one xdist worker beside the one `url` names (runpt_test
    gives runpt_test_gw0), made if missing: each worker builds its own schema and wipes
    its own rows. Alone, `url` itself."""
    if not worker or not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    given = make_url(url)
    own = f"{given.database}_{worker}"
    server = given.set(database="postgres")
    engine = create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            known = text("SELECT 1 FROM pg_database WHERE datname = :name")
            if connection.execute(known, {"name": own}).first() is None:
                connection.execute(text(f'CREATE DATABASE "{own}"'))
    finally:
        engine.dispose()
    return given.set(database=own).render_as_string(hide_password=False)


@contextlib.contextmanager
def folder_in_memory(fallback: Path):
    """A folder of its own on the machine's tmpfs (/dev/shm) for the run's SQLite
    database, removed afterwards; `fallback` where there is none. runpt's SQLite waits
    for the disk at every commit (synchronous=FULL, runpt/sqlite.py), which a test
    database needs no more than a crash test needs a real car: in memory the fast suite
    took a quarter less time, and the same CPU (docs/performance.md, "The test suite")."""
    if not (SHARED_MEMORY.is_dir() and os.access(SHARED_MEMORY, os.W_OK)):
        yield fallback
        return
    folder = Path(tempfile.mkdtemp(prefix="runpt-tests-", dir=SHARED_MEMORY))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def settings(database_url: str, instance_path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "AUTO_MIGRATE": False,
        # A cheaper scrypt: hundreds of tests sign up and log in. Production's cost is
        # checked in tests/test_auth.py.
        "PASSWORD_HASH_METHOD": "scrypt:4096:8:1",
        "INSTANCE_PATH": str(instance_path),
    }


class AuthActions:
    """Register, log in and log out like a runner would, through the real forms."""

    def __init__(self, client):
        self.client = client

    def register(self, email="runner@example.com", password="long-enough-1"):
        return self.client.post("/auth/register", data={"email": email, "password": password})

    def login(self, email="runner@example.com", password="long-enough-1", remember=False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "1"
        return self.client.post("/auth/login", data=data)

    def logout(self):
        return self.client.post("/auth/logout")


# --- the database as the run found it ----------------------------------------------------


def runner_tables():
    """Every table of runpt's but the library's exercises, children before parents, so
    each delete finds nothing pointing at its rows. A table a new feature adds is a
    runner's by default: nothing here needs changing for it."""
    return [table for table in reversed(db.metadata.sorted_tables) if table.name != "exercise"]


def runners_rows(table):
    """A runner's rows of `table`: all of them, except the library's own routines and
    their steps, which belong to nobody."""
    routine = db.metadata.tables["routine"]
    if table.name == "routine":
        return routine.c.owner_id.is_not(None)
    if table.name == "routine_step":
        owned = select(routine.c.id).where(routine.c.owner_id.is_not(None))
        return table.c.routine_id.in_(owned)
    return None


def tables_with_runners_rows() -> list:
    """The runner tables that hold any runner's row, in one query: most tests write to
    a few tables, and a delete from an empty one still costs a statement and a commit."""
    tables = runner_tables()
    probes = []
    for table in tables:
        rows = select(literal(1)).select_from(table)
        if (where := runners_rows(table)) is not None:
            rows = rows.where(where)
        probes.append(select(literal(table.name)).where(rows.exists()))
    found = set(db.session.scalars(union_all(*probes)))
    return [table for table in tables if table.name in found]


def delete_runners_rows() -> None:
    """Remove everything runners made (accounts, events, their routines, sign-ins,
    limits counted, reminders, links); the library stays."""
    db.session.rollback()
    tables = tables_with_runners_rows()
    for table in tables:
        statement = delete(table)
        if (where := runners_rows(table)) is not None:
            statement = statement.where(where)
        db.session.execute(statement)
    if tables:
        db.session.commit()


def library_rows() -> tuple:
    """Every row of the library as stored (exercises, built-in routines and their steps):
    compared before and after a test, it says whether the test changed the library."""
    routine = db.metadata.tables["routine"]
    step = db.metadata.tables["routine_step"]
    built_in = select(routine.c.id).where(routine.c.owner_id.is_(None))
    queries = (
        select(db.metadata.tables["exercise"]).order_by("id"),
        select(routine).where(routine.c.owner_id.is_(None)).order_by("id"),
        select(step).where(step.c.routine_id.in_(built_in)).order_by("id"),
    )
    return tuple(tuple(map(tuple, db.session.execute(query))) for query in queries)


def wipe_runner_data() -> None:
    """Remove everything runners made; keep the library, loading it again in case a test
    changed it. For apps a test makes itself; the `app` fixture's reset is AppReset."""
    from runpt.routines.builtin import load_library

    delete_runners_rows()
    load_library()


HOOKS = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")


def hooks_of(app) -> dict:
    """The app's request hooks, by blueprint, as copies to compare and put back."""
    return {name: {bp: list(funcs) for bp, funcs in getattr(app, name).items()} for name in HOOKS}


def forget_drawn_caches() -> None:
    """The process's caches of what runners' rows drew (runpt/routines/steps.py,
    runpt/pages/player.py) and of the library's slugs (runpt/log/ingest.py)."""
    from runpt.log import ingest
    from runpt.pages import player
    from runpt.routines import steps

    steps._LAID_OUT.clear()
    player._DRAWN.clear()
    ingest._exercise_slugs = frozenset()


class AppReset:
    """Puts the session's app back as it was made, after each test that used it.

    One app serves every test of a run (of an xdist worker): making one costs ~25 ms of
    CPU, and wiping the database and loading the library again after every test cost
    as much as the tests themselves (issue 26: 62% of the fast suite's time). What a
    test can change, and what is put back:

    - `app.config` (tests set limits, flags, URLs): back to a copy taken when the app
      was made, whenever it differs.
    - `app.extensions`: entries made since (the per-address limits' token buckets,
      runpt/security/flood.py) are dropped, so every test starts with full buckets.
    - the database: runners' rows are deleted from the tables that have any
      (`delete_runners_rows`); the library is loaded again only when its rows differ
      from those after the last load (`library_rows`), whatever changed them: the ORM,
      a plain UPDATE, another app or a load of other files.

    - the app's request hooks: hooks a test adds (`before_request`) are taken off.
    - the process's caches keyed by database ids (`forget_drawn_caches`): a routine the
      next test makes reuses the id of one deleted here, with the same `updated_at`
      under the pinned clock, so a step drawn for this test must not be shown to it.

    Everything else an app holds is made by `create_app` and no test changes it; a test
    that needs other settings at creation makes its own app (e.g. tests/test_app.py).
    """

    def __init__(self, app):
        self.app = app
        self.config = copy.deepcopy(dict(app.config))
        self.extensions = set(app.extensions)
        self.hooks = hooks_of(app)
        with app.app_context():
            self.library = library_rows()
            db.session.remove()

    def __call__(self) -> None:
        self.restore_config()
        for name in set(self.app.extensions) - self.extensions:
            del self.app.extensions[name]
        if hooks_of(self.app) != self.hooks:
            for name, hooks in self.hooks.items():
                setattr(self.app, name, copy.copy(hooks))
        forget_drawn_caches()
        with self.app.app_context():
            delete_runners_rows()
            self.reload_library_if_changed()
            db.session.remove()

    def restore_config(self) -> None:
        if dict(self.app.config) != self.config:
            self.app.config.clear()
            self.app.config.update(copy.deepcopy(self.config))

    def reload_library_if_changed(self) -> None:
        from runpt.routines.builtin import load_library

        if library_rows() != self.library:
            load_library()
            self.library = library_rows()
