"""History as a runner reads it: the calendar and this week, each session, training
days and the calendar file, progress per exercise, pain, the next-morning check,
export, the physio report, and that another runner sees none of it."""

import csv
import html
import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from runpt.extensions import db
from runpt.log.models import SessionSummary
from runpt.runner.models import RunnerSettings
from runpt.timestamps import utcnow
from tests.events import event, finished, logged, new_session, started
from tests.test_routines import other_runner

pytestmark = pytest.mark.clock  # reads a runner's day or week (.ci/run)

ZONE = timezone(timedelta(hours=1))


def days_ago(days: float, hour: int = 8) -> datetime:
    """A moment `days` before today, at `hour` on the runner's clock (UTC+1)."""
    now = utcnow().astimezone(ZONE)
    return (now - timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def a_session(
    when: datetime, *sets: dict, routine="runners-essentials", done=True, planned=None
) -> list:
    """The events of one session at `when`; each set is a dict of set.logged data. The
    start plans as many strength sets as are logged (so a finished one counts toward the
    week), unless `planned` says otherwise."""
    session = new_session()
    planned = len(sets) if planned is None else planned
    events = [started(session, routine=routine, planned_sets=planned, at=when.isoformat())]
    for number, data in enumerate(sets, start=1):
        moment = (when + timedelta(minutes=number)).isoformat()
        events.append(logged(session, set_no=data.pop("set", number), at=moment, **data))
    if done:
        events.append(finished(session, at=(when + timedelta(minutes=25)).isoformat()))
    return events


def sync(client, events: list) -> list:
    response = client.post("/api/sync", json={"events": events})
    assert response.status_code == 200
    return response.get_json()["results"]


def text(response) -> str:
    return response.get_data(as_text=True)


def morning(session: str, feel: str, when: datetime) -> dict:
    return event("morning.checked", session, {"feel": feel}, at=when.isoformat())


# --- the calendar, this week and each session -------------------------------------


def test_history_shows_this_week_the_streak_and_every_session(signed_in):
    today = utcnow().astimezone(ZONE)
    monday = today - timedelta(days=today.weekday())
    # Two sessions in each of the three weeks before this one, and one this week.
    for weeks_back in (1, 2, 3):
        for day in (0, 2):
            when = (monday - timedelta(weeks=weeks_back) + timedelta(days=day)).replace(hour=7)
            sync(signed_in, a_session(when, {"pain": 1}))
    sync(signed_in, a_session(monday.replace(hour=7), {"pain": 4, "note": "<b>knee</b>"}))

    page = text(signed_in.get("/history/"))
    assert re.search(r"<strong data-week-count>1</strong> of 2–3 sessions this week", page)
    assert "3 weeks in a row at 2 or more" in page
    assert 'Sessions <span class="muted">(7)</span>' in page
    assert page.count('class="trained') == 7
    assert "Runner&#39;s essentials" in page or "Runner's essentials" in page
    assert "highest pain 4" in page

    first = re.search(r'href="(/history/sessions/[0-9a-f-]{36})"', page).group(1)
    detail = text(signed_in.get(first))
    assert "&lt;b&gt;knee&lt;/b&gt;" in detail and "<b>knee</b>" not in detail
    assert "Highest pain during: <strong>4</strong> (acceptable)" in detail
    assert "Next morning: not answered" in detail


def test_a_session_synced_in_parts_is_counted_whole(signed_in, app):
    """A summary is rebuilt when more of its session's events arrive."""
    events = a_session(days_ago(0), {"reps": 10}, {"reps": 11})
    sync(signed_in, events[:2])
    assert "1 set" in text(signed_in.get("/history/"))
    sync(signed_in, events[2:])
    page = text(signed_in.get("/history/"))
    assert "2 sets" in page and "not finished" not in page
    with app.app_context():
        summary = db.session.scalars(select(SessionSummary)).one()
        assert (summary.event_count, summary.set_count) == (4, 2)


def test_a_session_whose_start_arrives_last_keeps_its_true_start(signed_in):
    events = a_session(days_ago(3, hour=6), {"reps": 10})
    sync(signed_in, [morning(events[0]["session"], "same", days_ago(2))])
    sync(signed_in, events[1:])
    sync(signed_in, events[:1])
    page = text(signed_in.get("/history/"))
    expected = days_ago(3, hour=6).strftime("%a %-d %b %Y, 06:00")
    assert expected in page and "next morning same" in page


def test_no_sessions_yet_says_how_to_start(signed_in):
    page = text(signed_in.get("/history/"))
    assert "No sessions yet" in page
    assert "<strong data-week-count>0</strong>" in page


# --- training days, the next session due and the calendar file --------------------


def next_session(home: str) -> str:
    """Home's "Next session: <day> — <routine>" line, as the runner reads it."""
    heading = re.search(r'<h1 id="next-title">(.*?)</h1>', home, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", heading))


def test_training_days_show_the_next_session_on_home_and_make_a_calendar_file(signed_in):
    # Nothing logged yet: the server knows no clock of the runner's, so their day is UTC's.
    today = utcnow().date()
    tomorrow = (today + timedelta(days=1)).isoweekday()
    response = signed_in.post(
        "/history/training-days", data={"day": [str(tomorrow)], "time": "06:30"}
    )
    assert response.status_code == 302
    home = text(signed_in.get("/"))
    assert next_session(home) == "Next session: tomorrow — Runner's essentials"
    assert "· 06:30" in home

    ics = signed_in.get("/history/training-days.ics")
    assert ics.mimetype == "text/calendar"
    assert "attachment" in ics.headers["Content-Disposition"]
    body = text(ics)
    day_code = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][tomorrow - 1]
    assert f"RRULE:FREQ=WEEKLY;BYDAY={day_code}\r\n" in body
    assert re.search(r"DTSTART:\d{8}T063000\r\n", body)


def test_training_today_moves_the_next_session_on(signed_in, clock):
    # Mid-day (the clock fixture's Wednesday noon): before and after the first log, UTC
    # and the runner's UTC+1 agree on the day.
    today = utcnow().astimezone(ZONE).date()
    signed_in.post(
        "/history/training-days", data={"day": [str(today.isoweekday())], "time": "07:00"}
    )
    assert next_session(text(signed_in.get("/"))).startswith("Next session: today —")
    sync(signed_in, a_session(days_ago(0, hour=0), {"reps": 10}))
    home = text(signed_in.get("/"))
    assert next_session(home).startswith(f"Next session: {today.strftime('%A')} —")  # in a week


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"day": ["8"], "time": "07:00"}, "Pick days from Monday to Sunday."),
        ({"day": ["1"], "time": "25:00"}, "Give a time like 07:30"),
        ({"day": ["1"]}, "Give a time like 07:30"),
    ],
    ids=["not-a-weekday", "hour-25", "no-time"],
)
def test_bad_training_days_are_refused_with_a_reason_and_the_saved_ones_kept(
    signed_in, app, form, message
):
    assert (
        signed_in.post("/history/training-days", data={"day": ["2"], "time": "18:00"}).status_code
        == 302
    )
    response = signed_in.post("/history/training-days", data=form)
    assert response.status_code == 400
    assert message in text(response)
    with app.app_context():
        plan = db.session.scalars(select(RunnerSettings)).one()
        assert (plan.weekdays, plan.time_of_day) == ("2", "18:00")


def test_no_calendar_file_before_training_days_are_picked(signed_in):
    response = signed_in.get("/history/training-days.ics")
    assert response.status_code == 404
    assert "Pick your training days first" in text(response)


# --- progress per exercise ---------------------------------------------------------


def one_sided(left: int, right: int) -> list[dict]:
    return [
        {"exercise": "clamshell", "side": side, "reps": reps, "set": 1}
        for side, reps in (("left", left), ("right", right))
    ]


def test_progress_charts_best_sets_with_a_text_alternative(signed_in):
    for days, reps in ((20, 10), (13, 12), (6, 15)):
        sync(signed_in, a_session(days_ago(days), {"reps": reps}, {"reps": reps - 2}))
    page = text(signed_in.get("/history/progress/glute-bridge"))
    svg = re.search(r"<svg class=\"chart\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "from 10 on" in svg and "to 15 on" in svg  # the description in words
    assert svg.count("<circle") == 3
    assert "Best set: <strong>15 reps</strong>" in page
    table = re.search(r"<table class=\"sets-table\" data-progress-table>.*?</table>", page, re.S)
    assert table.group(0).count("<tr>") == 4  # header + 3 sessions

    listing = text(signed_in.get("/history/progress"))
    assert "Glute bridge" in listing and "3 sessions" in listing


def test_a_long_history_draws_every_session_as_a_dot_in_one_path():
    """Three years of sessions: a dot for each, as one path (one element for the phone to
    lay out, not hundreds of circles); a few sessions keep a circle each."""
    from datetime import date

    from runpt.history.charts import Series, line_chart

    def chart(sessions: int) -> str:
        points = [(date(2024, 1, 1) + timedelta(days=3 * n), 10 + n % 7) for n in range(sessions)]
        return str(line_chart("c", "Reps", "words", [Series("Best set", points)]))

    few, many = chart(40), chart(300)
    assert few.count("<circle") == 40 and 'class="dots' not in few
    assert "<circle" not in many
    dots = re.search(r'<path class="dots series-a" d="([^"]*)"/>', many).group(1)
    assert dots.count("M") == 300 and dots.count("h0") == 300  # every session, none lost
    line = re.search(r'<polyline class="line series-a" points="([^"]*)"/>', many).group(1)
    # Each dot sits on the line's corner for its session.
    assert [tuple(p.split(",")) for p in line.split()] == re.findall(r"M([\d.]+) ([\d.]+)h0", dots)


@pytest.mark.parametrize(
    ("left", "right", "flagged"),
    [(10, 9, False), (10, 8, True), (20, 18, False), (9, 10, False), (8, 10, True)],
    ids=["10-percent", "20-percent", "exactly-10", "left-weaker-10", "left-weaker-20"],
)
def test_left_against_right_flags_a_difference_over_ten_percent(signed_in, left, right, flagged):
    sync(signed_in, a_session(days_ago(1), *one_sided(left, right)))
    page = text(signed_in.get("/history/progress/clamshell"))
    assert ("data-side-flag" in page) is flagged
    if flagged:
        weaker = "right" if right < left else "left"
        assert f"Your {weaker} side did 20% less." in page
        assert "runpt&#39;s convention" in page or "runpt's convention" in page  # not rule 3


def test_load_gets_its_own_chart_and_best(signed_in):
    for days, load in ((9, 10), (2, 12.5)):
        sync(
            signed_in, a_session(days_ago(days), {"exercise": "romanian-deadlift", "load_kg": load})
        )
    page = text(signed_in.get("/history/progress/romanian-deadlift"))
    assert 'id="load-chart"' in page
    assert "Heaviest load: <strong>12.5 kg</strong>" in page


def test_progress_of_an_unknown_exercise_is_not_found(signed_in):
    assert signed_in.get("/history/progress/moonwalk").status_code == 404


# --- pain over time ----------------------------------------------------------------


def test_pain_per_session_and_per_running_problem(signed_in):
    achilles = {"routine": "achilles-care"}
    sync(signed_in, a_session(days_ago(8), {"exercise": "eccentric-heel-drop", "pain": 6},
                              **achilles))  # fmt: skip
    sync(signed_in, a_session(days_ago(1), {"exercise": "eccentric-heel-drop", "pain": 2},
                              {"exercise": "glute-bridge", "pain": 0}, **achilles))  # fmt: skip
    page = text(signed_in.get("/history/pain"))
    assert "Latest: <strong>2</strong> (safe)" in page
    assert 'data-pain-problem="achilles"' in page  # the routine trains Achilles pain
    assert 'id="pain-all"' in page and 'class="band band-too-much"' in page
    # The table gives the same numbers in words.
    assert re.search(r"<td>6</td><td>too much</td>", page)


def test_no_pain_logged_says_so(signed_in):
    sync(signed_in, a_session(days_ago(1), {"pain": None}))
    assert "No pain logged yet" in text(signed_in.get("/history/pain"))


# --- the next-morning check ----------------------------------------------------------


def test_the_morning_answer_is_an_event_shown_with_its_session(signed_in):
    events = a_session(days_ago(1), {"pain": 3})
    sync(signed_in, events)
    session = events[0]["session"]
    [result] = sync(signed_in, [morning(session, "worse", days_ago(0, hour=0))])
    assert result["status"] == "accepted"
    detail = text(signed_in.get(f"/history/sessions/{session}"))
    assert "Next morning: <strong>worse</strong>" in detail
    [api] = signed_in.get("/api/sessions").get_json()["sessions"]
    assert api["morning"] == "worse" and len(api["sets"]) == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"feel": "awful"}, "data.feel: must be 'better', 'same' or 'worse'"),
        ({}, "data.feel: must be 'better', 'same' or 'worse'"),
        ({"feel": "same", "mood": 2}, "data.mood: is not a field of this event type"),
    ],
    ids=["unknown-feeling", "missing", "extra-field"],
)
def test_a_bad_morning_answer_is_rejected_with_its_reason(signed_in, app, data, error):
    [result] = sync(signed_in, [event("morning.checked", new_session(), data)])
    assert result == {"id": result["id"], "status": "rejected", "error": error}


def test_home_asks_about_yesterdays_session_done_on_another_device(signed_in):
    events = a_session(days_ago(1), {"reps": 10})
    sync(signed_in, events)
    home = text(signed_in.get("/"))
    assert f'data-session="{events[0]["session"]}" data-kind="session"' in home
    sync(signed_in, [morning(events[0]["session"], "better", days_ago(0, hour=0))])
    assert "data-morning-item" not in text(signed_in.get("/"))


def test_home_does_not_ask_about_an_old_or_unfinished_session(signed_in):
    sync(signed_in, a_session(days_ago(5), {"reps": 10}))
    assert "data-morning-item" not in text(signed_in.get("/"))
    sync(signed_in, a_session(days_ago(1), {"reps": 10}, done=False))
    assert "data-morning-item" not in text(signed_in.get("/"))


# --- export and the physio report ----------------------------------------------------


def test_export_json_has_every_event_and_the_derived_sessions(signed_in, app):
    events = a_session(days_ago(2), {"reps": 10, "note": "fine"}, {"reps": 9})
    sync(signed_in, events)
    sync(signed_in, [morning(events[0]["session"], "same", days_ago(1))])
    other = other_runner(app)
    sync(other, a_session(days_ago(1), {"note": "someone else's"}))
    response = signed_in.get("/history/export.json")
    assert "attachment" in response.headers["Content-Disposition"]
    body = json.loads(text(response))
    assert body["format"] == "runpt-export-1"
    assert body["runner"]["email"] == "runner@example.com"
    assert sorted(e["id"] for e in body["events"]) == sorted(
        [e["id"] for e in events] + [body["events"][-1]["id"]]
    )
    assert {e["type"] for e in body["events"]} == {
        "session.started", "set.logged", "session.finished", "morning.checked"
    }  # fmt: skip
    assert "someone else's" not in text(response)
    [session] = body["sessions"]
    assert session["morning"] == "same" and len(session["sets"]) == 2
    assert session["started_at"].endswith("+01:00")  # the runner's own clock


def test_export_csv_of_events_and_sessions_opens_safely_in_a_spreadsheet(signed_in):
    sync(signed_in, a_session(days_ago(1), {"reps": 10, "note": '=HYPERLINK("x")'}))
    rows = list(csv.DictReader(io.StringIO(text(signed_in.get("/history/export/events.csv")))))
    assert [r["type"] for r in rows] == ["session.started", "set.logged", "session.finished"]
    assert rows[1]["reps"] == "10" and rows[1]["exercise"] == "glute-bridge"
    assert rows[1]["note"] == '\'=HYPERLINK("x")'  # text, never a formula
    sessions = list(
        csv.DictReader(io.StringIO(text(signed_in.get("/history/export/sessions.csv"))))
    )
    assert len(sessions) == 1 and sessions[0]["sets"] == "1"
    assert signed_in.get("/history/export/secrets.csv").status_code == 404


def joined(app, days: int) -> None:
    """Make the (only) runner's account `days` old."""
    from runpt.auth.models import User

    with app.app_context():
        user = db.session.scalars(select(User)).one()
        user.created_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_the_physio_report_covers_eight_weeks_of_adherence_pain_and_levels(signed_in, app):
    joined(app, 100)
    sync(signed_in, a_session(days_ago(70), {"pain": 9}))  # before the 8 weeks
    sync(signed_in, a_session(days_ago(14), {"pain": 3, "reps": 12}))
    plank = {"exercise": "side-plank", "hold_s": 30, "side": "left"}
    sync(signed_in, a_session(days_ago(7), {"pain": 1, "reps": 14, "level": 2}, plank))
    page = text(signed_in.get("/history/report"))
    assert "<strong>2</strong> sessions (aim: 16–24" in page
    assert "Latest 1, highest 3 over 2 sessions" in page
    levels = re.search(r"data-report-levels.*?</table>", page, re.S).group(0)
    assert "Marching bridge" in levels  # glute bridge's second harder rung
    assert "14 reps" in levels and "Side plank" in levels
    assert 'id="report-pain"' in page


# --- the offline set keeps history ---------------------------------------------------


def kept_pages(client) -> dict:
    """The runner's pages unit of the offline set, as the service worker fetches it."""
    return client.get("/offline/units?pages=1").get_json()["units"][0]


def test_history_pages_are_kept_offline_and_refreshed_after_new_logs(signed_in):
    before = kept_pages(signed_in)
    assert "/history/" in before["pages"] and "/history/report" in before["pages"]
    routines_before = signed_in.get("/offline/urls").get_json()["routines"]
    events = a_session(days_ago(1), {"reps": 10})
    sync(signed_in, events)
    after = kept_pages(signed_in)
    assert f"/history/sessions/{events[0]['session']}" in after["pages"]
    assert "/history/progress/glute-bridge" in after["pages"]
    assert after["version"] != before["version"]
    # Steps show "last time": a routine with the exercise logged is fetched again, one
    # without it is not.
    old = {r["id"]: r["version"] for r in routines_before}
    changed = {r["id"] for r in signed_in.get("/offline/urls").get_json()["routines"]
               if old[r["id"]] != r["version"]}  # fmt: skip
    with_bridge = {
        r["id"]
        for r in routines_before
        if "glute-bridge" in signed_in.get(f"/offline/routines/{r['id']}").get_data(as_text=True)
    }
    assert changed == with_bridge and 0 < len(changed) < len(old)


def test_history_pages_say_how_old_their_data_is(signed_in):
    for url in ("/history/", "/history/pain", "/history/progress", "/history/report"):
        made = re.search(r'data-as-of="([^"]+)"', text(signed_in.get(url))).group(1)
        assert abs(datetime.fromisoformat(made) - utcnow()) < timedelta(minutes=1)


# --- summaries stay derived from events --------------------------------------------


def test_summaries_are_rebuilt_from_events_and_removed_with_the_account(signed_in, app):
    sync(signed_in, a_session(days_ago(1), {"reps": 10}))
    signed_in.get("/history/")
    with app.app_context():
        db.session.execute(db.update(SessionSummary).values(set_count=99, event_count=1))
        db.session.commit()
    assert "1 set" in text(signed_in.get("/history/"))  # the wrong count is corrected
    signed_in.post("/history/training-days", data={"day": ["1"], "time": "07:00"})
    response = signed_in.post("/auth/delete", data={"password": "long-enough-1"})
    assert response.status_code == 200
    with app.app_context():
        for model in (SessionSummary, RunnerSettings):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_another_runners_history_is_never_shown(signed_in, app):
    sync(signed_in, a_session(days_ago(1), {"note": "private note"}))
    other = other_runner(app)
    for url in ("/history/", "/history/progress", "/history/pain", "/history/report",
                "/history/progress/glute-bridge", "/history/export.json"):  # fmt: skip
        body = text(other.get(url))
        assert "private note" not in body and "runner@example.com" not in body
    assert "No sessions yet" in text(other.get("/history/"))


def test_many_stale_summaries_are_rebuilt_at_once_and_one_without_events_dropped(signed_in, app):
    """More sessions out of date than one batch of 500 (as after the migration that added
    summaries, for a runner with years of logs), and a summary whose events are gone."""
    import uuid

    from runpt.auth.models import User
    from runpt.log.ingest import ingest
    from runpt.log.summaries import current_summaries

    events = []
    for n in range(510):
        events += a_session(days_ago(n // 3 + 1, hour=6 + n % 3), {"reps": 10}, done=False)
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        for start in range(0, len(events), 500):
            ingest(user.id, events[start : start + 500])
        assert len(current_summaries(user)) == 510
        db.session.execute(db.update(SessionSummary).values(set_count=99, event_count=1))
        gone = uuid.uuid4()
        db.session.add(
            SessionSummary(
                user_id=user.id, session_id=gone, event_count=2, routine=None,
                started_at=days_ago(0), offset_min=60, finished_at=None, set_count=1,
                highest_pain=None, pain_by_exercise={}, morning=None,
            )
        )  # fmt: skip
        db.session.commit()
        summaries = current_summaries(user)
        assert len(summaries) == 510 and gone not in {s.session_id for s in summaries}
        assert {(s.event_count, s.set_count) for s in summaries} == {(2, 1)}
        assert db.session.scalar(select(func.count()).select_from(SessionSummary)) == 510


def test_progress_of_a_one_sided_exercise_logged_on_one_side_only_draws_that_side(signed_in):
    """A runner who only ever did the right side (the left one hurt, or was skipped)
    still gets a chart: it was a server error."""
    sync(signed_in, a_session(days_ago(2), {"exercise": "side-plank", "hold_s": 30,
                                            "side": "right"}))  # fmt: skip
    page = signed_in.get("/history/progress/side-plank")
    assert page.status_code == 200
    assert "Total seconds held per side in 1 sessions" in text(page)
