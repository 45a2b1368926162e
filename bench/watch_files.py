"""Issue 24 items 3 and 5: how long reading a watch file takes, and what it costs.

- The corpus (tests/data/watch and the project's own tests/watch_files/easy-run.*):
  each file read `--repeats` times in this process by `read_watch_file`, as the import
  route calls it; the median CPU time of the reading thread (`time.thread_time`) and
  wall time per file.
- Hostile files, made here: a 10 MB GPX of 420,000 points, a GPX of 24 hours at a
  point a second (the longest run the log takes, read whole), a 2 MB FIT of a million
  records, a 9 MB TCX of 150,000 track points, each read in a fresh Python process so its
  peak memory is its own: CPU time, wall time, the process's peak RSS over its size just
  before reading (VmHWM after /proc/self/clear_refs; and tracemalloc's peak of a second
  read), and the answer (the run, or the error the runner gets).

Before/after: run it in an export of the commit before issue 24 (bench/README.md,
"Before/after in one session"): `--name watch_files-before`.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS = [
    *sorted(p for p in (ROOT / "tests" / "data" / "watch").glob("*.*") if p.suffix != ".md"),
    *(ROOT / "tests" / "watch_files" / f"easy-run.{kind}" for kind in ("gpx", "tcx", "fit")),
]
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def huge_gpx(points: int = 420_000) -> bytes:
    """A GPX of `points` bare points (a first and a last with times, so it is a run of
    about five hours): just under 10 MB at 420,000, the most the import takes."""
    rows = ['<trkpt lat="1" lon="2"/>'] * points
    rows[0] = f'<trkpt lat="1" lon="2"><time>{START:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>'
    end = START + timedelta(hours=5)
    rows[-1] = f'<trkpt lat="1" lon="2"><time>{end:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>'
    return (
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        + "".join(rows)
        + "</trkseg></trk></gpx>"
    ).encode()


def day_of_gpx(points: int = 86_400) -> bytes:
    """The longest run the import takes, a point a second for 24 hours, each point with
    its time and elevation (about 7 MB): read whole, not refused."""
    rows = []
    for second in range(points):
        stamp = (START + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f'<trkpt lat="{51.5 + second * 1e-5:.6f}" lon="-0.1"><ele>12.0</ele>'
            f"<time>{stamp}</time></trkpt>"
        )
    return (
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        + "\n".join(rows)
        + "</trkseg></trk></gpx>"
    ).encode()


def huge_tcx(points: int = 150_000) -> bytes:
    rows = []
    for second in range(points):
        stamp = (START + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(f"<Trackpoint><Time>{stamp}</Time></Trackpoint>")
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
        '<Activity Sport="Running"><Id>2026-03-02T07:00:00Z</Id>'
        '<Lap StartTime="2026-03-02T07:00:00Z"><Track>' + "".join(rows) + "</Track>"
        "<TotalTimeSeconds>3600</TotalTimeSeconds><DistanceMeters>10000</DistanceMeters>"
        "</Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def fit_crc(data: bytes) -> int:
    table = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
             0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]  # fmt: skip
    crc = 0
    for byte in data:
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[byte & 0xF]
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[(byte >> 4) & 0xF]
    return crc


def huge_fit(records: int = 1_000_000) -> bytes:
    """A FIT activity of `records` records two bytes each: compressed-timestamp headers
    and a heart rate, after one full record; its CRC right, so any reader reads it all."""
    import struct

    body = bytearray()
    # file_id: type activity, time_created
    body += bytes([0x40, 0, 0]) + struct.pack("<HB", 0, 2) + bytes([0, 1, 0, 4, 4, 0x86])
    created = int(START.timestamp()) - 631065600
    body += bytes([0x00, 4]) + struct.pack("<I", created)
    # record with timestamp (local 0 again), then record with heart rate only (local 1)
    body += bytes([0x40, 0, 0]) + struct.pack("<HB", 20, 2) + bytes([253, 4, 0x86, 3, 1, 2])
    body += bytes([0x00]) + struct.pack("<I", created) + bytes([120])
    body += bytes([0x41, 0, 0]) + struct.pack("<HB", 20, 1) + bytes([3, 1, 2])
    for index in range(records):
        body += bytes([0x80 | (1 << 5) | ((created + index + 1) & 0x1F), 120])
    header = struct.pack("<BBHI4sH", 14, 0x20, 2132, len(body), b".FIT", 0)
    data = header + bytes(body)
    return data + struct.pack("<H", fit_crc(data))


HOSTILE = {
    "gpx-420k-points.gpx": huge_gpx,
    "gpx-24h-at-1hz.gpx": day_of_gpx,
    "fit-1m-records.fit": huge_fit,
    "tcx-150k-points.tcx": huge_tcx,
}


def read_once(name: str, content: bytes) -> dict:
    from runpt.running.watch_files import read_watch_file

    cpu, wall = time.thread_time(), time.perf_counter()
    try:
        run = read_watch_file(name, content)
        answer = {"duration_s": run.duration_s, "distance_m": run.distance_m}
    except Exception as problem:  # noqa: BLE001 - the answer is what is measured
        answer = {"error": str(problem)[:200]}
    return {
        "cpu_ms": (time.thread_time() - cpu) * 1000,
        "wall_ms": (time.perf_counter() - wall) * 1000,
        **answer,
    }


def corpus(repeats: int) -> list[dict]:
    import runpt.running.watch_files  # noqa: F401 - imported before any timing

    rows = []
    for path in CORPUS:
        content = path.read_bytes()
        runs = [read_once(path.name, content) for _ in range(repeats)]
        last = runs[-1]
        rows.append(
            {
                "file": path.name,
                "bytes": len(content),
                "cpu_ms_median": round(statistics.median(r["cpu_ms"] for r in runs), 2),
                "wall_ms_median": round(statistics.median(r["wall_ms"] for r in runs), 2),
                **{k: v for k, v in last.items() if k not in ("cpu_ms", "wall_ms")},
            }
        )
        print(rows[-1], flush=True)
    return rows


def hostile_child(path: str) -> None:
    """In a fresh process: the file's bytes in memory (as the route holds them), the
    peak RSS so far noted, then the file read."""
    content = Path(path).read_bytes()
    import runpt.running.watch_files  # noqa: F401

    Path("/proc/self/clear_refs").write_text("5")  # the peak RSS starts again from now
    before = rss_kb("VmRSS")
    result = read_once(Path(path).name, content)
    peak = rss_kb("VmHWM")
    tracemalloc.start()
    read_once(Path(path).name, content)
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    result.update(
        bytes=len(content),
        peak_rss_added_mb=round((peak - before) / 1024, 1),
        python_peak_mb=round(python_peak / 2**20, 1),
    )
    print(json.dumps(result))


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def hostile(timeout: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, make in HOSTILE.items():
            path = Path(folder) / name
            path.write_bytes(make())
            try:
                done = subprocess.run(
                    [sys.executable, __file__, "--hostile-child", str(path)],
                    capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                )  # fmt: skip
                row = {"file": name, **json.loads(done.stdout.strip().splitlines()[-1])}
            except subprocess.TimeoutExpired:
                row = {"file": name, "error": f"still reading after {timeout} s"}
            for key in ("cpu_ms", "wall_ms"):
                if key in row:
                    row[key] = round(row[key], 1)
            rows.append(row)
            print(row, flush=True)
    return rows


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, cwd=ROOT)  # fmt: skip
    return done.stdout.strip() or "not a git checkout"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="watch_files")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--hostile-child")
    args = parser.parse_args()
    if args.hostile_child:
        hostile_child(args.hostile_child)
        return
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "commit": commit(),
        "python": platform.python_version(),
        "corpus": corpus(args.repeats),
        "hostile": hostile(args.timeout),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
