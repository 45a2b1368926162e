"""Deleting an account: confirmed with the password, and then nothing of the runner is left."""

import threading
import time

import pytest
from sqlalchemy import func, select

from runpt.auth.models import LoginAttempt, User
from runpt.extensions import db
from runpt.log import ingest as ingest_module
from runpt.log.models import Event
from runpt.reminders.models import PushSubscription, ReminderSettings, SentReminder
from runpt.timestamps import utcnow
from tests.events import capacity_side, logged, new_session, ran, started
from tests.helpers import AuthActions
from tests.test_auth import PASSWORD, field_error
from tests.test_routines import all_routines_state, create, other_runner


def user_id(email: str = "runner@example.com") -> int | None:
    return db.session.scalar(select(User.id).where(User.email == email))


def owned_rows(uid: int) -> dict:
    """{table: a query of the runner's rows in it}, for every table whose rows belong to
    a runner, read from the metadata: a table with a foreign key to the runner, or to a
    row that is theirs (a routine's steps), however it is added later."""
    owned = {}
    for table in db.metadata.sorted_tables:  # parents before the tables pointing at them
        for key in table.foreign_keys:
            parent, column = key.column.table, key.parent
            if parent.name == "user":
                owned[table.name] = table.c[column.name] == uid
            elif parent.name in owned:
                theirs = select(key.column).where(owned[parent.name])
                owned[table.name] = table.c[column.name].in_(theirs)
    return owned


def rows_referencing(uid: int, email: str) -> dict[str, int]:
    """Rows in every table that belong to this runner, by table; empty when none do.
    Their account row and failed logins (counted by email) too."""
    found = {}
    for name, theirs in owned_rows(uid).items():
        table = db.metadata.tables[name]
        if count := db.session.scalar(select(func.count()).select_from(table).where(theirs)):
            found[name] = count
    if db.session.get(User, uid) is not None:
        found["user"] = 1
    keys = (f"email:{email}", f"every:email:{email}")
    query = select(func.count()).where(LoginAttempt.key.in_(keys))
    if count := db.session.scalar(query):
        found["login_attempt"] = count
    return found


def every_kind_of_row() -> set[str]:
    """Every table a runner can own a row in: what `runner_with_data` must fill."""
    return set(owned_rows(0)) | {"user", "login_attempt"}


def runner_with_data(client, app) -> int:
    """The signed-in runner owning a row of every kind: a routine with steps, synced
    sets, a capacity test and a run (events), the sessions' summaries, their first-run
    answers (settings), a share link, a sign-in, a known device, failed logins, and
    reminders: their choices, a phone's push subscription and a reminder sent."""
    create(client, "My Tuesday", "glute-bridge", "side-plank")
    session = new_session()
    events = [
        started(session), logged(session, note="felt strong"), logged(session, set_no=2),
        capacity_side(new_session()), ran(new_session()),
    ]  # fmt: skip
    synced = client.post("/api/sync", json={"events": events})
    assert [r["status"] for r in synced.get_json()["results"]] == ["accepted"] * len(events)
    client.post("/get-started", data={"aim": "injury-free", "day": ["1", "4"]})
    assert client.post("/sharing", data={"days": "30", "label": "Anna"}).status_code == 303
    assert client.get("/").status_code == 200  # brings the session summaries up to date
    AuthActions(app.test_client()).login(password="not-my-password")
    with app.app_context():
        uid = user_id()
        with_reminders(uid)
        assert set(rows_referencing(uid, "runner@example.com")) == every_kind_of_row()
    return uid


def with_reminders(uid: int) -> None:
    """Reminders turned on, on one phone, and one sent: rows as runpt/reminders keeps
    them (tests/test_reminders.py makes them through the real endpoints)."""
    now = utcnow()
    db.session.add(ReminderSettings(user_id=uid, kinds=["morning"], time_zone="UTC"))
    db.session.add(
        PushSubscription(
            user_id=uid, endpoint=f"https://push.example/{uid}", p256dh="key", auth="secret",
            origin="https://runpt.example", created_at=now,
        )
    )  # fmt: skip
    db.session.add(
        SentReminder(user_id=uid, kind="morning", day=now.date().isoformat(), claimed_at=now)
    )
    db.session.commit()


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
        after = rows_referencing(uid, "runner@example.com"), all_routines_state()
    # The two guesses are counted like failed logins (tests/test_sign_in_edges.py).
    assert after[0].pop("login_attempt") == before[0].pop("login_attempt") + 2
    assert after == before
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


# --- a deletion while the runner's other devices sync ------------------------------------


def same_sign_in(client, app):
    """Another client with this runner's session: their phone syncing in the background
    while they delete the account on a laptop (one sign-in stands for both here)."""
    copy = app.test_client()
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    copy.set_cookie(name, client.get_cookie(name).value)
    return copy


def a_batch(size: int = 50) -> list[dict]:
    session = new_session()
    return [started(session)] + [logged(session, set_no=n) for n in range(1, size)]


def in_id_order(batch: list[dict]) -> list[dict]:
    """The batch with its ids ascending, as a phone sends them: on PostgreSQL it is then
    checked and inserted in parts (runpt/log/ingest.py)."""
    ids = sorted(one["id"] for one in batch)
    return [dict(one, id=id_) for one, id_ in zip(batch, ids, strict=True)]


@pytest.mark.parametrize("order", [list, in_id_order], ids=["any-order", "in-id-order"])
def test_a_sync_that_loaded_the_runner_before_the_deletion_stores_nothing_after_it(
    signed_in, app, monkeypatch, order
):
    """The phone's batch had its runner loaded when the deletion committed; it stores
    nothing after it and is told to sign in again (it keeps its outbox), never
    "accepted" for rows under an id that no longer exists, never a 500. A batch of 250
    in id order goes in parts (runpt/log/ingest.py), none of which stays."""
    uid = runner_with_data(signed_in, app)
    phone = same_sign_in(signed_in, app)
    loaded, deleted = threading.Event(), threading.Event()
    slugs = ingest_module.known_exercise_slugs

    def slugs_once_the_account_is_deleted():
        loaded.set()  # the runner is loaded and the batch is being read
        deleted.wait(20)
        return slugs()

    monkeypatch.setattr(ingest_module, "known_exercise_slugs", slugs_once_the_account_is_deleted)
    answers = []
    syncing = threading.Thread(
        target=lambda: answers.append(phone.post("/api/sync", json={"events": order(a_batch(250))}))
    )
    syncing.start()
    assert loaded.wait(20)
    assert signed_in.post("/auth/delete", data={"password": PASSWORD}).status_code == 200
    deleted.set()
    syncing.join(30)

    [answer] = answers
    assert answer.status_code == 401
    assert answer.get_json() == {"error": "Sign in again to sync; your logs are kept until then."}
    with app.app_context():
        assert rows_referencing(uid, "runner@example.com") == {}
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_deleting_while_batches_are_in_flight_leaves_nothing_of_the_runner(signed_in, app):
    """Six devices keep sending batches of 50 while the account is deleted: each batch is
    either stored before the deletion (and deleted with the account) or answered 401;
    afterwards no row of the runner is left anywhere, on SQLite and PostgreSQL alike."""
    uid = runner_with_data(signed_in, app)
    phones = [same_sign_in(signed_in, app) for _ in range(6)]
    start = threading.Barrier(len(phones) + 1)
    answers: list[list[int]] = [[] for _ in phones]

    def keep_syncing(phone, statuses):
        start.wait()
        for _ in range(20):  # until the account is gone (a few batches), at most 20
            statuses.append(phone.post("/api/sync", json={"events": a_batch()}).status_code)
            if statuses[-1] != 200:
                return

    threads = [
        threading.Thread(target=keep_syncing, args=pair)
        for pair in zip(phones, answers, strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(0.05)  # the first batches are on their way
    assert signed_in.post("/auth/delete", data={"password": PASSWORD}).status_code == 200
    for thread in threads:
        thread.join(60)

    for statuses in answers:
        assert set(statuses) <= {200, 401}, statuses
        assert statuses[-1] == 401  # every device was told to sign in again
    with app.app_context():
        assert rows_referencing(uid, "runner@example.com") == {}
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
