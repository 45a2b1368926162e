"""How tests/watch_files/easy-run.fit and no-session.fit were made: with fit-tool (PyPI
`fit-tool`, a FIT encoder following Garmin's profile), as a watch writes an activity: a
file id, a timer start, a record every 10 s, a timer stop, a lap, a session and the
activity. The same run as easy-run.gpx: 2 March 2026, 07:30:00 UTC, 24 min 50 s, about
4.2 km. no-session.fit is the same run cut off before its lap and session messages, as a
watch that lost power leaves it. Run once by hand (`pip install fit-tool`); the tests only
read the files it wrote, with fitdecode, so fit-tool is not a test dependency."""

from datetime import UTC, datetime
from pathlib import Path

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.event_message import EventMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import Event, EventType, FileType, Manufacturer, Sport

HERE = Path(__file__).resolve().parent
START = round(datetime(2026, 3, 2, 7, 30, tzinfo=UTC).timestamp() * 1000)
RECORDS = 150  # one every 10 s: 0 .. 1490 s
SECONDS = 1490
METRES = 4212.0
# Each 10 s the track moves north by this many degrees: 149 steps of 28.27 m on a sphere
# of the Earth's mean radius make the 4,212 m the laps and session say. (The positions
# once moved 0.0002 degrees a step, 22.2 m: the GPX then measured 3,317 m while the TCX
# and FIT said 4,212 m, a 21% gap that was the fixture's, not the watch's. The .gpx and
# .tcx were corrected to this step; easy-run.fit's records still carry the old positions,
# which its import never reads: the session gives its distance.)
LAT_STEP = 4212 / 149 / (6_371_008.8 * 3.141592653589793 / 180)


def messages(whole: bool) -> list:
    found = []
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.time_created = START
    file_id.serial_number = 0x12345678
    found.append(file_id)
    found.append(timer(EventType.START, START))
    for index in range(RECORDS):
        record = RecordMessage()
        record.timestamp = START + index * 10_000
        record.position_lat = 51.5 + index * LAT_STEP
        record.position_long = -0.12
        record.distance = METRES * index / (RECORDS - 1)
        record.heart_rate = 140
        found.append(record)
    if not whole:
        return found
    end = START + SECONDS * 1000
    found.append(timer(EventType.STOP_ALL, end))
    lap = LapMessage()
    lap.timestamp, lap.start_time = end, START
    lap.total_elapsed_time = lap.total_timer_time = SECONDS
    lap.total_distance = METRES
    found.append(lap)
    session = SessionMessage()
    session.timestamp, session.start_time = end, START
    session.total_elapsed_time = session.total_timer_time = SECONDS
    session.total_distance = METRES
    session.sport = Sport.RUNNING
    found.append(session)
    activity = ActivityMessage()
    activity.timestamp = end
    activity.total_timer_time = SECONDS
    activity.num_sessions = 1
    found.append(activity)
    return found


def timer(kind, when: int) -> EventMessage:
    event = EventMessage()
    event.event = Event.TIMER
    event.event_type = kind
    event.timestamp = when
    return event


def write(name: str, whole: bool) -> None:
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    builder.add_all(messages(whole))
    builder.build().to_file(str(HERE / name))


if __name__ == "__main__":
    write("easy-run.fit", whole=True)
    write("no-session.fit", whole=False)
