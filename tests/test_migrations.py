"""Migrations keep runners' data: upgrading an existing SQLite database loses nothing."""

import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from runpt import create_app
from runpt.extensions import db

TWO_RUNNERS = (
    "INSERT INTO user (id, email, password_hash, created_at) VALUES "
    "(1, 'a@example.com', 'h', '2026-01-01'), (2, 'b@example.com', 'h', '2026-01-01')"
)
A_ROUTINE_OF_THE_SECOND = (
    "INSERT INTO routine (id, name, summary, problem, owner_id, created_at, updated_at) "
    "VALUES (1, 'Mine', '', '', 2, '2026-01-01', '2026-01-01')"
)


def app_with_an_old_database(tmp_path):
    """An app on an SQLite file that tests upgrade step by step (no migration at start)."""
    return create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
            "AUTO_MIGRATE": False,
            "SECRET_KEY": "x",
        }
    )


def test_upgrading_to_never_reused_ids_keeps_every_row(tmp_path):
    app = app_with_an_old_database(tmp_path)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0002")
        run = db.session.execute
        run(text(TWO_RUNNERS))
        run(text(A_ROUTINE_OF_THE_SECOND))
        run(
            text(
                "INSERT INTO event (id, user_id, type, at, at_offset_min, session_id, data, "
                "received_at) VALUES (:id, 2, 'session.finished', '2026-01-01', 0, :s, '{}', "
                "'2026-01-01')"
            ),  # fmt: skip
            {"id": uuid.uuid4().hex, "s": uuid.uuid4().hex},
        )
        run(text("DELETE FROM user WHERE id = 1"))
        db.session.commit()

        upgrade(directory=directory)

        assert run(text("SELECT count(*) FROM event WHERE user_id = 2")).scalar() == 1
        assert run(text("SELECT count(*) FROM routine WHERE owner_id = 2")).scalar() == 1
        assert run(text("SELECT email FROM user")).scalars().all() == ["b@example.com"]
        # A new account gets a fresh id, never a deleted runner's.
        run(text("DELETE FROM user WHERE id = 2"))
        run(text("INSERT INTO user (email, password_hash, created_at) "
                 "VALUES ('c@example.com', 'h', '2026-01-02')"))  # fmt: skip
        assert run(text("SELECT id FROM user WHERE email = 'c@example.com'")).scalar() == 3
        db.session.rollback()
        db.engine.dispose()


def test_upgrading_to_history_keeps_routine_steps_at_the_exercise_itself(tmp_path):
    app = app_with_an_old_database(tmp_path)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0003")
        run = db.session.execute
        run(text(TWO_RUNNERS))
        run(text(A_ROUTINE_OF_THE_SECOND))
        run(
            text(
                'INSERT INTO exercise (id, slug, name, "group", phase, summary, equipment, '
                "problems, steps, cues, mistakes, easier, harder, safety, sets, reps, per_side, "
                "rest_s, dose_source) VALUES (1, 'glute-bridge', 'Glute bridge', 'glutes', "
                "'strength', '', '[]', '[]', '[]', '[]', '[]', '[]', '[]', '', 3, 10, 0, 30, '')"
            )
        )
        run(text("INSERT INTO routine_step (id, routine_id, position, exercise_id, sets, reps) "
                 "VALUES (1, 1, 0, 1, 3, 12)"))  # fmt: skip
        db.session.commit()

        upgrade(directory=directory)

        step = run(text("SELECT sets, reps, level, dose_changed_at FROM routine_step")).one()
        assert tuple(step) == (3, 12, 0, None)
        assert run(text("SELECT count(*) FROM session_summary")).scalar() == 0
        db.session.rollback()
        db.engine.dispose()


def test_upgrading_to_honest_counting_drops_summaries_to_rebuild_and_keeps_events(tmp_path):
    """Summaries made before a set logged twice counted once are dropped; history
    rebuilds them from the events, which stay."""
    app = app_with_an_old_database(tmp_path)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0004")
        run = db.session.execute
        run(text(TWO_RUNNERS))
        session = uuid.uuid4().hex
        run(
            text(
                "INSERT INTO event (id, user_id, type, at, at_offset_min, session_id, data, "
                "received_at) VALUES (:id, 2, 'session.finished', '2026-01-01', 0, :s, '{}', "
                "'2026-01-01')"
            ),  # fmt: skip
            {"id": uuid.uuid4().hex, "s": session},
        )
        run(
            text(
                "INSERT INTO session_summary (user_id, session_id, event_count, started_at, "
                "offset_min, set_count, pain_by_exercise) VALUES (2, :s, 1, '2026-01-01', 0, 2, "
                "'{}')"
            ),  # fmt: skip
            {"s": session},
        )
        db.session.commit()

        upgrade(directory=directory)

        assert run(text("SELECT count(*) FROM session_summary")).scalar() == 0
        assert run(text("SELECT count(*) FROM event")).scalar() == 1
        run(
            text(
                "INSERT INTO session_summary (user_id, session_id, event_count, started_at, "
                "offset_min, set_count, pain_by_exercise) VALUES (2, :s, 1, '2026-01-01', 0, 0, "
                "'{}')"
            ),  # fmt: skip
            {"s": session},
        )
        row = run(text("SELECT planned_sets, strength_sets FROM session_summary")).one()
        assert tuple(row) == (None, 0)
        db.session.rollback()
        db.engine.dispose()


def test_upgrading_to_routine_guidance_gives_own_routines_none(tmp_path):
    """A runner's own routine gets no red flags, running line or triage, and is no add-on;
    built-in ones get theirs from routines.toml when the library loads."""
    app = app_with_an_old_database(tmp_path)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0006")
        run = db.session.execute
        run(text(TWO_RUNNERS))
        run(text(A_ROUTINE_OF_THE_SECOND))
        db.session.commit()

        upgrade(directory=directory)

        row = run(text("SELECT name, red_flags, running, triage, add_on FROM routine")).one()
        assert tuple(row) == ("Mine", "", "", "[]", 0)
        db.session.rollback()
        db.engine.dispose()


def test_upgrading_to_sign_ins_keeps_accounts_and_ends_old_cookies(tmp_path):
    """Cookies made before sign-ins carried the runner's id; after the upgrade they load
    no one (the runner signs in once more), and every account is still there."""
    app = app_with_an_old_database(tmp_path)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0004")
        run = db.session.execute
        run(text(TWO_RUNNERS))
        db.session.commit()

        upgrade(directory=directory)

        assert run(text("SELECT email FROM user ORDER BY id")).scalars().all() == [
            "a@example.com",
            "b@example.com",
        ]
        assert run(text("SELECT count(*) FROM sign_in")).scalar() == 0
        db.session.rollback()
        from runpt.auth.signins import signed_in_user

        # An old remember-me cookie said "2": it names no sign-in.
        with app.test_request_context():
            assert signed_in_user("2") is None
        db.engine.dispose()


def test_upgrading_to_runner_settings_keeps_training_days_and_finds_copies(tmp_path):
    """A saved training plan becomes the runner's settings, with kg, voice on and the
    first-run questions not answered yet; a copy named "<built-in> (my copy)" remembers
    its built-in, and a routine made from scratch remembers none."""
    app = app_with_an_old_database(tmp_path)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0007")
        run = db.session.execute
        run(text(TWO_RUNNERS))
        run(text("INSERT INTO training_plan (user_id, weekdays, time_of_day) "
                 "VALUES (2, '1,3,5', '06:45')"))  # fmt: skip
        run(
            text(
                "INSERT INTO routine (id, slug, name, summary, problem, owner_id, created_at, "
                "updated_at) VALUES (1, 'runners-essentials', 'Runner''s essentials', '', '', "
                "NULL, '2026-01-01', '2026-01-01'), (2, NULL, 'Runner''s essentials (my copy)', "
                "'', '', 2, '2026-01-02', '2026-01-02'), (3, NULL, 'Mine', '', '', 2, "
                "'2026-01-03', '2026-01-03')"
            )
        )
        db.session.commit()

        upgrade(directory=directory)

        row = run(
            text(
                "SELECT weekdays, time_of_day, problems, injury_free, unit, voice, answered_at "
                "FROM runner_settings"
            )
        ).one()
        assert tuple(row) == ("1,3,5", "06:45", "[]", 0, "kg", 1, None)
        copied = run(text("SELECT id, copied_from FROM routine ORDER BY id")).all()
        assert [tuple(r) for r in copied] == [(1, None), (2, "runners-essentials"), (3, None)]
        db.session.rollback()
        db.engine.dispose()


def test_upgrading_to_one_spelling_of_event_times_finds_whole_second_sets_by_time(tmp_path):
    app = app_with_an_old_database(tmp_path)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0009")
        run = db.session.execute
        run(text(TWO_RUNNERS))
        # As ingest stored a set logged at a whole second, and one at 07:30:00.250.
        whole, part = uuid.uuid4().hex, uuid.uuid4().hex
        run(
            text(
                "INSERT INTO event (id, user_id, type, at, at_offset_min, session_id, data, "
                "received_at) VALUES (:whole, 1, 'session.finished', '2026-11-27 06:30:00', "
                "60, :s, '{}', '2026-11-27 06:31:00'), (:part, 1, 'session.finished', "
                "'2026-11-27 06:30:00.250000', 60, :s, '{}', '2026-11-27 06:31:00.500000')"
            ),  # fmt: skip
            {"whole": whole, "part": part, "s": uuid.uuid4().hex},
        )
        db.session.commit()

        upgrade(directory=directory)

        times = run(text("SELECT id, at, received_at FROM event ORDER BY at")).all()
        assert [tuple(row) for row in times] == [
            (whole, "2026-11-27 06:30:00.000000", "2026-11-27 06:31:00.000000"),
            (part, "2026-11-27 06:30:00.250000", "2026-11-27 06:31:00.500000"),
        ]
        db.session.rollback()
        db.engine.dispose()


def test_app_connections_enforce_foreign_keys(tmp_path):
    """A row pointing at a runner who doesn't exist can't be written (issue 28, item 1):
    SQLite leaves foreign keys off unless each connection asks."""
    app = app_with_an_old_database(tmp_path)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        with pytest.raises(IntegrityError):
            db.session.execute(
                text(
                    "INSERT INTO event (id, user_id, type, at, at_offset_min, session_id, "
                    "data, received_at) VALUES (:id, 99, 'session.finished', '2026-01-01', "
                    "0, :s, '{}', '2026-01-01')"
                ),  # fmt: skip
                {"id": uuid.uuid4().hex, "s": uuid.uuid4().hex},
            )
        db.session.rollback()
        db.engine.dispose()


def test_upgrading_to_known_devices_deletes_rows_of_runners_who_no_longer_exist(tmp_path):
    """Rows a sync stored after its runner's deletion (before keys were enforced) go;
    every other row stays, and the key check that ends the migrations holds."""
    app = app_with_an_old_database(tmp_path)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0011")
        with db.engine.connect() as old_runpt:  # as round 2 wrote them: keys not enforced
            old_runpt.exec_driver_sql("PRAGMA foreign_keys=OFF")
            old_runpt.execute(text(TWO_RUNNERS))
            old_runpt.execute(text(A_ROUTINE_OF_THE_SECOND))
            for owner in (2, 7, 7):  # runner 7 was deleted while a sync was in flight
                old_runpt.execute(
                    text(
                        "INSERT INTO event (id, user_id, type, at, at_offset_min, "
                        "session_id, data, received_at) VALUES (:id, :owner, "
                        "'session.finished', '2026-01-01', 0, :s, '{}', '2026-01-01')"
                    ),  # fmt: skip
                    {"id": uuid.uuid4().hex, "owner": owner, "s": uuid.uuid4().hex},
                )
            old_runpt.execute(
                text(
                    "INSERT INTO routine (id, name, summary, problem, owner_id, created_at, "
                    "updated_at) VALUES (2, 'Theirs', '', '', 7, '2026-01-01', '2026-01-01')"
                )
            )
            old_runpt.commit()
            old_runpt.exec_driver_sql("PRAGMA foreign_keys=ON")

        upgrade(directory=directory)

        run = db.session.execute
        assert run(text("SELECT user_id FROM event")).scalars().all() == [2]
        owners = run(text("SELECT owner_id FROM routine WHERE owner_id IS NOT NULL"))
        assert owners.scalars().all() == [2]
        assert run(text("SELECT count(*) FROM user")).scalar() == 2
        assert run(text("PRAGMA foreign_key_check")).all() == []
        assert run(text("SELECT count(*) FROM known_device")).scalar() == 0
        db.session.rollback()
        db.engine.dispose()
