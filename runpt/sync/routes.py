import json
from datetime import UTC, datetime
from functools import wraps

import orjson
from flask import Response, jsonify, request
from flask_login import current_user, login_required

from runpt.extensions import db
from runpt.log.ingest import MAX_BATCH, SignedOut, ingest
from runpt.log.sessions import sessions_of
from runpt.running.imports import IMPORT_BODY_LIMIT, RETRY_IMPORTS_AFTER_S, import_upload
from runpt.security import accepts_bodies_up_to
from runpt.sync import bp
from runpt.timestamps import utcnow

SIGN_IN_AGAIN = "Sign in again to sync; your logs are kept until then."
# A run of 19 digits: a number orjson would read differently from the standard library
# (an integer beyond 64 bits comes back as a float), so such a body is read by the latter.
# Found by turning every digit into 0 and looking for 19 of them: a tenth of the time a
# regular expression takes over a batch.
EVERY_DIGIT_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
LONG_NUMBER = b"0" * 19


def envelope_error(message: str, status: int = 400):
    return jsonify(error=message), status


def read_json(body: bytes):
    """The body read as the standard library reads JSON, in a third of the time: by orjson,
    which reads every body it accepts to the same values, except integers beyond 64 bits
    (left to the standard library, with LONG_NUMBER). What orjson refuses (NaN, Infinity,
    half a UTF-16 pair, nesting past 1,024) goes to the standard library too, which reads
    some of it as values that one event's check then refuses, and not the whole batch."""
    if LONG_NUMBER not in body.translate(EVERY_DIGIT_AS_ZERO):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    return json.loads(body)


def read_batch():
    """The `events` list of a sync request, or an error response for a bad envelope."""
    if not request.is_json:
        return None, envelope_error("Send the batch as JSON (Content-Type: application/json).", 415)
    try:
        body = read_json(request.get_data(cache=False))
    except (ValueError, RecursionError):
        # RecursionError: absurdly deep nesting is refused, not allowed to crash a worker.
        return None, envelope_error("The body is not valid JSON.")
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        return None, envelope_error('Send an object with an "events" list: {"events": [...]}.')
    if len(body["events"]) > MAX_BATCH:
        return None, envelope_error(
            f"At most {MAX_BATCH} events per request; this one has {len(body['events'])}.", 413
        )
    return body["events"], None


def runner_read_in_the_transaction(view):
    """PostgreSQL: the request's transaction starts before Flask-Login loads the runner,
    so the sign-in is read on the connection the batch is then stored on (a plain read
    reads on the one the session holds: runpt/plain_reads.py). Read on a connection of
    its own, it cost a second check-out of the pool, its ping and a rollback on return:
    three round trips of a batch's nine. Nothing is held by the read: the sign-in is
    confirmed, and the runner held, only just before the insert (runpt/log/ingest.py)."""

    @wraps(view)
    def in_one_transaction(*args, **kwargs):
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.connection()
        return view(*args, **kwargs)

    return in_one_transaction


@bp.post("/sync")
@runner_read_in_the_transaction
@login_required
def sync():
    events, problem = read_batch()
    if problem:
        return problem
    try:
        results = ingest(current_user.id, events, sign_in_id=current_user.sign_in_id)
    except SignedOut:
        # The account was deleted, or this device signed out, while the batch was on its
        # way: nothing was stored, and the phone keeps it until a runner signs in again.
        return envelope_error(SIGN_IN_AGAIN, 401)
    return Response(
        answer_json({"results": [r.as_json() for r in results]}), mimetype="application/json"
    )


def answer_json(answer: dict) -> bytes:
    """orjson: the answer to a batch of 500 is 500 small objects. A message can quote
    what a client sent, and orjson refuses half a surrogate pair, which the standard
    library reads in and writes back escaped: such an answer is written by it too, so a
    batch is answered, never a 500 that the phone would resend for ever."""
    try:
        return orjson.dumps(answer)
    except orjson.JSONEncodeError:
        return json.dumps(answer).encode()


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def session_json(session: dict) -> dict:
    return {
        **session,
        "started_at": iso(session["started_at"]),
        "finished_at": iso(session["finished_at"]),
        "updated_at": iso(session["updated_at"]),
        "sets": [{**s, "at": iso(s["at"])} for s in session["sets"]],
        "stops": [{**s, "at": iso(s["at"])} for s in session["stops"]],
    }


@bp.get("/sessions")
@login_required
def sessions():
    since = None
    if raw := request.args.get("since"):
        try:
            since = datetime.fromisoformat(raw)
        except ValueError:
            return envelope_error("since: use an ISO 8601 time, e.g. 2026-11-27T07:30:00Z")
        if since.tzinfo is None:
            return envelope_error("since: needs a UTC offset, e.g. 2026-11-27T07:30:00Z")
        try:
            since = since.astimezone(UTC)
        except OverflowError:
            # Year 1 or 9999 near the offset's edge: no UTC time to compare with.
            return envelope_error("since: is out of range; send the last answer's server_time")
    # Read the clock before the query: anything stored while we read is seen next time.
    server_time = utcnow()
    found = sessions_of(current_user, since)
    return jsonify(server_time=iso(server_time), sessions=[session_json(s) for s in found])


@bp.post("/runs/import")
@accepts_bodies_up_to(IMPORT_BODY_LIMIT)
@login_required
def import_run():
    """Reads a .gpx, .tcx or .fit file and answers the run's fields; stores nothing. The
    phone logs the run through its outbox once the runner adds effort and pain
    (docs/sync-protocol.md, "Importing a watch file")."""
    run, problem = import_upload(current_user, request)
    if problem:
        message, status = problem
        response, status = envelope_error(message, status)
        if status == 429:
            response.headers["Retry-After"] = str(RETRY_IMPORTS_AFTER_S)
        return response, status
    return jsonify(run=run)
