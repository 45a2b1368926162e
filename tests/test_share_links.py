"""Share links: a runner hands a physio a read-only link to their report and progress,
chooses how long it works, sees when it was last opened and can revoke it at once. The
link opens the runner's own pages, never anyone else's, sets no cookie and tells guessers
nothing."""

import hashlib
import re
import secrets
from datetime import timedelta, timezone

import pytest
from sqlalchemy import select, update

from runpt.extensions import db
from runpt.sharing import links
from runpt.sharing.models import ShareLink
from runpt.timestamps import utcnow
from tests.events import event, finished, logged, new_session, started
from tests.helpers import AuthActions
from tests.test_ownership import everything
from tests.test_units import in_pounds

RUNNER = "runner@example.com"
OTHER = "other@example.com"


def sync(client, events) -> None:
    response = client.post("/api/sync", json={"events": events})
    assert response.status_code == 200
    assert {r["status"] for r in response.get_json()["results"]} == {"accepted"}


def a_session(exercise: str, pain: int, note: str, feel: str = "better") -> list[dict]:
    session = new_session()
    return [
        started(session),
        logged(session, exercise, 1, pain=pain, note=note),
        logged(session, exercise, 2, pain=pain),
        finished(session),
        event("morning.checked", session, {"feel": feel}),
    ]


def make_link(client, days: str = "30", label: str = "Dr Okafor, physio") -> str:
    """A link made through the form; its path, as the runner copies it."""
    response = client.post("/sharing", data={"days": days, "label": label})
    assert response.status_code == 303 and response.headers["Location"] == "/sharing"
    page = client.get("/sharing").get_data(as_text=True)
    url = re.search(r'id="new-link-url"[^>]*value="([^"]+)"', page).group(1)
    assert url.startswith("http://localhost/shared/")
    return url.removeprefix("http://localhost")


@pytest.fixture
def shared(signed_in):
    """The first runner, with sessions of clamshells (pain 4, a note) and a link to them."""
    sync(signed_in, a_session("clamshell", 4, "left hip twinge", feel="worse"))
    return make_link(signed_in)


@pytest.fixture
def second(app):
    """A second runner, signed in with remember me, with sessions of their own."""
    client = app.test_client()
    auth = AuthActions(client)
    assert auth.register(email=OTHER).status_code == 302
    auth.logout()
    assert auth.login(email=OTHER, remember=True).status_code == 302
    sync(client, a_session("side-plank", 7, "second runner's note"))
    return client


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


# --- making a link -----------------------------------------------------------------------


def test_a_link_holds_256_random_bits_and_only_their_hash_is_stored(shared, app):
    token = shared.removeprefix("/shared/")
    # secrets.token_urlsafe(32): 32 random bytes, 43 base64url characters.
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    with app.app_context():
        stored = db.session.scalar(select(ShareLink))
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in repr(everything())


def test_the_new_link_is_shown_once(signed_in, shared):
    again = signed_in.get("/sharing").get_data(as_text=True)
    assert shared not in again and "data-new-link" not in again
    assert "Dr Okafor, physio" in again and "Not opened yet" in again


@pytest.mark.parametrize("days", [7, 30, 90])
def test_a_link_works_for_the_days_chosen_and_not_a_moment_longer(signed_in, app, days):
    path = make_link(signed_in, days=str(days))
    token = path.removeprefix("/shared/")
    with app.app_context():
        link = db.session.scalar(select(ShareLink))
        assert link.expires_at - link.created_at == timedelta(days=days)
        almost = link.created_at + timedelta(days=days) - timedelta(seconds=1)
        assert links.opened_link(token, now=almost) is not None
        assert links.opened_link(token, now=link.expires_at) is None


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"days": "5"}, "Choose how long the link works: 7, 30 or 90 days."),
        ({}, "Choose how long the link works: 7, 30 or 90 days."),
        ({"days": "30", "label": "n" * 81}, "Keep the name under 80 characters."),
        ({"days": "30", "label": "An\x00na"}, "invisible control character"),
    ],
)
def test_a_bad_link_form_is_refused_with_what_to_fix(signed_in, app, form, message):
    with app.app_context():
        before = everything()
    response = signed_in.post("/sharing", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert everything() == before


def test_a_runner_can_have_twenty_links_open_at_once(signed_in, app):
    for _ in range(links.MAX_OPEN_LINKS):
        assert signed_in.post("/sharing", data={"days": "7"}).status_code == 303
    response = signed_in.post("/sharing", data={"days": "7"})
    assert response.status_code == 400
    assert "revoke one you no longer need" in response.get_data(as_text=True)


# --- what a link opens -------------------------------------------------------------------


def test_opening_a_link_needs_no_account_and_shows_the_report(shared, app):
    visitor = app.test_client()
    response = visitor.get(shared)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Adherence, pain trend, next-morning answers and ladder levels, as on the runner's page.
    for section in ("data-adherence", "data-report-pain", "data-report-levels",
                    "data-report-capacity", "data-report-running"):  # fmt: skip
        assert section in page
    assert "Clamshell" in page and "Next morning compared with before" in page
    assert "worse 1" in page
    # Nothing that names the runner or suggests a signed-in session.
    assert RUNNER not in page
    assert "Log out" not in page and 'aria-label="Main"' not in page
    assert "js/main.js" not in page and "outbox.js" not in page
    assert '<meta name="robots" content="noindex">' in page


def test_a_link_page_is_noindex_no_store_and_sets_no_cookie(shared, app):
    for path in (shared, f"{shared}/progress", f"{shared}/progress/clamshell"):
        response = app.test_client().get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert set_cookies(response) == []
        assert "X-Runpt-User" not in response.headers


def test_progress_through_a_link_stays_inside_the_link(shared, app):
    visitor = app.test_client()
    index = visitor.get(f"{shared}/progress").get_data(as_text=True)
    assert f'href="{shared}/progress/clamshell"' in index
    page = visitor.get(f"{shared}/progress/clamshell").get_data(as_text=True)
    assert "Bests" in page and "data-progress-table" in page
    # No way from a shared page into anyone's own pages.
    assert "/history/" not in index and "/history/" not in page
    assert RUNNER not in page


def test_a_signed_in_viewer_sees_the_link_owners_data_and_their_own_cookies_stay(shared, second):
    """The physio may also be a runpt runner: the link still shows the runner who made
    it, and the response neither sets, refreshes nor clears any of the viewer's cookies,
    whether their browser sends a session cookie or only remember-me."""
    session_before = second.get_cookie("session").value
    for _ in range(2):
        response = second.get(shared)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "Clamshell" in page and "Side plank" not in page
        assert OTHER not in page and RUNNER not in page
        assert set_cookies(response) == []
        assert "X-Runpt-User" not in response.headers
        second.delete_cookie("session")  # the second round: only remember-me is sent
    second.set_cookie("session", session_before)
    assert second.get("/history/progress").status_code == 200  # still signed in
    progress = second.get(f"{shared}/progress").get_data(as_text=True)
    assert "Clamshell" in progress and "Side plank" not in progress


def test_loads_show_in_the_sharing_runners_unit_whoever_opens_the_link(signed_in, second):
    """The runner trains in pounds; the physio, signed in to runpt in kg, reads pounds."""
    in_pounds(signed_in)
    session = new_session()
    sync(signed_in, [started(session), logged(session, "romanian-deadlift", 1, reps=8,
                                              load_kg=11.34), finished(session)])  # fmt: skip
    link = make_link(signed_in)
    for viewer in (second, second.application.test_client()):
        page = viewer.get(f"{link}/progress/romanian-deadlift").get_data(as_text=True)
        assert "Heaviest load: <strong>25 lb</strong>" in page and " kg" not in page


def test_each_runners_link_opens_only_their_own_data(shared, second, app):
    theirs = make_link(second)
    mine_page = app.test_client().get(shared).get_data(as_text=True)
    their_page = app.test_client().get(theirs).get_data(as_text=True)
    assert "Clamshell" in mine_page and "Side plank" not in mine_page
    assert "Side plank" in their_page and "Clamshell" not in their_page
    # The token picks the runner, whatever exercise the URL names.
    progress = app.test_client().get(f"{shared}/progress/side-plank").get_data(as_text=True)
    assert "nothing logged yet" in progress and "Bests" not in progress


# --- links that open nothing -------------------------------------------------------------


def guesses(real: str) -> list[str]:
    token = real.removeprefix("/shared/")
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    stored = hashlib.sha256(token.encode()).hexdigest()
    return [secrets.token_urlsafe(32), changed, token[:-1], token + "A", stored, "1", "x" * 5000]


def test_guessed_tokens_are_not_found_and_say_nothing_about_the_runner(shared, app):
    for guess in guesses(shared):
        for path in (f"/shared/{guess}", f"/shared/{guess}/progress/clamshell"):
            response = app.test_client().get(path)
            assert response.status_code == 404, path
            page = response.get_data(as_text=True)
            assert "There is nothing here." in page
            assert RUNNER not in page and "Clamshell" not in page
            assert set_cookies(response) == []
            assert response.headers["X-Robots-Tag"] == "noindex"


def test_a_revoked_link_is_not_found_at_once(shared, signed_in, app):
    with app.app_context():
        link_id = db.session.scalar(select(ShareLink.id))
    assert app.test_client().get(shared).status_code == 200
    response = signed_in.post(f"/sharing/{link_id}/revoke")
    assert response.status_code == 303
    for path in (shared, f"{shared}/progress", f"{shared}/progress/clamshell"):
        gone = app.test_client().get(path)
        assert gone.status_code == 404
        assert "Clamshell" not in gone.get_data(as_text=True)
    page = signed_in.get("/sharing").get_data(as_text=True)
    assert "revoked" in page.split("Ended", 1)[1]


def test_an_expired_link_is_not_found(shared, app):
    with app.app_context():
        db.session.execute(update(ShareLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = app.test_client().get(shared)
    assert response.status_code == 404
    assert "Clamshell" not in response.get_data(as_text=True)


def test_another_runner_can_neither_see_nor_revoke_a_runners_links(shared, second, app):
    with app.app_context():
        link_id = db.session.scalar(select(ShareLink.id))
        before = everything()
    assert second.post(f"/sharing/{link_id}/revoke").status_code == 404
    assert "Dr Okafor, physio" not in second.get("/sharing").get_data(as_text=True)
    with app.app_context():
        assert everything() == before
    assert app.test_client().get(shared).status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_link_changes_nothing(shared, app, method):
    with app.app_context():
        before = everything()
    response = app.test_client().open(shared, method=method, data={"days": "90"})
    assert response.status_code == 405
    assert set_cookies(response) == []
    assert "Clamshell" not in response.get_data(as_text=True)
    with app.app_context():
        after = everything()
        # Requests to a link are counted against the address (the rate limit) only.
        after.pop("login_attempt"), before.pop("login_attempt")
        assert after == before


# --- last opened, and the rate limit ---------------------------------------------------


def test_the_runner_sees_when_a_link_was_last_opened_written_at_most_once_a_minute(
    shared, signed_in, app
):
    visitor = app.test_client()
    visitor.get(shared)
    with app.app_context():
        first = db.session.scalar(select(ShareLink.last_opened_at))
    assert first is not None
    visitor.get(f"{shared}/progress")
    with app.app_context():
        assert db.session.scalar(select(ShareLink.last_opened_at)) == first
        link = db.session.scalar(select(ShareLink))
        links.note_opened(link, now=first + timedelta(seconds=59))
        assert db.session.scalar(select(ShareLink.last_opened_at)) == first
        later = first + timedelta(minutes=1, seconds=1)
        links.note_opened(link, now=later)
        assert db.session.scalar(select(ShareLink.last_opened_at)) == later
    page = signed_in.get("/sharing").get_data(as_text=True)
    seen = later.astimezone(timezone(timedelta(hours=1)))  # the runner's clock (tests.events)
    assert f"Last opened {seen:%-d %b %Y, %H:%M}</p>" in page


def test_links_that_open_nothing_are_rate_limited_per_address(shared, app):
    app.config["SHARE_RATE_LIMIT"] = 3
    guesser = app.test_client()
    here = {"REMOTE_ADDR": "203.0.113.7"}
    answers = [guesser.get(f"/shared/{secrets.token_urlsafe(32)}", environ_base=here)
               for _ in range(3)]  # fmt: skip
    assert [a.status_code for a in answers] == [404] * 3
    # Over the limit, more guesses answer 429 from that address, saying nothing.
    refused = guesser.get(f"/shared/{secrets.token_urlsafe(32)}", environ_base=here)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Wait 15 minutes" in page and "Clamshell" not in page
    assert set_cookies(refused) == []
    # Junk from the physio's network doesn't lock them out of the real link (round 2
    # locked it for 15 minutes), and another address is not held up either.
    assert guesser.get(shared, environ_base=here).status_code == 200
    assert guesser.get(shared, environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 200


def test_deleting_the_account_deletes_its_links(shared, signed_in, app):
    response = signed_in.post("/auth/delete", data={"password": "long-enough-1"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalars(select(ShareLink)).all() == []
    assert app.test_client().get(shared).status_code == 404
