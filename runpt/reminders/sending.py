"""Sending reminders: the claim, the message, and the push services' answers.

The message is encrypted to the phone's keys (aes128gcm, RFC 8291) and signed with the
server's VAPID key (RFC 8292) by pywebpush. Its body is in the Declarative Web Push
shape (`web_push: 8030`): Safari 18.4+ shows it without running the service worker;
elsewhere the worker (static/sw-reminders.js) reads the same body and shows it.
"""

import logging
from datetime import datetime
from urllib.parse import urljoin

import orjson
from flask import current_app, url_for
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from runpt import timestamps
from runpt.auth.models import User
from runpt.config import vapid_private
from runpt.extensions import db
from runpt.reminders.due import Due, due_now
from runpt.reminders.models import PushSubscription, ReminderSettings, SentReminder

log = logging.getLogger(__name__)

# A reminder older than this is no use: the push service may drop it (seconds).
TIME_TO_LIVE = 4 * 3600
GONE = (404, 410)

WORDS = {
    "training": ("Training day", "Your session is waiting. Open runpt to start."),
    "morning": (
        "How does it feel this morning?",
        "One tap: how the morning after feels tells runpt how to go on.",
    ),
    "waiting": (
        "Logs waiting to be sent",
        "Logs on this phone haven't reached runpt for 3 days. Open runpt with a signal.",
    ),
    "retest": ("Capacity retest due", "It's time to test again and see what changed."),
    "test": ("runpt reminders work", "This is a test reminder. Tap to open Settings."),
}


def page_of(kind: str) -> str:
    """The page a reminder is about: the morning one opens home, which asks the morning
    question; the waiting one opens home, where the sync status shows what waits."""
    endpoint = {"retest": "capacity.index", "test": "runner.settings"}.get(kind, "routines.home")
    with current_app.test_request_context("/"):
        return url_for(endpoint, reminder=kind)


def message(kind: str, origin: str) -> dict:
    title, body = WORDS[kind]
    return {
        "web_push": 8030,
        "notification": {
            "title": title,
            "body": body,
            "navigate": urljoin(origin, page_of(kind)),
            "tag": f"runpt-{kind}",
            "lang": "en",
        },
    }


def send_to(phone: PushSubscription, kind: str) -> bool:
    """Send one reminder to one phone; True when the push service took it. A phone the
    push service says is gone (404, 410) is forgotten (the caller commits)."""
    config = current_app.config
    try:
        webpush(
            phone.as_webpush(),
            data=orjson.dumps(message(kind, phone.origin)).decode(),
            vapid_private_key=vapid_private(config["VAPID_PRIVATE_KEY"]),
            vapid_claims={"sub": config["VAPID_SUBJECT"]},
            content_encoding="aes128gcm",
            ttl=TIME_TO_LIVE,
            headers={"Urgency": "normal", "Topic": f"runpt-{kind}"},
            timeout=10,
        )
        return True
    except WebPushException as problem:
        status = problem.response.status_code if problem.response is not None else None
        if status in GONE:
            db.session.execute(delete(PushSubscription).where(PushSubscription.id == phone.id))
        else:
            log.warning("push service refused a %s reminder: %s", kind, problem)
        return False
    except Exception as problem:  # noqa: BLE001 - one phone's network trouble stops nothing
        log.warning("push service not reached for a %s reminder: %s", kind, problem)
        return False


def send_to_runner(user_id: int, kind: str) -> int:
    """Send to every phone of the runner; how many took it."""
    phones = phones_of(user_id)
    sent = sum(send_to(phone, kind) for phone in phones)
    db.session.commit()
    return sent


def phones_of(user_id: int) -> list[PushSubscription]:
    query = select(PushSubscription).where(PushSubscription.user_id == user_id)
    return list(db.session.scalars(query.order_by(PushSubscription.id)))


def claim(user_id: int, due: Due, now: datetime) -> bool:
    """Take this reminder for sending, in the database: the unique (runner, kind, day)
    row lets exactly one sender in, however many run at once."""
    db.session.add(SentReminder(user_id=user_id, kind=due.kind, day=due.day, claimed_at=now))
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def release(user_id: int, due: Due) -> None:
    """No phone took it (every push service unreachable): let the next run try again."""
    db.session.execute(
        delete(SentReminder).where(
            SentReminder.user_id == user_id,
            SentReminder.kind == due.kind,
            SentReminder.day == due.day,
        )
    )
    db.session.commit()


def send_due_reminders(now: datetime | None = None) -> list[tuple[int, str, str]]:
    """Send everything due now; [(runner id, kind, key day)] of what this call sent."""
    # Read through the module: the one clock, which tests pin (runpt.timestamps.utcnow).
    now = now or timestamps.utcnow()
    sent = []
    choices = db.session.scalars(select(ReminderSettings)).all()
    for choice in choices:
        phones = phones_of(choice.user_id)
        user = db.session.get(User, choice.user_id)
        if not phones or user is None:
            continue
        for due in due_now(user, choice, phones, now):
            if not claim(choice.user_id, due, now):
                continue
            if send_to_runner(choice.user_id, due.kind):
                sent.append((choice.user_id, due.kind, due.day))
            else:
                release(choice.user_id, due)
    return sent
