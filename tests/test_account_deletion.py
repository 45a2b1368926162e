"""Deleting an account: confirmed with the password, and then nothing of the runner is left."""

from sqlalchemy import func, select

from runpt.auth.models import LoginAttempt, User
from runpt.extensions import db
from runpt.log.models import Event
from tests.conftest import AuthActions
from tests.events import logged, new_session, started
from tests.test_auth import PASSWORD, field_error
from tests.test_routines import all_routines_state, create, other_runner

OWNER_COLUMNS = ("user_id", "owner_id")


def user_id(email: str = "runner@example.com") -> int | None:
    return db.session.scalar(select(User.id).where(User.email == email))


def rows_referencing(uid: int, email: str) -> dict[str, int]:
    """Rows in every table that point at this runner, by table; empty when none do.

    Goes over all tables, so a table added later with a user_id or owner_id column is
    checked without changing this test."""
    found = {}
    for table in db.metadata.sorted_tables:
        for name in OWNER_COLUMNS:
            if name in table.columns:
                query = select(func.count()).select_from(table).where(table.c[name] == uid)
                if count := db.session.scalar(query):
                    found[f"{table.name}.{name}"] = count
    if db.session.get(User, uid) is not None:
        found["user"] = 1
    query = select(func.count()).where(LoginAttempt.key == f"email:{email}")
    if count := db.session.scalar(query):
        found["login_attempt.key"] = count
    return found


def runner_with_data(client, app) -> int:
    """The signed-in runner with a routine, synced logs and failed logins on record."""
    create(client, "My Tuesday", "glute-bridge", "side-plank")
    session = new_session()
    events = [started(session), logged(session, note="felt strong"), logged(session, set_no=2)]
    assert client.post("/api/sync", json={"events": events}).status_code == 200
    AuthActions(app.test_client()).login(password="not-my-password")
    with app.app_context():
        uid = user_id()
        assert set(rows_referencing(uid, "runner@example.com")) == {
            "event.user_id", "routine.owner_id", "user", "login_attempt.key", "sign_in.user_id",
        }  # fmt: skip
    return uid


def other_runner_with_data(app):
    other = other_runner(app)
    create(other, "Their Thursday", "hip-circles")
    session = new_session()
    other.post("/api/sync", json={"events": [started(session), logged(session)]})
    return other


def everything_of(email: str) -> tuple:
    """The other runner's data as it stands: user row, events and all routines."""
    uid = user_id(email)
    events = db.session.scalars(select(Event.id).where(Event.user_id == uid).order_by(Event.id))
    return uid, list(events), all_routines_state()


def test_delete_page_asks_for_the_password_and_is_linked_from_every_page(signed_in):
    response = signed_in.get("/auth/delete")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Delete your account" in body
    assert 'name="password"' in body and 'type="password"' in body
    assert "can't be undone" in body
    home = signed_in.get("/").get_data(as_text=True)
    assert 'href="/auth/delete"' in home and 'href="/auth/password"' in home


def test_the_delete_page_needs_a_login(client, app):
    response = client.get("/auth/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/auth/delete"
    response = client.post("/auth/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_wrong_password_deletes_nothing(signed_in, app):
    uid = runner_with_data(signed_in, app)
    with app.app_context():
        before = rows_referencing(uid, "runner@example.com"), all_routines_state()
    for password in ("wrong-password", ""):
        response = signed_in.post("/auth/delete", data={"password": password})
        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert field_error(body, "password") == "That is not your password. Nothing was deleted."
        assert 'aria-invalid="true"' in body
    with app.app_context():
        assert (rows_referencing(uid, "runner@example.com"), all_routines_state()) == before
    # Still logged in.
    assert signed_in.get("/routines").status_code == 200


def test_deleting_removes_every_row_of_the_runner_and_nothing_else(signed_in, app):
    uid = runner_with_data(signed_in, app)
    other = other_runner_with_data(app)
    with app.app_context():
        others_before = everything_of("other@example.com")
        their_routines = [r for r in others_before[2] if r[2] == others_before[0]]
        assert their_routines and others_before[1]

    response = signed_in.post("/auth/delete", data={"password": PASSWORD})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Your account and all your logs and routines are deleted" in body
    # The page itself tells the phone whose outbox and cached pages to drop.
    assert f'data-forget-runner="{uid}"' in body
    assert "Stay running." in signed_in.get("/").get_data(as_text=True)  # logged out

    with app.app_context():
        assert rows_referencing(uid, "runner@example.com") == {}
        assert user_id() is None
        others_after = everything_of("other@example.com")
        # The other runner's account, events and routines, and the built-ins, are untouched.
        mine_gone = [r for r in others_before[2] if r[2] != uid]
        assert others_after == (others_before[0], others_before[1], mine_gone)
    assert other.get("/routines").status_code == 200
    assert "Their Thursday" in other.get("/routines").get_data(as_text=True)


def test_after_deleting_the_runner_is_logged_out_and_can_start_again(signed_in, app):
    runner_with_data(signed_in, app)
    signed_in.post("/auth/delete", data={"password": PASSWORD})
    after = signed_in.get("/routines")
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/auth/login")
    sync = signed_in.post("/api/sync", json={"events": [logged(new_session())]})
    assert sync.status_code == 401

    auth = AuthActions(signed_in)
    refused = auth.login()
    assert refused.status_code == 400
    assert "Email or password is not right" in field_error(
        refused.get_data(as_text=True), "password"
    )
    assert auth.register().status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    assert "My Tuesday" not in signed_in.get("/routines").get_data(as_text=True)


def test_a_cross_site_delete_is_refused(signed_in, app):
    uid = runner_with_data(signed_in, app)
    response = signed_in.post(
        "/auth/delete", data={"password": PASSWORD}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "Cross-site request refused" in response.get_data(as_text=True)
    with app.app_context():
        assert "user" in rows_referencing(uid, "runner@example.com")
