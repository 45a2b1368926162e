"""Importing a run from a watch file: read it (watch_files.py), give it the run id that
keeps it counted once, and hand back its fields for the phone to log through the outbox.
Nothing is stored here: the browser logs the run as it logs everything, so an import
never takes a path of its own past "nothing lost, nothing counted twice"."""

from datetime import timedelta

from runpt.log.reads import LoggedRun, logged_runs
from runpt.running.watch_files import ImportedRun, read_watch_file, run_session_for

# A run the runner logged that started this close to the file's run is the same run.
SAME_RUN_WITHIN = timedelta(minutes=10)


def same_run(runs: list[LoggedRun], imported: ImportedRun) -> LoggedRun | None:
    """The logged run this file is, if any: started within 10 minutes of it."""
    close = [run for run in runs if abs(run.start - imported.start) <= SAME_RUN_WITHIN]
    return min(close, key=lambda run: abs(run.start - imported.start), default=None)


def imported_run(user, filename: str, content: bytes) -> dict:
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
        "replaces": None
        if existing is None
        else {"start": existing.start.isoformat(), "duration_s": existing.duration_s},
    }
