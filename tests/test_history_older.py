"""The progress and pain pages with a long history: their tables show the last 12 weeks,
a link opens the older sessions (all of them, on one page), the charts still draw every
session, and the phone keeps the older sessions' pages too (runpt/history/older.py)."""

import html
import re
from datetime import timedelta

import pytest

from runpt.timestamps import utcnow
from tests.test_history import ZONE, a_session, days_ago, sync, text

pytestmark = pytest.mark.clock  # reads a runner's day (.ci/run)

# Sessions 1 to 30 weeks ago, one a week (and one today): 12 weeks of them recent.
WEEKS_AGO = [0, *range(1, 31)]


def a_long_history(client) -> None:
    for weeks in WEEKS_AGO:
        sync(client, a_session(days_ago(7 * weeks), {"reps": 10 + weeks % 5, "pain": weeks % 4}))


def the_first_recent_day():
    return (utcnow().astimezone(ZONE) - timedelta(weeks=12)).date()


def table_days(page: str, marker: str) -> list[str]:
    table = re.search(rf"<table class=\"sets-table\" {marker}>.*?</table>", page, re.S).group(0)
    return re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a></th>', table)


def older_link(page: str) -> tuple[str, str]:
    found = re.search(r'<a href="([^"]*)" data-older-sessions>([^<]*)</a>', page)
    return html.unescape(found.group(1)), found.group(2)


def test_an_exercise_shows_the_last_12_weeks_and_links_to_every_older_session(signed_in):
    a_long_history(signed_in)
    page = text(signed_in.get("/history/progress/glute-bridge"))
    recent = table_days(page, "data-progress-table")
    assert len(recent) == 13  # today and a session a week for 12 weeks, newest first
    since = the_first_recent_day()
    url, words = older_link(page)
    assert url == f"/history/progress/glute-bridge?before={since.isoformat()}"
    assert words.startswith("Older sessions: 18, ")
    # The chart still draws every session: the whole picture is its point.
    assert "in 31 sessions" in page and page.count('class="dot series-a"') == 31

    older_page = text(signed_in.get(url))
    older = table_days(older_page, "data-progress-table")
    assert len(older) == 18 and older[0] != recent[-1]
    assert "<svg" not in older_page  # only the table: the charts are on the progress page
    # Nothing lost: the two tables together are every session, each once.
    assert len(set(recent) | set(older)) == len(WEEKS_AGO)


def test_pain_shows_the_last_12_weeks_and_links_to_every_older_session(signed_in):
    a_long_history(signed_in)
    page = text(signed_in.get("/history/pain"))
    recent = table_days(page, "data-pain-table")
    assert len(recent) == 13
    url, words = older_link(page)
    assert url == f"/history/pain?before={the_first_recent_day().isoformat()}"
    assert words.startswith("Older sessions: 18, ")
    assert "31 sessions from" in page  # the chart's words: every session

    older = table_days(text(signed_in.get(url)), "data-pain-table")
    assert len(older) == 18
    assert len(set(recent) | set(older)) == len(WEEKS_AGO)


def test_a_short_history_has_no_older_link(signed_in):
    sync(signed_in, a_session(days_ago(3), {"reps": 10, "pain": 1}))
    for path, marker in (("/history/progress/glute-bridge", "data-progress-table"),
                         ("/history/pain", "data-pain-table")):  # fmt: skip
        page = text(signed_in.get(path))
        assert len(table_days(page, marker)) == 1 and "data-older-sessions" not in page


def test_nothing_older_says_so(signed_in):
    sync(signed_in, a_session(days_ago(3), {"reps": 10, "pain": 1}))
    page = text(signed_in.get("/history/progress/glute-bridge?before=2020-01-01"))
    assert "Glute bridge: no sessions before 1 Jan 2020." in page
    assert "No pain logged before 1 Jan 2020." in text(
        signed_in.get("/history/pain?before=2020-01-01")
    )


@pytest.mark.parametrize(
    "before", ["yesterday", "2026-02-30", "2026-9-1", "20260901", "", "x" * 5000]
)
@pytest.mark.parametrize("path", ["/history/progress/glute-bridge", "/history/pain"])
def test_a_bad_before_is_400_with_how_to_write_a_day(signed_in, path, before):
    sync(signed_in, a_session(days_ago(3), {"reps": 10, "pain": 1}))
    response = signed_in.get(path, query_string={"before": before})
    assert response.status_code == 400
    words = html.unescape(text(response))
    assert "is not a day. Give one as YYYY-MM-DD, e.g. ?before=2026-09-10." in words
    assert len(response.data) < 20_000  # a long value is not echoed back whole


def test_the_phone_keeps_the_older_sessions_the_pages_link_to(signed_in):
    a_long_history(signed_in)
    sync(signed_in, a_session(days_ago(2), {"exercise": "clamshell", "side": "left", "reps": 8}))
    kept = signed_in.get("/offline/units?pages=1").get_json()["units"][0]["pages"]
    for path in ("/history/pain", "/history/progress/glute-bridge"):
        url, _ = older_link(kept[path])
        assert url in kept, url  # the link opens with no signal
        assert "data-older-count" in kept[url]
    # An exercise with nothing older keeps no page of it.
    assert "data-older-sessions" not in kept["/history/progress/clamshell"]
    assert not any(p.startswith("/history/progress/clamshell?") for p in kept)
