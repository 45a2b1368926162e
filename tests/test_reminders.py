"""Reminders by Web Push (docs/reminders.md), with no real push service: a stand-in on
loopback (tests/push_service.py) checks each message's VAPID signature and decrypts it
with the test's own subscriber keys. The one clock `send-reminders` reads is pinned
through the `clock` fixture of tests/conftest.py."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from runpt.auth.models import User
from runpt.extensions import db
from runpt.reminders.models import PushSubscription, ReminderSettings, SentReminder
from runpt.reminders.sending import send_due_reminders
from runpt.runner.models import RunnerSettings
from tests.events import capacity_side, event, finished, new_session
from tests.push_service import PushService

# Monday 30 November 2026 at 07:30 in Tonga (UTC+13) and in Hawaii (UTC-10).
TONGA_MONDAY_0730 = datetime(2026, 11, 29, 18, 30, tzinfo=UTC)
HAWAII_MONDAY_0730 = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


@pytest.fixture
def clock(clock):
    """The one clock (tests/conftest.py), at Monday 07:30 in Tonga: `clock.now = ...`."""
    clock.set(TONGA_MONDAY_0730)
    return clock


@pytest.fixture
def loopback(app):
    app.config["PUSH_ALLOW_LOOPBACK"] = True
    return app


def a_runner(client, email: str, zone: str, days="1", at="07:00"):
    """A runner signed in on `client`, training on `days` at `at`, in `zone`."""
    client.post("/auth/register", data={"email": email, "password": "long-enough-1"})
    user_id = db.session.scalar(select(User.id).where(func.lower(User.email) == email))
    db.session.add(RunnerSettings(user_id=user_id, weekdays=days, time_of_day=at))
    db.session.commit()
    return user_id


def turn_on(client, subscriber, zone: str):
    """What js/reminders.js sends after the runner's tap and the browser's yes."""
    response = client.post(
        "/reminders/phone", json={"subscription": subscriber.as_json(), "time_zone": zone}
    )
    assert response.status_code == 200, response.get_json()
    return response


def send(runner) -> str:
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def kinds_to(service, name: str) -> list[str]:
    return [m["body"]["notification"]["tag"].removeprefix("runpt-") for m in service.received
            if m["to"] == name]  # fmt: skip


def test_a_training_day_reminder_arrives_signed_encrypted_and_declarative(
    app, loopback, push_service, clock, runner
):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "tonga@example.com", "Pacific/Tongatapu")
        turn_on(client, push_service.subscriber("tonga"), "Pacific/Tongatapu")
        assert send(runner) == "Sent 1 reminder.\n"
    assert push_service.problems == []
    [message] = push_service.received
    # The Declarative Web Push shape: Safari 18.4+ shows it with no worker running.
    assert message["body"]["web_push"] == 8030
    notification = message["body"]["notification"]
    assert notification["title"] == "Training day"
    assert notification["navigate"] == "http://localhost/?reminder=training"
    assert message["claims"]["public_key"] == app.config["VAPID_PUBLIC_KEY"]
    assert message["headers"]["urgency"] == "normal"


def test_each_reminder_is_sent_once_however_often_the_timer_runs(
    app, loopback, push_service, clock, runner
):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "tonga@example.com", "Pacific/Tongatapu")
        turn_on(client, push_service.subscriber("tonga"), "Pacific/Tongatapu")
        send(runner)
        clock.now += timedelta(minutes=5)
        assert send(runner) == "Sent 0 reminders.\n"
    assert kinds_to(push_service, "tonga") == ["training"]


def test_runners_in_utc_plus_13_and_minus_10_get_theirs_at_their_own_hour(
    app, loopback, push_service, clock, runner
):
    tonga, hawaii = app.test_client(), app.test_client()
    with app.app_context():
        a_runner(tonga, "tonga@example.com", "Pacific/Tongatapu")
        turn_on(tonga, push_service.subscriber("tonga"), "Pacific/Tongatapu")
        a_runner(hawaii, "hawaii@example.com", "Pacific/Honolulu")
        turn_on(hawaii, push_service.subscriber("hawaii"), "Pacific/Honolulu")

        clock.now = TONGA_MONDAY_0730 - timedelta(hours=1)  # 06:30 in Tonga: quiet hours
        send(runner)
        assert push_service.received == []
        clock.now = TONGA_MONDAY_0730  # Sunday 08:30 in Hawaii: not a training day there
        send(runner)
        assert kinds_to(push_service, "tonga") == ["training"]
        assert kinds_to(push_service, "hawaii") == []
        clock.now = HAWAII_MONDAY_0730  # Tuesday 06:30 in Tonga
        send(runner)
    assert kinds_to(push_service, "tonga") == ["training"]
    assert kinds_to(push_service, "hawaii") == ["training"]


def test_no_training_reminder_on_a_day_already_trained(app, loopback, push_service, clock, runner):
    with app.app_context():
        # Early trained at 06:10 on Monday in Tonga, before the 07:00 reminder; late
        # trained on Sunday evening, which is another day; ahead's phone clock runs
        # ahead and dated a session 20:00 today, which hasn't come. (Each runner syncs
        # right after signing up: the app context the test holds keeps the last sign-in.)
        for name, finished_at in (
            ("early", "2026-11-30T06:10:00+13:00"),
            ("late", "2026-11-29T19:00:00+13:00"),
            ("ahead", "2026-11-30T20:00:00+13:00"),
        ):
            client = app.test_client()
            a_runner(client, f"{name}@example.com", "Pacific/Tongatapu")
            turn_on(client, push_service.subscriber(name), "Pacific/Tongatapu")
            synced = client.post(
                "/api/sync", json={"events": [finished(new_session(), at=finished_at)]}
            )
            assert synced.get_json()["results"][0]["status"] == "accepted"
        send(runner)
    assert kinds_to(push_service, "early") == []
    assert kinds_to(push_service, "late") == ["training"]
    assert kinds_to(push_service, "ahead") == ["training"]


def test_nothing_is_sent_in_quiet_hours(app, loopback, push_service, clock, runner):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "late@example.com", "Pacific/Tongatapu", at="21:30")
        turn_on(client, push_service.subscriber("late"), "Pacific/Tongatapu")
        clock.now = TONGA_MONDAY_0730 + timedelta(hours=14)  # 21:30 in Tonga
        send(runner)
        assert push_service.received == []
        client.post(
            "/settings/reminders",
            data={"kind": ["training"], "quiet_from": "22:00", "quiet_until": "06:00"},
        )
        send(runner)
    assert kinds_to(push_service, "late") == ["training"]


def test_two_senders_at_once_send_each_reminder_once(app, loopback, clock):
    """Two `send-reminders` at the same moment (two machines on one database): each
    reminder is claimed by a unique row before it is sent, so only one sender sends it."""
    with PushService(delay=0.2) as service:
        with app.app_context():
            for name in ("one", "two", "three"):
                client = app.test_client()
                a_runner(client, f"{name}@example.com", "Pacific/Tongatapu")
                turn_on(client, service.subscriber(name), "Pacific/Tongatapu")
        start, sent = threading.Barrier(2), []

        def sender():
            with app.app_context():
                start.wait()
                sent.extend(send_due_reminders())
                db.session.remove()

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert service.problems == []
    assert sorted(m["to"] for m in service.received) == ["one", "three", "two"]
    assert len(sent) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SentReminder)) == 3


def test_a_phone_the_push_service_calls_gone_is_forgotten(
    app, loopback, push_service, clock, runner
):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "tonga@example.com", "Pacific/Tongatapu")
        turn_on(client, push_service.subscriber("gone"), "Pacific/Tongatapu")
        turn_on(client, push_service.subscriber("unknown"), "Pacific/Tongatapu")
        assert send(runner) == "Sent 0 reminders.\n"
        assert db.session.scalars(select(PushSubscription)).all() == []
        # No phone took it, so it isn't marked sent: a phone that subscribes again gets it.
        assert db.session.scalars(select(SentReminder)).all() == []
        turn_on(client, push_service.subscriber("tonga"), "Pacific/Tongatapu")
        send(runner)
    assert kinds_to(push_service, "tonga") == ["training"]


def test_the_morning_after_a_session_asks_how_it_feels_and_opens_home(
    app, loopback, push_service, clock, runner
):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "hawaii@example.com", "Pacific/Honolulu", days="")
        turn_on(client, push_service.subscriber("hawaii"), "Pacific/Honolulu")
        # Finished Monday 18:00 in Hawaii; Tuesday 08:30 there is the morning after.
        clock.now = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)  # synced that evening
        session = new_session()
        client.post(
            "/api/sync", json={"events": [finished(session, at="2026-11-30T18:00:00-10:00")]}
        )
        clock.now = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)  # Tuesday 07:30: too early
        send(runner)
        assert push_service.received == []
        clock.now = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)  # Tuesday 08:30
        send(runner)
        [message] = push_service.received
        assert message["body"]["notification"]["navigate"] == "http://localhost/?reminder=morning"


def test_a_morning_already_answered_is_not_asked_again(app, loopback, push_service, clock, runner):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "hawaii@example.com", "Pacific/Honolulu", days="")
        turn_on(client, push_service.subscriber("hawaii"), "Pacific/Honolulu")
        session = new_session()
        answer = event("morning.checked", session, {"feel": "same"}, at="2026-12-01T06:10:00-10:00")
        clock.now = datetime(2026, 12, 1, 16, 15, tzinfo=UTC)  # synced with the answer
        synced = client.post(
            "/api/sync",
            json={"events": [finished(session, at="2026-11-30T18:00:00-10:00"), answer]},
        )
        assert [r["status"] for r in synced.get_json()["results"]] == ["accepted", "accepted"]
        clock.now = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
        send(runner)
    assert push_service.received == []


def test_logs_waiting_more_than_3_days_on_a_phone_remind_once(
    app, loopback, push_service, clock, runner
):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "tonga@example.com", "Pacific/Tongatapu", days="")
        phone = push_service.subscriber("tonga")
        turn_on(client, phone, "Pacific/Tongatapu")
        clock.now = TONGA_MONDAY_0730 + timedelta(hours=3)
        waiting = {"endpoint": phone.endpoint, "oldest": "2026-11-27T12:00:00+13:00"}
        assert client.post("/reminders/waiting", json=waiting).get_json() == {"known": True}
        send(runner)
        assert push_service.received == []  # 2 days 22½ hours: not yet
        clock.now += timedelta(hours=4)
        send(runner)
        clock.now += timedelta(hours=1)
        send(runner)
        assert kinds_to(push_service, "tonga") == ["waiting"]
        # Sent: the phone says nothing waits any more.
        client.post("/reminders/waiting", json={**waiting, "oldest": None})
        assert db.session.scalar(select(PushSubscription.waiting_since)) is None


def test_a_capacity_retest_due_reminds_once_and_opens_the_tests(
    app, loopback, push_service, clock, runner
):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "tonga@example.com", "Pacific/Tongatapu", days="")
        turn_on(client, push_service.subscriber("tonga"), "Pacific/Tongatapu")
        sitting = new_session()
        tested = capacity_side(sitting, at="2026-10-20T18:00:00+13:00")
        assert client.post("/api/sync", json={"events": [tested]}).status_code == 200
        clock.now = TONGA_MONDAY_0730 + timedelta(hours=3)  # 28 days and more after
        send(runner)
        clock.now += timedelta(days=1)
        send(runner)
    [message] = push_service.received
    assert (
        message["body"]["notification"]["navigate"] == "http://localhost/capacity/?reminder=retest"
    )


def test_send_a_test_reminder_reaches_every_phone_at_once(app, loopback, push_service, clock):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "tonga@example.com", "Pacific/Tongatapu")
        turn_on(client, push_service.subscriber("phone"), "Pacific/Tongatapu")
        turn_on(client, push_service.subscriber("tablet"), "Pacific/Tongatapu")
        clock.now = TONGA_MONDAY_0730 + timedelta(hours=15)  # quiet hours: asked for anyway
        response = client.post("/reminders/test", follow_redirects=True)
    assert "Test reminder sent to 2 phones." in response.get_data(as_text=True)
    assert sorted(kinds_to(push_service, "phone") + kinds_to(push_service, "tablet")) == [
        "test", "test",
    ]  # fmt: skip
    assert push_service.received[0]["body"]["notification"]["navigate"].endswith(
        "/settings?reminder=test"
    )


def test_a_test_reminder_with_no_phone_says_what_to_do(app, clock):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "none@example.com", "UTC")
        response = client.post("/reminders/test", follow_redirects=True)
    assert "No phone has reminders turned on yet" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"subscription": {"endpoint": "http://push.example/x", "keys": {}}}, "https"),
        ({"subscription": {"endpoint": "https://push.example/x"}}, "p256dh and auth"),
        ({"subscription": {"endpoint": "https://push.example/x",
          "keys": {"p256dh": "a", "auth": "b"}}, "time_zone": "Mars/Olympus"}, "time zone"),
        ([], "JSON"),
    ],
)  # fmt: skip
def test_a_bad_subscription_is_refused_with_a_reason(signed_in, body, says):
    response = signed_in.post("/reminders/phone", json=body)
    assert response.status_code == 400
    assert says in response.get_json()["error"]


def test_a_plain_http_push_service_is_refused_outside_tests_stand_in(signed_in):
    body = {
        "subscription": {"endpoint": "http://127.0.0.1:9/x", "keys": {"p256dh": "a", "auth": "b"}}
    }
    assert signed_in.post("/reminders/phone", json=body).status_code == 400


def test_deleting_the_account_forgets_its_phones_and_reminders(
    app, loopback, push_service, clock, runner
):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "tonga@example.com", "Pacific/Tongatapu")
        turn_on(client, push_service.subscriber("tonga"), "Pacific/Tongatapu")
        send(runner)
        client.post("/auth/delete", data={"password": "long-enough-1"})
        for table in (PushSubscription, ReminderSettings, SentReminder):
            assert db.session.scalars(select(table)).all() == []


def test_vapid_keys_are_made_once_and_kept_in_the_instance_folder(tmp_path, monkeypatch):
    from runpt.config import load_vapid_keys

    for name in ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT"):
        monkeypatch.delenv(name, raising=False)
    first = load_vapid_keys(str(tmp_path))
    assert load_vapid_keys(str(tmp_path)) == first
    assert (tmp_path / "vapid_private_key.pem").stat().st_mode & 0o777 == 0o600
    assert len(first["VAPID_PUBLIC_KEY"]) == 87  # 65 bytes, base64url


def test_vapid_keys_from_the_environment_win(tmp_path, monkeypatch):
    from runpt.config import load_vapid_keys

    made = load_vapid_keys(str(tmp_path / "elsewhere"))
    monkeypatch.setenv("VAPID_PRIVATE_KEY", made["VAPID_PRIVATE_KEY"])
    monkeypatch.setenv("VAPID_SUBJECT", "mailto:ops@example.org")
    found = load_vapid_keys(str(tmp_path))
    assert found["VAPID_PUBLIC_KEY"] == made["VAPID_PUBLIC_KEY"]
    assert found["VAPID_SUBJECT"] == "mailto:ops@example.org"
    assert not (tmp_path / "vapid_private_key.pem").exists()


def test_settings_offer_reminders_but_ask_the_browser_nothing_until_a_tap(signed_in):
    """Settings carry the reminders card with its buttons hidden: js/reminders.js shows
    what works on this phone, and only a tap asks the browser (tests/browser)."""
    html = signed_in.get("/settings").get_data(as_text=True)
    assert 'id="reminders"' in html and "data-public-key=" in html
    assert "Turn on reminders on this phone</button>" in html
    assert "data-reminders-on hidden" in html
    assert "data-reminders-test hidden" in html  # no phone yet: nothing to test
    assert "need runpt on your Home Screen</strong> (iOS 16.4 or later)" in html


def test_vapid_keys_print_as_lines_another_host_can_use(app, runner, tmp_path, monkeypatch):
    """`flask vapid-keys` prints the keys on one line each; a second host given them in
    its environment signs with the same key (its phones' subscriptions stay valid)."""
    from runpt.config import load_vapid_keys

    output = runner.invoke(args=["vapid-keys"]).output
    lines = dict(line.split("=", 1) for line in output.splitlines())
    assert lines["VAPID_PUBLIC_KEY"] == app.config["VAPID_PUBLIC_KEY"]
    for name, value in lines.items():
        monkeypatch.setenv(name, value)
    other_host = load_vapid_keys(str(tmp_path / "other-host"))
    monkeypatch.delenv("VAPID_PUBLIC_KEY")
    assert load_vapid_keys(str(tmp_path))["VAPID_PUBLIC_KEY"] == other_host["VAPID_PUBLIC_KEY"]
    assert other_host["VAPID_PUBLIC_KEY"] == app.config["VAPID_PUBLIC_KEY"]


def test_a_phone_that_travelled_moves_its_runners_hours_at_its_next_sync(
    app, loopback, push_service, clock, runner
):
    client = app.test_client()
    with app.app_context():
        a_runner(client, "flyer@example.com", "Pacific/Honolulu")
        phone = push_service.subscriber("flyer")
        turn_on(client, phone, "Pacific/Honolulu")
        report = {"endpoint": phone.endpoint, "oldest": None, "time_zone": "Pacific/Tongatapu"}
        assert client.post("/reminders/waiting", json=report).status_code == 200
        send(runner)  # Monday 07:30 in Tonga, where the phone is now
    assert kinds_to(push_service, "flyer") == ["training"]
