"""Times in the runner's own zone everywhere (the offset of their latest log): a share
link's "last opened", made and ended, and a device's sign-in. Never a bare UTC time."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from runpt.extensions import db
from runpt.sharing.models import ShareLink
from tests.events import finished, logged, new_session, started

OPENED = datetime(2026, 11, 9, 12, 30, tzinfo=UTC)


def log_from(client, hours_east: int):
    zone = timezone(timedelta(hours=hours_east))
    session = new_session()
    when = datetime(2026, 11, 8, 9, 0, tzinfo=zone).isoformat()
    events = [started(session, at=when), finished(session, at=when)]
    assert client.post("/api/sync", json={"events": events}).status_code == 200


@pytest.mark.parametrize(
    ("hours_east", "shown"),
    [(13, "Last opened 10 Nov 2026, 01:30"), (-10, "Last opened 9 Nov 2026, 02:30")],
    ids=["utc+13", "utc-10"],
)
def test_a_links_last_opening_is_shown_on_the_runners_clock(signed_in, app, hours_east, shown):
    log_from(signed_in, hours_east)
    signed_in.post("/sharing", data={"days": "30", "label": "Physio"})
    with app.app_context():
        db.session.execute(update(ShareLink).values(last_opened_at=OPENED))
        db.session.commit()
        assert db.session.scalar(select(ShareLink.last_opened_at)) == OPENED
    page = signed_in.get("/sharing").get_data(as_text=True)
    assert f"{shown}</p>" in page
    assert " UTC" not in page


def test_the_new_link_has_copy_and_a_share_button_for_browsers_that_share(signed_in):
    signed_in.post("/sharing", data={"days": "30", "label": "Physio"})
    page = signed_in.get("/sharing").get_data(as_text=True)
    assert 'data-copy-link="new-link-url"' in page
    assert ">Copy</button>" in page
    assert "data-share hidden>Share</button>" in page  # shown by the page where it can work


def test_the_progress_list_gives_the_last_day_on_the_runners_clock(signed_in):
    zone = timezone(timedelta(hours=-10))
    session = new_session()
    evening = datetime(2026, 11, 9, 20, 0, tzinfo=zone)  # 06:00 on the 10th in UTC
    events = [started(session, at=evening.isoformat()), logged(session, at=evening.isoformat())]
    assert signed_in.post("/api/sync", json={"events": events}).status_code == 200
    page = signed_in.get("/history/progress").get_data(as_text=True)
    assert "last 9 Nov 2026" in page
