"""Reminders in Settings (docs/reminders.md): the runner turns them on with a tap (the
browser asks its permission then, never on page load), picks which ones and their quiet
hours, and can send a test reminder at once. The page's script (js/reminders.js) sends
the phone's push subscription here; each phone is one row."""

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import delete, select

from runpt.extensions import db
from runpt.reminders.due import clock, zone_of
from runpt.reminders.models import (
    DEFAULT_KINDS,
    DEFAULT_QUIET,
    KINDS,
    PushSubscription,
    ReminderSettings,
)
from runpt.reminders.sending import phones_of, send_to_runner
from runpt.timestamps import utcnow

bp = Blueprint("reminders", __name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def choices_of(user_id: int) -> ReminderSettings:
    """The runner's choices; the defaults (unsaved) until they turn reminders on."""
    found = db.session.get(ReminderSettings, user_id)
    if found is not None:
        return found
    return ReminderSettings(
        user_id=user_id, kinds=list(DEFAULT_KINDS), time_zone="UTC",
        quiet_from=DEFAULT_QUIET[0], quiet_until=DEFAULT_QUIET[1],
    )  # fmt: skip


@bp.app_template_global()
def reminders_in_settings() -> dict:
    """What Settings shows of reminders (runner/_reminders.html)."""
    return {
        "choices": choices_of(current_user.id),
        "phones": len(phones_of(current_user.id)),
        "KINDS": KINDS,
        "public_key": current_app.config["VAPID_PUBLIC_KEY"],
    }


@bp.post("/settings/reminders")
@login_required
def save_choices():
    """Which reminders, quiet hours and the phone's time zone: a plain form."""
    form = request.form
    kinds = [kind for kind in KINDS if kind in form.getlist("kind")]
    problem = None
    quiet = (form.get("quiet_from", ""), form.get("quiet_until", ""))
    if not all(_is_clock(text) for text in quiet):
        problem = "Quiet hours need two times, like 21:00 and 07:00."
    zone = form.get("time_zone", "").strip()
    if zone and zone_of(zone) is None:
        problem = f"runpt doesn't know the time zone {zone[:64]!r}: reload Settings and save again."
    if problem:
        flash(problem, "error")
        return redirect(url_for("runner.settings")), 303
    choices = choices_of(current_user.id)
    choices.kinds = kinds
    choices.quiet_from, choices.quiet_until = quiet
    if zone:
        choices.time_zone = zone
    db.session.add(choices)
    db.session.commit()
    flash("Reminders saved.", "success")
    return redirect(url_for("runner.settings"))


def _is_clock(text: str) -> bool:
    try:
        return len(text) == 5 and clock(text) is not None
    except ValueError:
        return False


@bp.post("/reminders/phone")
@login_required
def add_phone():
    """This phone's push subscription (PushSubscription.toJSON()) and its time zone."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _refused("Send the subscription as JSON.")
    subscription = body.get("subscription") or {}
    endpoint = subscription.get("endpoint") if isinstance(subscription, dict) else None
    keys = subscription.get("keys") if isinstance(subscription, dict) else None
    if not isinstance(endpoint, str) or not _is_push_service(endpoint):
        return _refused("The push service address must be an https URL.")
    if not isinstance(keys, dict) or not all(
        isinstance(keys.get(name), str) and 0 < len(keys[name]) <= limit
        for name, limit in (("p256dh", 200), ("auth", 100))
    ):
        return _refused("The subscription needs its keys p256dh and auth.")
    zone = body.get("time_zone")
    if zone is not None and (not isinstance(zone, str) or zone_of(zone) is None):
        return _refused("Unknown time zone.")
    # One phone, one row: a phone that subscribed for another runner before is theirs no
    # more (two runners on one phone: the reminders follow whoever turned them on last).
    db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint == endpoint))
    db.session.add(
        PushSubscription(
            user_id=current_user.id, endpoint=endpoint, p256dh=keys["p256dh"],
            auth=keys["auth"], origin=request.host_url, created_at=utcnow(),
        )
    )  # fmt: skip
    choices = choices_of(current_user.id)
    if zone:
        choices.time_zone = zone
    db.session.add(choices)
    db.session.commit()
    return jsonify(phones=len(phones_of(current_user.id)))


@bp.post("/reminders/phone/remove")
@login_required
def remove_phone():
    """This phone turned reminders off."""
    body = request.get_json(silent=True) or {}
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    if not isinstance(endpoint, str):
        return _refused("Send the endpoint to remove.")
    db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == current_user.id
        )
    )
    db.session.commit()
    return jsonify(phones=len(phones_of(current_user.id)))


@bp.post("/reminders/waiting")
@login_required
def logs_waiting():
    """The phone's oldest log still waiting to be sent (null: none), reported by the page
    after each sync attempt: the server can't see the phone's outbox, and a runner whose
    logs wait more than 3 days is reminded (docs/reminders.md). The phone's time zone
    comes along, so a runner who travelled gets reminders at their new local hours."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("endpoint"), str):
        return _refused('Send {"endpoint": ..., "oldest": an ISO time or null}.')
    zone = body.get("time_zone")
    if zone is not None and (not isinstance(zone, str) or zone_of(zone) is None):
        return _refused("Unknown time zone.")
    oldest = body.get("oldest")
    since = None
    if oldest is not None:
        try:
            since = datetime.fromisoformat(str(oldest))
        except ValueError:
            return _refused("oldest: an ISO time with its offset, or null.")
        if since.tzinfo is None:
            return _refused("oldest: give the time's offset (…Z or +01:00).")
    phone = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.endpoint == body["endpoint"],
            PushSubscription.user_id == current_user.id,
        )
    )
    if phone is None:
        return jsonify(known=False)
    phone.waiting_since = since
    if zone:
        choices = choices_of(current_user.id)
        choices.time_zone = zone
        db.session.add(choices)
    db.session.commit()
    return jsonify(known=True)


@bp.post("/reminders/test")
@login_required
def send_test():
    """Send a test reminder to every phone of the runner, now (quiet hours or not: they
    asked for it)."""
    if not phones_of(current_user.id):
        flash("No phone has reminders turned on yet: tap “Turn on reminders” first.", "error")
        return redirect(url_for("runner.settings")), 303
    sent = send_to_runner(current_user.id, "test")
    if sent:
        flash(f"Test reminder sent to {_phones(sent)}. It should appear in a moment.", "success")
    else:
        flash(
            "The push service didn't take the test reminder. Turn reminders off and on "
            "again on this phone, then send another.",
            "error",
        )
    # The page's top, where the message is: a runner must see whether it went.
    return redirect(url_for("runner.settings"))


def _phones(count: int) -> str:
    return "this phone" if count == 1 else f"{count} phones"


def _is_push_service(endpoint: str) -> bool:
    """Push services are https; plain http only to this machine, and only where the
    config allows it (tests' stand-in push service)."""
    if len(endpoint) > 2000:
        return False
    parts = urlsplit(endpoint)
    if parts.scheme == "https" and parts.hostname:
        return True
    return (
        parts.scheme == "http"
        and parts.hostname in LOOPBACK
        and current_app.config.get("PUSH_ALLOW_LOOPBACK", False)
    )


def _refused(message: str):
    return jsonify(error=message), 400
