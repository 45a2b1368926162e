"""Reading a FIT activity for the few figures a run needs, fast and within bounds.

A general FIT decoder (fitdecode) turns every field of every message into a Python
object through Garmin's whole profile: about 1.2 s for a 150 KB file from a running-power
pod. runpt needs five messages and a handful of their fields, so this reader walks the
file's own definitions and unpacks only those fields, with one precompiled struct per
definition: the same file reads in a few milliseconds (bench/watch_files.py).

What it reads (FIT protocol 1.0/2.0, Garmin's FIT SDK "FIT File Types" and profile):
- normal and compressed-timestamp record headers (compressed: the last full timestamp's
  upper bits with the header's 5-bit offset, rolling over every 32 s);
- definitions in either byte order, with developer fields (skipped by their size);
- chained files: one FIT file after another in the same bytes, each with its header;
- file_id (0): time_created; session (18), lap (19): start_time, total_timer_time,
  total_elapsed_time, total_distance, sport; record (20): timestamp, distance and the
  older watches' compressed_speed_distance; event (21): timer start and stop;
  activity (34): timestamp and local_timestamp (for watches with no real-time clock).

A file whose tail can't be decoded (cut short, or a message of a kind it never defined)
keeps what came before: `FitContents.stopped` says where and why. The file CRC is not
checked: every figure taken is checked again by the log's own rules, and a wrong CRC
alone leaves those figures as readable as a right one.
"""

import struct
from dataclasses import dataclass, field

# FIT times count seconds from 1989-12-31 00:00 UTC; below 0x10000000 a time is
# "seconds since the device powered on" (watches without a clock, like the Forerunner 70).
FIT_EPOCH_S = 631065600
RELATIVE_BELOW = 0x10000000

FILE_ID, SESSION, LAP, RECORD, EVENT, ACTIVITY = 0, 18, 19, 20, 21, 34
TIMESTAMP = 253
# (field number, name, struct code, size in bytes): the fields taken from each message.
U32, U8, BYTES3 = ("I", 4), ("B", 1), ("3s", 3)
WANTED = {
    FILE_ID: {4: ("time_created", *U32)},
    SESSION: {
        2: ("start_time", *U32),
        5: ("sport", *U8),
        7: ("elapsed", *U32),
        8: ("timer", *U32),
        9: ("distance", *U32),
        TIMESTAMP: ("timestamp", *U32),
    },
    LAP: {
        2: ("start_time", *U32),
        7: ("elapsed", *U32),
        8: ("timer", *U32),
        9: ("distance", *U32),
        TIMESTAMP: ("timestamp", *U32),
    },
    RECORD: {
        5: ("distance", *U32),
        8: ("compressed_speed_distance", *BYTES3),
        TIMESTAMP: ("timestamp", *U32),
    },
    EVENT: {0: ("event", *U8), 1: ("event_type", *U8), TIMESTAMP: ("timestamp", *U32)},
    ACTIVITY: {5: ("local_timestamp", *U32), TIMESTAMP: ("timestamp", *U32)},
}
INVALID = {"I": 0xFFFFFFFF, "B": 0xFF}
RUNNING = 1  # the sport enum's "running"
TIMER_EVENT = 0
TIMER_STARTS = {0}  # start
TIMER_STOPS = {1, 4, 8, 9}  # stop, stop_all, stop_disable, stop_disable_all


class FitStop(Exception):
    """The reader can't go on: the bytes from here don't decode."""


class FitTooBig(Exception):
    """More messages than any run has: the reader stopped early on purpose."""


@dataclass
class Summary:
    """A session or lap: its own totals (seconds and metres, as the FIT profile scales them)."""

    start_time: int | None
    timer_s: float | None
    elapsed_s: float | None
    distance_m: float | None
    sport: int | None = None
    timestamp: int | None = None


@dataclass
class FitContents:
    """What was read from a FIT file, in the device's own figures."""

    sessions: list = field(default_factory=list)
    laps: list = field(default_factory=list)
    records: int = 0
    first_record: int | None = None
    last_record: int | None = None
    record_distance_m: float | None = None
    compressed_distance_m: float | None = None
    timer: list = field(default_factory=list)  # (timestamp, True=start / False=stop)
    time_created: int | None = None
    activity_timestamp: int | None = None
    activity_local: int | None = None
    files: int = 0  # chained files read
    stopped: str | None = None  # why the reader stopped before the end, if it did


class Definition:
    """A local message definition: how many bytes a message takes, and a struct that
    unpacks just the fields runpt wants (the rest are padding bytes to it)."""

    __slots__ = ("number", "size", "unpack", "names")

    def __init__(self, number: int, big_endian: bool, fields: list, developer_size: int):
        wanted = WANTED.get(number, {})
        codes, names, size = [">" if big_endian else "<"], [], 0
        for field_number, field_size, _base_type in fields:
            want = wanted.get(field_number)
            if want is not None and want[2] == field_size:
                codes.append(want[1])
                names.append((want[0], INVALID.get(want[1])))
            else:
                codes.append(f"{field_size}x" if field_size else "")
            size += field_size
        self.number = number
        self.size = size + developer_size
        self.names = tuple(names)
        self.unpack = struct.Struct("".join(codes)).unpack_from if names else None


def read_fit_contents(content: bytes, max_messages: int, budget) -> FitContents:
    """Every chained FIT file in `content`, read as far as it decodes. `budget()` is
    called every few thousand messages (it raises when reading has taken too long);
    more than `max_messages` data messages raises FitTooBig."""
    found = FitContents()
    offset, messages = 0, 0
    while offset < len(content):
        header = file_header(content, offset)
        if header is None:
            if found.files == 0:
                raise FitStop("it doesn't start with a FIT file header")
            break  # bytes after the last file (padding): nothing more to read
        header_size, data_size = header
        start = offset + header_size
        end = start + data_size
        if end + 2 > len(content):
            found.stopped = "it ends before its data does"
        try:
            messages = read_messages(content, start, min(end, len(content)), found, messages,
                                     max_messages, budget)  # fmt: skip
        except FitStop as problem:
            found.stopped = str(problem)
        found.files += 1
        if found.stopped:
            break
        offset = end + 2  # past the file's CRC: a chained file may follow
    return found


def file_header(content: bytes, offset: int) -> tuple[int, int] | None:
    """(header size, data size) of the FIT file at `offset`, or None if there is none."""
    if len(content) - offset < 12:
        return None
    header_size = content[offset]
    if header_size not in (12, 14) or content[offset + 8 : offset + 12] != b".FIT":
        return None
    (data_size,) = struct.unpack_from("<I", content, offset + 4)
    return header_size, data_size


def read_messages(content, offset, end, found, messages, max_messages, budget) -> int:
    definitions: dict[int, Definition] = {}
    last_timestamp = 0
    wanted = WANTED
    while offset < end:
        header = content[offset]
        offset += 1
        if header & 0x80:  # compressed timestamp header: a data message
            local = (header >> 5) & 0x03
            time_offset = header & 0x1F
            timestamp = (last_timestamp & ~0x1F) + time_offset
            if time_offset < (last_timestamp & 0x1F):
                timestamp += 0x20
            last_timestamp = timestamp
        elif header & 0x40:  # a definition
            offset = define(content, offset, end, header, definitions)
            continue
        else:
            local, timestamp = header & 0x0F, None
        definition = definitions.get(local)
        if definition is None:
            raise FitStop(f"a message at byte {offset - 1} is of a kind the file never defined")
        if offset + definition.size > end:
            raise FitStop(f"its last message, at byte {offset - 1}, is cut off")
        messages += 1
        if messages > max_messages:
            raise FitTooBig
        if messages & 0xFFF == 0:
            budget()
        if definition.unpack is not None:
            values = dict(zip(definition.names, definition.unpack(content, offset), strict=True))
            fields = {name: (None if value == invalid else value)
                      for (name, invalid), value in values.items()}  # fmt: skip
            if fields.get("timestamp") is not None:
                last_timestamp = fields["timestamp"]
            elif timestamp is not None:
                fields["timestamp"] = timestamp
            take(found, definition.number, fields)
        elif definition.number in wanted and timestamp is not None:
            take(found, definition.number, {"timestamp": timestamp})
        offset += definition.size
    return messages


def define(content, offset, end, header, definitions) -> int:
    """Reads a definition message at `offset`; answers the offset after it."""
    if offset + 5 > end:
        raise FitStop(f"a definition at byte {offset - 1} is cut off")
    big_endian = content[offset + 1] == 1
    (number,) = struct.unpack_from(">H" if big_endian else "<H", content, offset + 2)
    count = content[offset + 4]
    offset += 5
    if offset + 3 * count > end:
        raise FitStop(f"a definition at byte {offset - 6} is cut off")
    fields = [tuple(content[i : i + 3]) for i in range(offset, offset + 3 * count, 3)]
    offset += 3 * count
    developer_size = 0
    if header & 0x20:  # developer fields follow: skipped by their declared sizes
        if offset >= end:
            raise FitStop(f"a definition at byte {offset} is cut off")
        developer_count = content[offset]
        offset += 1
        if offset + 3 * developer_count > end:
            raise FitStop(f"a definition at byte {offset} is cut off")
        developer_size = sum(content[i + 1] for i in range(offset, offset + 3 * developer_count, 3))
        offset += 3 * developer_count
    definitions[header & 0x0F] = Definition(number, big_endian, fields, developer_size)
    return offset


def scaled(value, scale: float) -> float | None:
    return None if value is None else value / scale


def take(found: FitContents, number: int, fields: dict) -> None:
    """Keeps what a message says of the run."""
    if number == RECORD:
        found.records += 1
        stamp = fields.get("timestamp")
        if stamp is not None:
            if found.first_record is None:
                found.first_record = stamp
            found.last_record = stamp
        if fields.get("distance") is not None:
            found.record_distance_m = fields["distance"] / 100
        elif fields.get("compressed_speed_distance") is not None:
            found.compressed_distance_m = accumulate(
                found.compressed_distance_m, fields["compressed_speed_distance"]
            )
    elif number in (SESSION, LAP):
        summary = Summary(
            fields.get("start_time"),
            scaled(fields.get("timer"), 1000),
            scaled(fields.get("elapsed"), 1000),
            scaled(fields.get("distance"), 100),
            fields.get("sport"),
            fields.get("timestamp"),
        )
        (found.sessions if number == SESSION else found.laps).append(summary)
    elif number == EVENT:
        if fields.get("event") == TIMER_EVENT and fields.get("timestamp") is not None:
            kind = fields.get("event_type")
            if kind in TIMER_STARTS or kind in TIMER_STOPS:
                found.timer.append((fields["timestamp"], kind in TIMER_STARTS))
    elif number == FILE_ID:
        found.time_created = fields.get("time_created")
    elif number == ACTIVITY:
        found.activity_timestamp = fields.get("timestamp")
        found.activity_local = fields.get("local_timestamp")


def accumulate(total: float | None, packed: bytes) -> float:
    """compressed_speed_distance (older watches): 12 bits of distance in 1/16 m that
    roll over every 256 m; the run's distance is their running sum."""
    distance = ((packed[1] >> 4) | (packed[2] << 4)) / 16
    if total is None:
        return distance
    previous = total % 256
    step = distance - previous if distance >= previous else distance + 256 - previous
    return total + step


def timer_seconds(timer: list, end: int | None) -> float | None:
    """Seconds the timer ran, from its start and stop events (a timer still running at
    the end counts up to `end`, the last record)."""
    running_since, total = None, 0.0
    for stamp, starts in timer:
        if starts and running_since is None:
            running_since = stamp
        elif not starts and running_since is not None:
            total += stamp - running_since
            running_since = None
    if running_since is not None and end is not None:
        total += max(0, end - running_since)
    return total if timer else None
