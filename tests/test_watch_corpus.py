"""Real files from watches and phone apps (tests/data/watch/SOURCES.md says where each
comes from) import with the device's own figures: the timer's time with pauses and
segment gaps left out, the distance and the start as recorded. Each expected figure is
the file's own total, read with another reader, never runpt's output."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

CORPUS = Path(__file__).resolve().parent / "data" / "watch"
OWN = Path(__file__).resolve().parent / "watch_files"
STRAVA_TAIL = "The end of this file can't be read; runpt used what came before it."

# (file, start (UTC), timer seconds, metres, what the runner is told, if anything)
FILES = [
    # FIT: the session message's start_time, total_timer_time, total_distance
    ("garmin-fenix-5-run.fit", "2017-06-11T14:34:09", 56.887, 157.56, None),
    ("activity-small-fenix2-run.fit", "2015-08-15T14:45:08", 2832.0, 9008.22, None),
    # Forerunner 70: compressed timestamps, timer 3,772.75 s of 3,883.27 s elapsed; no
    # clock, so the start is its local time (how: tests/data/watch/SOURCES.md); the
    # runner is told to check it.
    ("compressed-speed-distance.fit", "2012-02-13T11:16:16", 3772.75, 10248.67,
     "The watch recorded its own local time only"),
    ("developer-types-sample.fit", "2017-01-17T17:06:47", 3424.0, 6753.99, None),
    # Strava for Android: the session is read before the tail that can't be.
    ("strava-android-app-201.10-b1218918.fit", "2021-09-27T14:13:10", 3558.0, 11274.04,
     STRAVA_TAIL),
    # Forerunner 920XT triathlon in four chained files: its running session.
    ("sample_mulitple_header.fit", "2018-05-27T09:23:41", 2850.694, 9805.92, None),
    # GPX: the segments' spans (gaps left out) and lengths (gpxpy)
    ("Friday-Evening-Run.gpx", "2025-05-02T15:51:15.692", 35.503, 87.75, None),
    ("strava.gpx", "2018-05-14T14:54:21", 7723.0, 7479.4, None),
    ("run.gpx", "2012-10-24T23:29:40", 948.0, 3102.0, None),
    ("cerknicko-jezero.gpx", "2010-08-05T14:23:59", 4239.0, 4580.1, None),  # GPX 1.0
    # TCX: the laps' StartTime, TotalTimeSeconds, DistanceMeters
    ("sample.tcx", "2007-08-07T02:42:41", 2325.02, 8348.5039063, None),
    ("garmin_connect.tcx", "2020-03-06T00:23:46", 4352.0, 1691.68, None),
]  # fmt: skip


def send(client, name: str, content: bytes):
    upload = FileStorage(io.BytesIO(content), filename=name)
    boundary, body = encode_multipart({"file": upload})
    return client.post(
        "/api/runs/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_the_corpus_has_ten_files_or_more_from_six_devices_or_apps_each_with_its_source():
    sources = (CORPUS.parents[2] / "tests/data/watch/SOURCES.md").read_text()
    files = sorted(path.name for path in CORPUS.iterdir() if path.suffix != ".md")
    assert files == sorted(name for name, *_ in FILES) and len(files) >= 10
    rows = [line for line in sources.splitlines() if line.startswith("| `")]
    assert {row.split("`")[1] for row in rows} == set(files)
    devices = {row.split("|")[2].strip() for row in rows}
    assert len(devices) >= 6
    assert all("MIT" in row or "BSD" in row or "Apache" in row for row in rows)
    assert sum(path.stat().st_size for path in CORPUS.iterdir()) < 2 * 1024 * 1024


@pytest.mark.parametrize(("name", "start", "seconds", "metres", "note"), FILES,
                         ids=[f[0] for f in FILES])  # fmt: skip
def test_a_real_file_imports_with_the_devices_own_figures(
    signed_in, name, start, seconds, metres, note
):
    response = send(signed_in, name, (CORPUS / name).read_bytes())
    assert response.status_code == 200, response.get_json()
    run = response.get_json()["run"]
    began = datetime.fromisoformat(start).replace(tzinfo=UTC)
    assert abs(datetime.fromisoformat(run["start"]) - began).total_seconds() < 1
    assert run["duration_s"] == round(seconds)
    tolerance = 0.01 * metres if name.endswith(".gpx") else 0.5
    assert abs(run["distance_m"] - metres) <= tolerance
    if note is None:
        assert run["note"] is None
    else:
        assert note in run["note"]
    assert run["days_ago"] > 60  # every file is years old: the phone asks first


def test_pauses_are_left_out_where_the_file_marks_them(signed_in):
    """The Forerunner 70's timer ran 3,773 s of the 3,883 s from start to end; the Apple
    Watch's three segments span 35.5 s of the 42 min between its first and last point."""
    fr70 = send(signed_in, "fr70.fit", (CORPUS / "compressed-speed-distance.fit").read_bytes())
    assert fr70.get_json()["run"]["duration_s"] == 3773
    apple = send(signed_in, "apple.gpx", (CORPUS / "Friday-Evening-Run.gpx").read_bytes())
    assert apple.get_json()["run"]["duration_s"] == 36  # not 2,569 s, start to end


def test_one_run_in_three_formats_gives_the_same_figures_within_2_percent(signed_in):
    """The project's own run (tests/watch_files/make_fit.py): its GPX once read 3,317 m
    against the TCX and FIT's 4,212 m because the fixture's track moved 22.2 m a step
    while its laps said 28.3 m; the track now moves as far as the laps say."""
    runs = [
        send(signed_in, name, (OWN / name).read_bytes()).get_json()["run"]
        for name in ("easy-run.gpx", "easy-run.tcx", "easy-run.fit")
    ]
    distances = [run["distance_m"] for run in runs]
    assert max(distances) <= 1.02 * min(distances)
    assert {run["duration_s"] for run in runs} == {1490}
    assert {run["start"] for run in runs} == {"2026-03-02T07:30:00+00:00"}


def test_where_a_files_tail_stops_being_readable_is_kept_for_a_developer():
    from runpt.running import fit_file

    content = (CORPUS / "strava-android-app-201.10-b1218918.fit").read_bytes()
    found = fit_file.read_fit_contents(content, 10**6, lambda: None)
    assert found.stopped == "a message at byte 7471 is of a kind the file never defined"
    assert len(found.sessions) == 1 and found.records == 473  # fitdecode reads as many


def fit_of(*messages: bytes) -> bytes:
    """A FIT file of these messages (definitions and data, as bytes), CRC left at 0: the
    reader doesn't check it (runpt/running/fit_file.py says why)."""
    import struct

    body = b"".join(messages)
    return struct.pack("<BBHI4sH", 14, 0x20, 2132, len(body), b".FIT", 0) + body + b"\0\0"


def definition(local: int, number: int, fields: list[tuple[int, int, int]], big=False) -> bytes:
    import struct

    head = bytes([0x40 | local, 0, 1 if big else 0])
    head += struct.pack(">HB" if big else "<HB", number, len(fields))
    return head + b"".join(bytes(field) for field in fields)


def test_a_fit_with_laps_and_no_session_is_read_from_its_laps_in_either_byte_order():
    """Two laps written big-endian: their timer times and distances summed, the records'
    span (which includes a 5-minute stop between the laps) not used."""
    import struct

    from runpt.running.watch_files import read_watch_file

    start = 1_100_000_000  # FIT seconds: 2024-11-09
    lap_fields = [(253, 4, 0x86), (2, 4, 0x86), (8, 4, 0x86), (9, 4, 0x86)]
    record_fields = [(253, 4, 0x86), (5, 4, 0x86)]
    laps = [(start + 600, start, 600_000, 200_000), (start + 1500, start + 900, 600_000, 150_000)]
    messages = [definition(0, 20, record_fields)]
    for second in (0, 600, 900, 1500):
        messages.append(bytes([0]) + struct.pack("<II", start + second, second * 400))
    messages.append(definition(1, 19, lap_fields, big=True))
    messages += [bytes([1]) + struct.pack(">IIII", *lap) for lap in laps]
    run = read_watch_file("laps.fit", fit_of(*messages))
    assert (run.duration_s, run.distance_m, run.points) == (1200, 3500, 4)
    assert run.start == datetime(1989, 12, 31, tzinfo=UTC) + timedelta(seconds=start)
