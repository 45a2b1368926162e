"""Importing a run from a watch file: read it (watch_files.py), give it the run id that
keeps it counted once, and hand back its fields for the phone to log through the outbox.
Nothing is stored here: the browser logs the run as it logs everything, so an import
never takes a path of its own past "nothing lost, nothing counted twice"."""

from datetime import datetime, timedelta

from runpt import timestamps
from runpt.auth.ratelimit import count_attempt
from runpt.log.reads import LoggedRun, logged_runs
from runpt.running.watch_files import (
    MAX_BYTES,
    ImportedRun,
    WatchFileError,
    read_watch_file,
    run_session_for,
)

# A watch file of up to 10 MB, plus room for the multipart form around it.
IMPORT_BODY_LIMIT = MAX_BYTES + 64 * 1024
TOO_LARGE = (
    f"That file is over {MAX_BYTES // 2**20} MB, more than any single run needs. Export just "
    "the one run from your watch's app, or log it by hand."
)
# Files read per runner in the rate limit's window (15 minutes, auth/ratelimit.py): a
# runner importing a season's runs one by one stays under it; reading takes at most 2 s
# of CPU each (watch_files.py), so one runner can't keep the workers from the others.
IMPORTS_PER_WINDOW = 30
RETRY_IMPORTS_AFTER_S = 15 * 60
TOO_MANY = (
    "You've imported a lot of files in the last few minutes. Wait a quarter of an hour "
    "and try again; meanwhile you can log runs by hand."
)
NO_FILE = "Choose a .gpx, .tcx or .fit file to import."

# A run the runner logged that started this close to the file's run is the same run.
SAME_RUN_WITHIN = timedelta(minutes=10)
# A file of a run this old is more likely the wrong file (or a watch's clock gone back to
# its factory date) than a run to add now: the phone asks before logging it.
LONG_AGO = timedelta(days=60)


def same_run(runs: list[LoggedRun], imported: ImportedRun) -> LoggedRun | None:
    """The logged run this file is, if any: started within 10 minutes of it."""
    close = [run for run in runs if abs(run.start - imported.start) <= SAME_RUN_WITHIN]
    return min(close, key=lambda run: abs(run.start - imported.start), default=None)


def days_ago(imported: ImportedRun, now: datetime) -> int | None:
    """How many days ago a run far in the past began (None for a recent one)."""
    age = now - imported.start
    return age.days if age > LONG_AGO else None


def imported_run(user, filename: str, content: bytes, now: datetime | None = None) -> dict:
    """The run in the file as the phone logs it. Its `session` (the run's id) is made from
    the runner and the file's content, so importing one file twice is one run; a run
    already logged (by hand, say) at that time keeps its own id, and the import replaces
    it. Raises WatchFileError for a file that can't be read."""
    found = read_watch_file(filename, content)
    existing = same_run(logged_runs(user), found)
    session = existing.run_id if existing else run_session_for(user.id, content)
    return {
        "session": str(session),
        "start": found.start.isoformat(),
        "duration_s": found.duration_s,
        "distance_m": found.distance_m,
        "source": found.source,
        "points": found.points,
        "note": found.note,
        "days_ago": days_ago(found, now or timestamps.utcnow()),
        "replaces": None
        if existing is None
        else {"start": existing.start.isoformat(), "duration_s": existing.duration_s},
    }


def import_key(user) -> str:
    return f"import:user:{user.id}"


def import_upload(user, request) -> tuple[dict | None, tuple | None]:
    """(the run's fields, None), or (None, (message, status)) for an upload that can't
    be imported: the one way in for the import API and the share target alike. The
    body's length is checked before its form is parsed (Werkzeug would answer a 413 of
    its own)."""
    if (request.content_length or 0) > IMPORT_BODY_LIMIT:
        return None, (TOO_LARGE, 413)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, (NO_FILE, 400)
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        return None, (TOO_LARGE, 413)
    # Counted in the database, so every worker sees the same count; a file too large is
    # refused before it costs a count.
    if count_attempt([import_key(user)], IMPORTS_PER_WINDOW) is None:
        return None, (TOO_MANY, 429)
    try:
        return imported_run(user, upload.filename, content), None
    except WatchFileError as problem:
        return None, (str(problem), 400)
