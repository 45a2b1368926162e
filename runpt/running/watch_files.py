"""Reading a run from a watch's file: .gpx (gpxpy), .tcx (the standard library's XML
parser behind defusedxml) and .fit (fitdecode). Only what a run needs comes out: when it
began, how long it lasted, how far it went. A file that can't be read raises
`WatchFileError` with what is wrong, in words a runner can act on; nothing is stored here.

Why defusedxml: a .gpx or .tcx file comes from anywhere, and an XML document type can
declare entities that expand a few kilobytes into gigabytes ("billion laughs") or reach
for files on the server. Watch files never need a document type, so any file that has one
is refused before gpxpy or ElementTree sees it."""

import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fitdecode
import gpxpy
import gpxpy.gpx
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeTree

from runpt.log.validation import RUN_LIMITS
from runpt.timestamps import utcnow

MAX_BYTES = 10 * 1024 * 1024  # a marathon at one point a second is about 5 MB of GPX
KINDS = ("gpx", "tcx", "fit")
TCX = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"
# Runs made from a file get ids in their own namespace: the same runner and the same
# file always give the same run, so importing it twice can't count it twice.
RUNS_FROM_FILES = uuid.UUID("6b8f2f0e-3d8a-4b61-9b36-5a3f7c1f0e21")


class WatchFileError(ValueError):
    """A watch file runpt can't read; the message says why, for the runner."""


@dataclass(frozen=True)
class ImportedRun:
    start: datetime  # aware (UTC: watch files keep UTC)
    duration_s: int
    distance_m: int | None
    source: str  # gpx | tcx | fit
    points: int  # track points or records read


def kind_of(filename: str) -> str:
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind not in KINDS:
        raise WatchFileError("Choose a .gpx, .tcx or .fit file from your watch or running app.")
    return kind


def read_watch_file(filename: str, content: bytes) -> ImportedRun:
    """The run in a watch file, or WatchFileError saying what is wrong with it."""
    kind = kind_of(filename)
    if not content:
        raise WatchFileError(f"That .{kind} file is empty.")
    if len(content) > MAX_BYTES:
        raise WatchFileError(
            f"That file is over {MAX_BYTES // 2**20} MB; runpt takes smaller ones."
        )
    reader = {"gpx": read_gpx, "tcx": read_tcx, "fit": read_fit}[kind]
    try:
        run = reader(content)
    except WatchFileError:
        raise
    except Exception as problem:
        # Untrusted bytes reach deep into three parsers, each with its own ways to fail on
        # garbage (and some raise plain IndexError or struct errors): whichever it is, the
        # runner gets a clear answer, never a server error.
        raise WatchFileError(
            f"runpt couldn't read that .{kind} file: it looks damaged or isn't a {kind.upper()} "
            "file. Export the run again from your watch's app."
        ) from problem
    return checked(run, kind)


def checked(run: ImportedRun, kind: str) -> ImportedRun:
    """A run the log will take: the same limits as a run logged by hand."""
    low, high = RUN_LIMITS["duration_s"]
    if not low <= run.duration_s <= high:
        raise WatchFileError(
            f"That .{kind} file's run lasts {run.duration_s} seconds; runpt takes runs from "
            f"1 second to {high // 3600} hours."
        )
    if run.distance_m is not None and run.distance_m > RUN_LIMITS["distance_m"][1]:
        raise WatchFileError(f"That .{kind} file's run is over 500 km; is it a whole season?")
    if run.start < datetime(2000, 1, 1, tzinfo=UTC) or run.start > utcnow() + timedelta(hours=24):
        raise WatchFileError(f"That .{kind} file's run starts on {run.start:%-d %b %Y}; check it.")
    return run


def safe_root(content: bytes, kind: str, root: str):
    """Parse with defusedxml, which refuses any DTD, entity or external reference; also
    the check that the file is well-formed XML with the root element its kind has."""
    try:
        found = SafeTree.fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise WatchFileError(
            f"That .{kind} file declares an XML document type, which watch files never need; "
            "runpt doesn't read such files."
        ) from None
    except SafeTree.ParseError as problem:
        raise WatchFileError(f"That .{kind} file isn't well-formed XML ({problem}).") from None
    name = found.tag.rsplit("}", 1)[-1]
    if name != root:
        raise WatchFileError(
            f"That .{kind} file isn't a {kind.upper()} file: it holds <{name[:40]}>."
        )
    return found


def utc(moment: datetime) -> datetime:
    """GPX and TCX times are UTC; a file that leaves out the zone means UTC too."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def read_gpx(content: bytes) -> ImportedRun:
    safe_root(content, "gpx", "gpx")
    gpx = gpxpy.parse(io.BytesIO(content))
    points = gpx.get_track_points_no()
    if not points:
        raise WatchFileError("That .gpx file has no track points: is it a route, not a run?")
    start, end = gpx.get_time_bounds()
    if start is None or end is None:
        raise WatchFileError(
            "That .gpx file has no track points with times, so runpt can't tell how long the "
            "run was."
        )
    distance = gpx.length_2d()
    return ImportedRun(
        utc(start), round((end - start).total_seconds()), round(distance), "gpx", points
    )


def read_tcx(content: bytes) -> ImportedRun:
    root = safe_root(content, "tcx", "TrainingCenterDatabase")
    laps = root.findall(f"{TCX}Activities/{TCX}Activity/{TCX}Lap")
    if not laps:
        raise WatchFileError("That .tcx file has no laps: there is no run in it.")
    starts = [lap.get("StartTime") for lap in laps]
    if not all(starts):
        raise WatchFileError("A lap in that .tcx file has no StartTime.")
    start = utc(datetime.fromisoformat(starts[0]))
    seconds = sum(float(lap.findtext(f"{TCX}TotalTimeSeconds") or 0) for lap in laps)
    metres = [lap.findtext(f"{TCX}DistanceMeters") for lap in laps]
    distance = sum(float(m) for m in metres if m) if any(metres) else None
    points = len(root.findall(f".//{TCX}Trackpoint"))
    return ImportedRun(
        start, round(seconds), round(distance) if distance is not None else None, "tcx", points
    )


def read_fit(content: bytes) -> ImportedRun:
    """A FIT activity: its session message says when, how long and how far; a file
    without one (cut short) is read from its records' timestamps and distances."""
    session, records, first, last, distance = None, 0, None, None, None
    with fitdecode.FitReader(
        io.BytesIO(content),
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.RAISE,
    ) as fit:
        for frame in fit:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "session" and session is None:
                session = frame
            elif frame.name == "record":
                records += 1
                stamp = frame.get_value("timestamp", fallback=None)
                first = first or stamp
                last = stamp or last
                distance = frame.get_value("distance", fallback=None) or distance
    if session is not None:
        start = session.get_value("start_time", fallback=None) or first
        seconds = session.get_value("total_elapsed_time", fallback=None)
        distance = session.get_value("total_distance", fallback=None) or distance
        if start is not None and seconds is not None:
            return ImportedRun(utc(start), round(seconds), _metres(distance), "fit", records)
    if first is None or last is None:
        raise WatchFileError("That .fit file has no timed records: is it an activity file?")
    return ImportedRun(
        utc(first), round((last - first).total_seconds()), _metres(distance), "fit", records
    )


def _metres(distance) -> int | None:
    return round(distance) if distance is not None else None


def run_session_for(user_id: int, content: bytes) -> uuid.UUID:
    """The run's id for a file: the same runner and file, the same run."""
    digest = hashlib.sha256(content).hexdigest()
    return uuid.uuid5(RUNS_FROM_FILES, f"{user_id}:{digest}")
