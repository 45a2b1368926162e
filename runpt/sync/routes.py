import json
from datetime import UTC, datetime

from flask import jsonify, request
from flask_login import current_user, login_required

from runpt.log.ingest import MAX_BATCH, SignedOut, ingest
from runpt.log.sessions import sessions_of
from runpt.running.imports import imported_run
from runpt.running.watch_files import MAX_BYTES, WatchFileError
from runpt.security import accepts_bodies_up_to
from runpt.sync import bp
from runpt.timestamps import utcnow

# A watch file of up to 10 MB, plus room for the multipart form around it.
IMPORT_BODY_LIMIT = MAX_BYTES + 64 * 1024
TOO_LARGE = (
    f"That file is over {MAX_BYTES // 2**20} MB, more than any single run needs. Export just "
    "the one run from your watch's app, or log it by hand."
)


SIGN_IN_AGAIN = "Sign in again to sync; your logs are kept until then."


def envelope_error(message: str, status: int = 400):
    return jsonify(error=message), status


def read_batch():
    """The `events` list of a sync request, or an error response for a bad envelope."""
    if not request.is_json:
        return None, envelope_error("Send the batch as JSON (Content-Type: application/json).", 415)
    try:
        body = json.loads(request.get_data(cache=False))
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


@bp.post("/sync")
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
    return jsonify(results=[r.as_json() for r in results])


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
    if (request.content_length or 0) > IMPORT_BODY_LIMIT:
        return envelope_error(TOO_LARGE, 413)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return envelope_error("Choose a .gpx, .tcx or .fit file to import.")
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        return envelope_error(TOO_LARGE, 413)
    try:
        return jsonify(run=imported_run(current_user, upload.filename, content))
    except WatchFileError as problem:
        return envelope_error(str(problem))
