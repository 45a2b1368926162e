"""Reading a run from a watch's file: .gpx (1.0 and 1.1) and .tcx streamed through the
standard library's XML parser behind defusedxml, and .fit through runpt's own small
reader (fit_file.py). Only what a run needs comes out, as the device recorded it: when
it began, how long the timer ran (pauses, gaps between track segments and the time
between stopped laps left out), how far it went. A file that can't be read raises
`WatchFileError` with what is wrong, in words a runner can act on; nothing is stored here.

Bounded (issue 24): a file is read as it streams, never whole into a tree; at most
`MAX_POINTS` track points or `MAX_FIT_MESSAGES` FIT messages are read, and reading stops
after `CPU_BUDGET_S` of CPU time. bench/watch_files.py measures time and memory.

Why defusedxml: a .gpx or .tcx file comes from anywhere, and an XML document type can
declare entities that expand a few kilobytes into gigabytes ("billion laughs") or reach
for files on the server. Watch files never need a document type, so any file that has one
is refused before the parser reads on."""

import hashlib
import io
import math
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeTree

from runpt.log.validation import RUN_LIMITS, Invalid, run_logged_data
from runpt.running import fit_file

MAX_BYTES = 10 * 1024 * 1024  # a marathon at one point a second is about 5 MB of GPX
KINDS = ("gpx", "tcx", "fit")
# A 24-hour run (the longest the log takes) at one point a second is 86,400 points.
MAX_POINTS = 100_000
# FIT messages: records, plus the few per minute a watch writes besides (HRV, events).
MAX_FIT_MESSAGES = 300_000
CPU_BUDGET_S = 2.0
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
# Runs made from a file get ids in their own namespace: the same runner and the same
# file always give the same run, so importing it twice can't count it twice.
RUNS_FROM_FILES = uuid.UUID("6b8f2f0e-3d8a-4b61-9b36-5a3f7c1f0e21")


class WatchFileError(ValueError):
    """A watch file runpt can't read; the message says why, for the runner."""


@dataclass(frozen=True)
class ImportedRun:
    start: datetime  # aware (UTC: watch files keep UTC)
    duration_s: int  # the timer's time: pauses left out
    distance_m: int | None
    source: str  # gpx | tcx | fit
    points: int  # track points or records read
    note: str | None = None  # what the runner should know: part of the file unread, ...


def kind_of(filename: str) -> str:
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind not in KINDS:
        raise WatchFileError("Choose a .gpx, .tcx or .fit file from your watch or running app.")
    return kind


class Budget:
    """CPU time for one file: called now and then while reading, raises once it's spent."""

    def __init__(self, kind: str):
        self.kind, self.until = kind, time.thread_time() + CPU_BUDGET_S

    def __call__(self) -> None:
        if time.thread_time() > self.until:
            raise WatchFileError(
                f"runpt stopped reading that .{self.kind} file: it takes too long to read for "
                "one run. Export just the one run from your watch's app."
            )


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
        run = reader(content, Budget(kind))
    except WatchFileError:
        raise
    except Exception as problem:
        # Untrusted bytes reach deep into the parsers, each with its own ways to fail on
        # garbage: whichever it is, the runner gets a clear answer, never a server error.
        raise WatchFileError(
            f"runpt couldn't read that .{kind} file: it looks damaged or isn't a {kind.upper()} "
            "file. Export the run again from your watch's app."
        ) from problem
    return checked(run, kind)


def checked(run: ImportedRun, kind: str) -> ImportedRun:
    """A run the log will take: the sync's own rules (runpt/log/validation.py), so a run
    the import hands the phone is never one the sync would refuse later. The sync's
    message comes with a sentence saying what it means for this file."""
    data = {
        "start": run.start.isoformat(),
        "duration_s": run.duration_s,
        "distance_m": run.distance_m,
        "source": kind,
    }
    try:
        run_logged_data(data, None)
    except Invalid as problem:
        raise WatchFileError(
            f"{in_words(run, kind, problem)} runpt can't log it: {problem}."
        ) from None
    return run


def in_words(run: ImportedRun, kind: str, problem: Invalid) -> str:
    """What the sync's message means for this file, for the runner."""
    field = str(problem).partition(":")[0]
    if field == "data.duration_s":
        high = RUN_LIMITS["duration_s"][1]
        return (
            f"That .{kind} file's run lasts {run.duration_s} seconds; runpt takes runs from "
            f"1 second to {high // 3600} hours."
        )
    if field == "data.distance_m" and (run.distance_m or 0) < 0:
        return f"That .{kind} file says the run was {run.distance_m} metres, less than nothing."
    if field == "data.distance_m":
        return f"That .{kind} file's run is over 500 km; is it a whole season?"
    return f"That .{kind} file's run starts on {run.start:%-d %b %Y %H:%M} UTC; check it."


def utc(moment: datetime) -> datetime:
    """GPX and TCX times are UTC; a file that leaves out the zone means UTC too."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_time(text: str | None, kind: str) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        return utc(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise WatchFileError(
            f"That .{kind} file has a time runpt can't read: {text[:40]!r}."
        ) from None


def local_name(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def stream(content: bytes, kind: str, root: str, budget: Budget):
    """(event, element, depth) as the XML streams in, with defusedxml refusing any DTD,
    entity or external reference; also the check that the file is well-formed XML whose
    root element is the one its kind has. Elements are the caller's to clear."""
    depth = 0
    try:
        for count, (event, element) in enumerate(
            SafeTree.iterparse(io.BytesIO(content), events=("start", "end"), forbid_dtd=True)
        ):
            if event == "start":
                depth += 1
                if depth == 1 and local_name(element.tag) != root:
                    name = local_name(element.tag) or str(element.tag)
                    raise WatchFileError(
                        f"That .{kind} file isn't a {kind.upper()} file: it holds <{name[:40]}>."
                    )
            if count & 0x3FFF == 0:
                budget()
            yield event, element, depth
            if event == "end":
                depth -= 1
    except DefusedXmlException:
        raise WatchFileError(
            f"That .{kind} file declares an XML document type, which watch files never need; "
            "runpt doesn't read such files."
        ) from None
    except SafeTree.ParseError as problem:
        raise WatchFileError(f"That .{kind} file isn't well-formed XML ({problem}).") from None


def too_many_points(kind: str) -> WatchFileError:
    return WatchFileError(
        f"That .{kind} file has over {MAX_POINTS:,} track points, more than a 24-hour run "
        "at one a second: export just the one run from your watch's app."
    )


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), as GPS watches and apps measure a track."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


class Segment:
    """A GPX track segment as it streams: its first and last time, its length."""

    __slots__ = ("first", "last", "metres", "lat", "lon")

    def __init__(self):
        self.first = self.last = self.lat = self.lon = None
        self.metres = 0.0

    def add(self, lat: float | None, lon: float | None, moment: datetime | None) -> None:
        if moment is not None:
            if self.first is None:
                self.first = moment
            self.last = moment
        if lat is None or lon is None:
            return
        if self.lat is not None:
            self.metres += metres_between(self.lat, self.lon, lat, lon)
        self.lat, self.lon = lat, lon

    def seconds(self) -> float:
        return (self.last - self.first).total_seconds() if self.first is not None else 0.0


def coordinate(element, name: str) -> float | None:
    try:
        value = float(element.get(name))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def read_gpx(content: bytes, budget: Budget) -> ImportedRun:
    """A GPX track: each segment's span counts, the gaps between segments (where phone
    apps such as the Apple Watch's put a pause) don't; its length is the sum of its
    segments' great-circle lengths. GPX 1.0 and 1.1 name these elements alike."""
    segments, current, points = [], None, 0
    for event, element, depth in stream(content, "gpx", "gpx", budget):
        name = local_name(element.tag)
        if event == "start":
            if name == "trkseg":
                current = Segment()
                segments.append(current)
                segment_element = element
            continue
        if name == "trkpt" and current is not None:
            points += 1
            if points > MAX_POINTS:
                raise too_many_points("gpx")
            moment = None
            for child in element:
                if local_name(child.tag) == "time":
                    moment = iso_time(child.text, "gpx")
            current.add(coordinate(element, "lat"), coordinate(element, "lon"), moment)
            segment_element.clear()  # the points read so far: no longer needed
        elif name == "trkseg":
            current = None
        elif depth == 2:
            element.clear()  # a whole track, route or waypoint: read, then let go
    if not points:
        raise WatchFileError("That .gpx file has no track points: is it a route, not a run?")
    timed = [segment for segment in segments if segment.first is not None]
    if not timed:
        raise WatchFileError(
            "That .gpx file has no track points with times, so runpt can't tell how long the "
            "run was."
        )
    seconds = sum(segment.seconds() for segment in timed)
    metres = sum(segment.metres for segment in segments)
    return ImportedRun(min(s.first for s in timed), round(seconds), round(metres), "gpx", points)


def read_tcx(content: bytes, budget: Budget) -> ImportedRun:
    """A TCX activity: its laps' own totals (TotalTimeSeconds is the timer's time, so a
    stop between laps is left out; DistanceMeters as the watch measured it). A lap that
    leaves a total out is read from its track points."""
    laps, points, lap, in_activity = [], 0, None, False
    for event, element, _depth in stream(content, "tcx", "TrainingCenterDatabase", budget):
        name = local_name(element.tag)
        if event == "start":
            if name == "Lap" and in_activity:
                lap = {"start": element.get("StartTime"), "first": None, "last": None, "far": None}
            elif name == "Track":
                track_element = element
            elif name == "Activity":
                in_activity = True  # a course's laps (Courses/Course/Lap) are no run
            continue
        if name == "Trackpoint" and lap is not None:
            points += 1
            if points > MAX_POINTS:
                raise too_many_points("tcx")
            for child in element:
                child_name = local_name(child.tag)
                if child_name == "Time" and (moment := iso_time(child.text, "tcx")):
                    lap["first"] = lap["first"] or moment
                    lap["last"] = moment
                elif child_name == "DistanceMeters" and child.text:
                    lap["far"] = float(child.text)
            track_element.clear()
        elif name == "Lap" and lap is not None:
            lap["seconds"] = element.findtext(tcx_child("TotalTimeSeconds", element))
            lap["metres"] = element.findtext(tcx_child("DistanceMeters", element))
            laps.append(lap)
            lap = None
            element.clear()
        elif name == "Activity":
            in_activity = False
            element.clear()
    if not laps:
        raise WatchFileError("That .tcx file has no laps: there is no run in it (a course?).")
    if not all(lap["start"] for lap in laps):
        raise WatchFileError("A lap in that .tcx file has no StartTime.")
    start = min(iso_time(lap["start"], "tcx") for lap in laps)
    seconds = sum(lap_seconds(lap) for lap in laps)
    metres = [lap_metres(lap) for lap in laps]
    distance = None if all(m is None for m in metres) else sum(m or 0 for m in metres)
    return ImportedRun(
        start, round(seconds), None if distance is None else round(distance), "tcx", points
    )


def tcx_child(name: str, element) -> str:
    """The name of a child in the element's own namespace (TCX files all use one)."""
    namespace = element.tag.rpartition("}")[0]
    return f"{namespace}}}{name}" if namespace else name


def lap_seconds(lap: dict) -> float:
    if lap["seconds"] not in (None, ""):
        return float(lap["seconds"])
    if lap["first"] is not None:
        return (lap["last"] - lap["first"]).total_seconds()
    return 0.0


def lap_metres(lap: dict) -> float | None:
    if lap["metres"] not in (None, ""):
        return float(lap["metres"])
    return lap["far"]


def fit_time(stamp: int) -> datetime:
    return datetime.fromtimestamp(fit_file.FIT_EPOCH_S + stamp, UTC)


def read_fit(content: bytes, budget: Budget) -> ImportedRun:
    """A FIT activity, from its own totals: the session messages (a triathlon's running
    legs only, if it has any), else its laps, else its records with the timer's start
    and stop events. A file whose tail can't be read keeps what came before, and says so."""
    try:
        found = fit_file.read_fit_contents(content, MAX_FIT_MESSAGES, budget)
    except fit_file.FitStop as problem:
        raise WatchFileError(f"runpt couldn't read that .fit file: {problem}.") from None
    except fit_file.FitTooBig:
        raise WatchFileError(
            f"That .fit file has over {MAX_FIT_MESSAGES:,} messages, more than a 24-hour run "
            "holds: export just the one run from your watch's app."
        ) from None
    run = fit_run(found)
    notes = []
    if found.stopped:
        # In the runner's words; where it stopped (found.stopped) is for a developer.
        notes.append(
            "The end of this file can't be read; runpt used what came before it. Check the "
            "time and distance against your watch."
        )
    if run.note:
        notes.append(run.note)
    return replace(run, note=" ".join(notes) or None)


def fit_run(found: fit_file.FitContents) -> ImportedRun:
    # A session or lap without a time (a Sigma Sport watch writes laps of distance only)
    # says nothing of how long the run was: then the laps, or the records, do.
    sessions = [s for s in found.sessions if s.timer_s is not None or s.elapsed_s is not None]
    laps = [s for s in found.laps if s.timer_s is not None or s.elapsed_s is not None]
    summaries = sessions or laps
    if summaries:
        running = [s for s in summaries if s.sport == fit_file.RUNNING]
        if sessions and running and len(running) < len(summaries):
            summaries = running  # a multisport file: the runner's running load is the run
        start = (
            min(s.start_time for s in summaries if s.start_time is not None)
            if any(s.start_time is not None for s in summaries)
            else found.first_record
        )
        seconds = sum(s.timer_s if s.timer_s is not None else (s.elapsed_s or 0) for s in summaries)
        distances = [s.distance_m for s in summaries if s.distance_m is not None]
        distance = sum(distances) if distances else records_distance(found)
    else:
        if found.first_record is None or found.last_record is None:
            raise WatchFileError("That .fit file has no timed records: is it an activity file?")
        start = found.first_record
        seconds = fit_file.timer_seconds(found.timer, found.last_record)
        if seconds is None:
            seconds = found.last_record - found.first_record
        distance = records_distance(found)
    if start is None:
        raise WatchFileError("That .fit file doesn't say when the run began.")
    moment, note = fit_start(found, start)
    metres = None if distance is None else round(distance)
    return ImportedRun(moment, round(seconds), metres, "fit", found.records, note)


def records_distance(found: fit_file.FitContents) -> float | None:
    if found.record_distance_m is not None:
        return found.record_distance_m
    return found.compressed_distance_m


def fit_start(found: fit_file.FitContents, start: int) -> tuple[datetime, str | None]:
    """When the run began. A watch without a real-time clock (the Forerunner 70, say)
    counts its times from when it was switched on, and writes the local time it ended
    once, in the activity message: the start is that, less the run's length."""
    if start >= fit_file.RELATIVE_BELOW:
        return fit_time(start), None
    if found.activity_local is None or found.activity_timestamp is None:
        raise WatchFileError(
            "That .fit file doesn't say on what day the run was (the watch kept no date)."
        )
    moment = fit_time(found.activity_local - (found.activity_timestamp - start))
    return moment, "The watch recorded its own local time only: check the start time."


def run_session_for(user_id: int, content: bytes) -> uuid.UUID:
    """The run's id for a file: the same runner and file, the same run."""
    digest = hashlib.sha256(content).hexdigest()
    return uuid.uuid5(RUNS_FROM_FILES, f"{user_id}:{digest}")
