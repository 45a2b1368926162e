"""The repository is light (issue 26 item 6): measurement output is made on demand by the
bench scripts, and only its JSON summaries are committed, so a clone doesn't download
tens of megabytes of profiles. Read from git's index, so a profile added by mistake
fails here before it lands."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = "bench/results/"
MOST_BYTES = 5 * 1024 * 1024
# What the bench scripts write beside their JSON: pyinstrument trees and HTML reports
# (bench/profile_hotpaths.py, history_bench.py --profile) and Chromium CPU profiles
# (bench/browser_step.py --cpu-profile).
MADE_ON_DEMAND = [
    "profile-step.html",
    "profile-ingest.txt",
    "profile-history-sqlite-home.txt",
    "browser_step-online.cpuprofile",
    "browser_step-profile.txt",
]


def git(*args: str, stdin: str | None = None) -> str:
    """git's answer; skips the test where there is no git checkout. (`check-ignore`
    answers 1 when nothing is ignored: an answer, not a failure.)"""
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, input=stdin, capture_output=True, text=True)
    except OSError:
        pytest.skip("git is not installed")
    if done.returncode not in (0, 1) or (done.returncode == 1 and args[0] != "check-ignore"):
        pytest.skip("not a git checkout")
    return done.stdout


def tracked_sizes(folder: str) -> dict[str, int]:
    """{path: bytes} of every file under `folder` in git's index."""
    rows = [line.split(maxsplit=3) for line in git("ls-files", "-s", "--", folder).splitlines()]
    if not rows:
        return {}
    objects = "\n".join(sha for _mode, sha, _stage, _path in rows) + "\n"
    sizes = git("cat-file", "--batch-check=%(objectsize)", stdin=objects).split()
    paths = [path for _mode, _sha, _stage, path in rows]
    return {path: int(size) for path, size in zip(paths, sizes, strict=True)}


def test_tracked_measurement_output_stays_under_five_megabytes():
    sizes = tracked_sizes(RESULTS)
    assert sizes, "bench/results/ keeps the JSON summaries that docs/performance.md quotes"
    largest = sorted(sizes, key=sizes.get, reverse=True)[:3]
    assert sum(sizes.values()) <= MOST_BYTES, (
        f"bench/results/ tracks {sum(sizes.values()):,} bytes; largest: "
        + ", ".join(f"{path} ({sizes[path]:,})" for path in largest)
    )


def test_profiles_and_html_reports_are_not_tracked():
    kept = [path for path in tracked_sizes(RESULTS) if not path.endswith((".json", ".log"))]
    assert not kept


def test_what_the_bench_scripts_make_on_demand_is_ignored_and_their_summaries_are_not():
    ignored = git("check-ignore", "--no-index", "--stdin", stdin="\n".join(
        RESULTS + name for name in [*MADE_ON_DEMAND, "profile-step.json"]
    ))  # fmt: skip
    assert sorted(ignored.split()) == sorted(RESULTS + name for name in MADE_ON_DEMAND)
