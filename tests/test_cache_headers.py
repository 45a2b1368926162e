"""No HTTP cache keeps a runner's data: the API, exports, the offline URL list and every
page for a signed-in runner are `Cache-Control: no-store`. What is the same for everyone
keeps its own caching."""

import pytest

from tests.events import logged, new_session, started
from tests.test_routines import HTMX, create

PERSONAL_GETS = [
    "/api/sessions",
    "/history/export.json",
    "/history/export/events.csv",
    "/history/export/sessions.csv",
    "/history/training-days.ics",
    "/offline/urls",
    "/",
    "/routines",
    "/history/",
    "/history/sessions",
    "/auth/account",
    "/library/glute-bridge",
    "/sharing",
    "/no-such-page",
]


@pytest.fixture
def runner_with_logs(signed_in):
    session = new_session()
    response = signed_in.post("/api/sync", json={"events": [started(session), logged(session)]})
    assert response.status_code == 200
    return signed_in


@pytest.mark.parametrize("path", PERSONAL_GETS)
def test_everything_a_signed_in_runner_gets_is_no_store(runner_with_logs, path):
    response = runner_with_logs.get(path)
    assert response.status_code in (200, 404), path
    assert response.headers["Cache-Control"] == "no-store"


def test_sync_answers_and_api_refusals_are_no_store(client, signed_in):
    answer = signed_in.post("/api/sync", json={"events": [logged(new_session())]})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    refused = client.application.test_client().get("/api/sessions")
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"


def test_pages_and_fragments_still_say_whose_they_are(signed_in, app):
    """The service worker keeps a page only for the runner named in X-Runpt-User."""
    from sqlalchemy import select

    from runpt.auth.models import User
    from runpt.extensions import db

    with app.app_context():
        user_id = db.session.scalar(select(User.id))
    routine = create(signed_in, "Mine", "glute-bridge")
    for path, headers in [("/", {}), (f"/session/{routine}/steps/0", HTMX)]:
        response = signed_in.get(path, headers=headers)
        assert response.status_code == 200
        assert response.headers["X-Runpt-User"] == str(user_id)
        assert response.headers["Cache-Control"] == "no-store"
        assert "Cookie" in response.headers["Vary"]
    # JSON carries its runner in the body, not the header the worker reads for pages.
    assert "X-Runpt-User" not in signed_in.get("/offline/urls").headers


def test_files_that_are_the_same_for_everyone_keep_their_caching(signed_in):
    with signed_in.get("/static/app.css") as css:
        assert css.status_code == 200
        assert "no-store" not in css.headers.get("Cache-Control", "")
    worker = signed_in.get("/sw.js")
    assert worker.headers["Cache-Control"] == "no-cache"
    manifest = signed_in.get("/manifest.webmanifest")
    assert "no-store" not in manifest.headers.get("Cache-Control", "")


def test_pages_for_visitors_are_not_marked_personal(client):
    page = client.get("/library/glute-bridge")
    assert page.status_code == 200
    assert "X-Runpt-User" not in page.headers
    assert "no-store" not in page.headers.get("Cache-Control", "")


def test_pages_opened_with_a_share_link_are_no_store_for_anyone(client, signed_in):
    """A physio's browser has no runpt session, so the signed-in rule above doesn't reach
    it: link pages are no-store (and noindex) on their own, found or not."""
    assert signed_in.post("/sharing", data={"days": "7"}).status_code == 303
    page = signed_in.get("/sharing").get_data(as_text=True)
    link = page.split('value="http://localhost', 1)[1].split('"', 1)[0]
    visitor = client.application.test_client()
    for path in (link, f"{link}/progress", f"{link}/progress/clamshell", "/shared/nothing"):
        response = visitor.get(path)
        assert response.status_code in (200, 404), path
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Robots-Tag"] == "noindex"
