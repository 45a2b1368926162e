"""Logging in or signing up comes back to where the runner was: a routine's link they
opened signed out, through sign-up and the first-run questions; and a form sent after the
sign-in ended (expired, or signed out on another device) comes back to the page it was
sent from, never to its own URL (a 405) and never to another site."""

import html
import json
import random
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import delete, select, update

from runpt.auth.models import SignIn
from runpt.extensions import db
from runpt.pages.auth import SIGNED_OUT
from runpt.routines.models import Routine
from runpt.sharing import documents
from runpt.timestamps import utcnow
from tests.helpers import AuthActions
from tests.test_ownership import everything
from tests.test_routine_documents import good_document, own_routines, upload

PASSWORD = "long-enough-1"
EVIL = [
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example/phish",
    "/\t/evil.example/phish",
    "javascript:alert(1)",
    "evil.example",
]


def link_path(document: dict | None = None) -> str:
    return "/routines/open?" + "r=" + documents.link_code(document or good_document())


def href(page: str, marker: str) -> str:
    """The address of the link marked `data-<marker>` on a page."""
    found = re.search(rf'href="([^"]+)" {marker}', page) or re.search(
        rf'<a [^>]*href="([^"]+)"[^>]*{marker}', page
    )
    return html.unescape(found.group(1))


def form_action(page: str) -> str:
    return html.unescape(re.search(r'<form method="post" action="([^"]*)"', page).group(1))


def next_of(url: str) -> str | None:
    if "next=" not in url:
        return None
    return unquote(url.split("next=", 1)[1])


def answers() -> dict:
    return {"aim": ["knee-pain"], "day": ["1", "4"]}


# --- signing up from a routine's link ------------------------------------------------------


def test_signing_up_from_a_routine_link_asks_two_questions_then_comes_back_to_add_it(client, app):
    path = link_path()
    page = client.get(path).get_data(as_text=True)
    assert "Add to my routines" not in page
    sign_up = href(page, "data-register")
    assert next_of(sign_up) == path
    # The header's Log in comes back here too.
    header = re.search(r"<header.*?</header>", page, re.S).group(0)
    assert next_of(html.unescape(re.search(r'href="([^"]+)">Log in</a>', header).group(1))) == path

    form = client.get(sign_up).get_data(as_text=True)
    assert next_of(form_action(form)) == path
    # Already have an account? The login link keeps the way back too.
    assert next_of(href(form, "data-login")) == path

    response = client.post(
        form_action(form), data={"email": "new@example.com", "password": PASSWORD}
    )
    first_run = response.headers["Location"]
    assert first_run.startswith("/get-started?next=") and next_of(first_run) == path
    questions = client.get(first_run).get_data(as_text=True)
    assert "then back to where you were" in questions
    assert next_of(form_action(questions)) == path
    assert href(questions, "data-not-now") == path  # skipping the questions comes back too

    response = client.post(form_action(questions), data=answers())
    assert (response.status_code, response.headers["Location"]) == (302, path)
    page = client.get(path).get_data(as_text=True)
    code = re.search(r'name="r" value="([^"]+)"', page).group(1)
    added = client.post("/routines/add", data={"r": code})
    assert added.status_code == 303
    assert [name for _, name, _ in own_routines(app)] == ["Knee plan from Dr Okafor"]


def test_a_refused_sign_up_or_login_keeps_the_way_back(client):
    path = link_path()
    refused = client.post(
        "/auth/register",
        query_string={"next": path},
        data={"email": "x@example.com", "password": "short"},
    )
    assert refused.status_code == 400
    assert next_of(form_action(refused.get_data(as_text=True))) == path
    refused = client.post(
        "/auth/login",
        query_string={"next": path},
        data={"email": "x@example.com", "password": "wrong-one-1"},
    )
    assert refused.status_code == 400
    assert next_of(form_action(refused.get_data(as_text=True))) == path


def test_skipping_the_questions_comes_back_to_the_link(client):
    path = link_path()
    response = client.post(
        "/auth/register",
        query_string={"next": path},
        data={"email": "new@example.com", "password": PASSWORD},
    )
    questions = client.get(response.headers["Location"]).get_data(as_text=True)
    back = client.get(href(questions, "data-not-now"))
    assert back.status_code == 200 and "Add to my routines" in back.get_data(as_text=True)


def test_signing_up_again_into_an_account_that_answered_goes_straight_back(client, app):
    auth = AuthActions(client)
    auth.register(email="runner@example.com")
    client.post("/get-started", data=answers())
    auth.logout()
    path = link_path()
    response = client.post(
        "/auth/register",
        query_string={"next": path},
        data={"email": "runner@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == path


def test_the_longest_routine_link_survives_the_way_back(client):
    """A link holds the whole routine: one near the longest runpt hands out (texts in a
    script that compresses badly) is still a `next` followed through sign-up."""
    rng = random.Random(17)

    def text(length: int) -> str:
        return "".join(chr(0x4E00 + rng.randrange(2000)) for _ in range(length))

    document = good_document() | {"name": text(120), "summary": text(500), "red_flags": text(500)}
    path = link_path(document)
    assert 3000 < len(path.split("r=", 1)[1]) <= documents.MAX_LINK_CODE
    response = client.post(
        "/auth/register",
        query_string={"next": path},
        data={"email": "new@example.com", "password": PASSWORD},
    )
    response = client.post(response.headers["Location"], data=answers())
    assert response.headers["Location"] == path
    assert "Add to my routines" in client.get(path).get_data(as_text=True)


def test_the_login_page_passes_the_way_back_on_to_sign_up(client):
    page = client.get("/auth/login", query_string={"next": "/routines"}).get_data(as_text=True)
    assert href(page, "data-register") == "/auth/register?next=/routines"
    # A page that names no way back keeps the header's Log in plain.
    assert '<a href="/auth/login">Log in</a>' in client.get("/library/").get_data(as_text=True)


# --- never to another site -----------------------------------------------------------------


@pytest.mark.parametrize("target", EVIL)
def test_sign_up_never_leads_to_another_site(client, target):
    form = client.get("/auth/register", query_string={"next": target}).get_data(as_text=True)
    assert form_action(form) == "/auth/register" and "evil" not in form
    response = client.post(
        "/auth/register",
        query_string={"next": target},
        data={"email": "new@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/get-started"


@pytest.mark.parametrize("target", EVIL)
def test_the_first_run_questions_never_lead_to_another_site(client, target):
    AuthActions(client).register()
    page = client.get("/get-started", query_string={"next": target}).get_data(as_text=True)
    assert "evil" not in page and href(page, "data-not-now") == "/"
    response = client.post("/get-started", query_string={"next": target}, data=answers())
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL)
def test_login_never_leads_to_another_site(client, target):
    AuthActions(client).register()
    AuthActions(client).logout()
    page = client.get("/auth/login", query_string={"next": target}).get_data(as_text=True)
    assert "evil" not in page
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": "runner@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


# --- a form sent after the sign-in ended -------------------------------------------------


def end_sign_in(app, how: str) -> None:
    with app.app_context():
        if how == "expired":
            past = utcnow() - timedelta(minutes=1)
            db.session.execute(update(SignIn).values(expires_at=past))
        else:  # signed out on another device: "Sign out of all other devices", say
            db.session.execute(delete(SignIn))
        db.session.commit()


@pytest.mark.parametrize("how", ["expired", "signed out elsewhere"])
@pytest.mark.parametrize("referer", [True, False])
def test_adding_a_routine_after_the_sign_in_ended_comes_back_to_its_link(client, app, how, referer):
    auth = AuthActions(client)
    auth.register()
    path = link_path()
    page = client.get(path).get_data(as_text=True)
    code = re.search(r'name="r" value="([^"]+)"', page).group(1)
    end_sign_in(app, how)
    with app.app_context():
        before = everything()

    headers = {"Referer": "http://localhost" + path} if referer else {}
    response = client.post("/routines/add", data={"r": code}, headers=headers)
    assert response.status_code == 302
    login = response.headers["Location"]
    assert login.startswith("/auth/login?next=") and next_of(login) == path
    with app.app_context():
        assert everything() == before  # nothing added on the way

    login_page = client.get(login)
    assert login_page.status_code == 200
    shown = html.unescape(login_page.get_data(as_text=True))
    assert SIGNED_OUT in shown and next_of(form_action(shown)) == path
    signed = client.post(
        form_action(shown), data={"email": "runner@example.com", "password": PASSWORD}
    )
    assert signed.headers["Location"] == path
    back = client.get(path)
    assert back.status_code == 200 and "Add to my routines" in back.get_data(as_text=True)
    assert client.post("/routines/add", data={"r": code}).status_code == 303
    assert len(own_routines(app)) == 1


def test_a_file_sent_after_the_sign_in_ended_comes_back_to_the_page_it_was_chosen_on(client, app):
    AuthActions(client).register()
    end_sign_in(app, "expired")
    response = upload(client, json.dumps(good_document()).encode())
    assert response.headers["Location"] == "/auth/login"  # no page said where it came from
    client.environ_base["HTTP_REFERER"] = "http://localhost/routines"
    response = upload(client, json.dumps(good_document()).encode())
    assert response.headers["Location"] == "/auth/login?next=/routines"
    assert own_routines(app) == []


@pytest.mark.parametrize(
    "referer",
    ["https://evil.example/routines", "http://localhost:8080/routines", "http://localhost//evil"],
)
def test_a_form_sent_from_elsewhere_never_comes_back_there(client, app, referer):
    response = client.post("/routines", data={"name": "x"}, headers={"Referer": referer})
    assert response.headers["Location"] == "/auth/login"


def test_an_htmx_form_after_the_sign_in_ended_sends_the_whole_page_to_log_in(client, app):
    """htmx would follow a redirect and put the login page inside the step list: it is
    told to go to the login page instead, which then comes back to the editor."""
    AuthActions(client).register()
    with app.app_context():
        routine = db.session.scalar(select(Routine).where(Routine.owner_id.is_(None)))
        routine_id = routine.id
    end_sign_in(app, "signed out elsewhere")
    editor = f"/routines/{routine_id}/edit"
    response = client.post(
        f"/routines/{routine_id}/steps",
        data={"exercise": "clamshell"},
        headers={"HX-Request": "true", "Referer": "http://localhost" + editor},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == f"/auth/login?next={editor}"
    assert "Location" not in response.headers


def test_opening_a_forms_address_as_a_page_says_what_to_do(client):
    """Where the old way back after logging in led: now a message a person can act on."""
    AuthActions(client).register()
    response = client.get("/routines/add")
    assert response.status_code == 405
    assert "Go back to the page with the form" in response.get_data(as_text=True)


def test_signing_in_again_to_sync_comes_back_to_the_page(signed_in):
    """The "Sign in again to sync" banner (shown when a sync answers 401) leads to the
    login page and back to the page the runner was on."""
    page = signed_in.get("/history/").get_data(as_text=True)
    link = re.search(r'id="signin-banner".*?href="([^"]+)"', page, re.S).group(1)
    assert link == "/auth/login?next=/history/"
