"""Every URL that names an object by id checks whose it is.

The routes are read from the app's URL map, so a route added later is tested here
without anyone remembering to: another runner's id answers 404 and changes nothing;
without a login, pages send to the login page and /api/* answers 401 JSON.
"""

import re
import tempfile

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, UUIDConverter

from runpt import create_app
from runpt.extensions import db
from tests.events import logged, new_session, started
from tests.test_routines import HTMX, create, other_runner, step_ids

# Routes whose arguments name nothing private: files, the public exercise library, and
# an exercise, a file kind or a capacity test's kind inside the signed-in runner's own history.
PUBLIC_WITH_ARGUMENTS = {
    "static", "library.exercise", "history.progress", "history.export_csv", "capacity.test",
}  # fmt: skip
# Routes whose argument is itself the key: a share link's token opens one runner's pages
# to whoever holds it (tests/test_share_links.py: guessed, expired, revoked tokens).
TOKEN_ROUTES = {
    "sharing.shared_report", "sharing.shared_progress_index", "sharing.shared_progress",
}  # fmt: skip

# How to name the first runner's own object for each argument a route can take. A new
# argument fails the test below until it is added here.
ID_ARGUMENTS = {"routine_id", "step_id", "index", "session_id", "link_id"}

# A form that would change something if ownership were not checked.
FORM = {"name": "Taken over", "summary": "x", "exercise": "side-plank", "direction": "down",
        "sets": "5", "reps": "5", "hold_s": "30", "rest_s": "5", "days": "90"}  # fmt: skip


def url_rules() -> list:
    """The app's routes; the app is made in a throwaway folder and never started."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "AUTO_MIGRATE": False,
                "INSTANCE_PATH": folder,
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }  # fmt: skip
        )
        return list(app.url_map.iter_rules())


def takes_an_id(rule) -> bool:
    converters = rule._converters.values()
    return any(isinstance(c, IntegerConverter | UUIDConverter) for c in converters)


RULES = url_rules()
# An old URL only redirects to its new one (runpt/pages/old_urls.py), which is checked.
ID_ROUTES = [
    (method, rule.rule)
    for rule in RULES
    if takes_an_id(rule) and rule.endpoint.split(".")[0] != "old_urls"
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
]
API_ROUTES = [
    (method, rule.rule)
    for rule in RULES
    if rule.rule.startswith("/api/")
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
]


def fill(rule: str, routine_id: int, step_id: int, session_id: str, link_id: int) -> str:
    """The rule's URL with the first runner's own routine, step, session and share link."""
    values = {"routine_id": routine_id, "step_id": step_id, "index": 0, "session_id": session_id,
              "link_id": link_id}  # fmt: skip

    def value(match) -> str:
        name = match.group(1).split(":")[-1]
        assert name in values, f"add how to make a {name!r} to ID_ARGUMENTS and fill()"
        return str(values[name])

    return re.sub(r"<([^>]+)>", value, rule)


def everything() -> dict:
    """Every row of every table, in primary-key order: any change shows up."""
    state = {}
    for table in db.metadata.sorted_tables:
        query = select(table).order_by(*table.primary_key.columns)
        state[table.name] = [tuple(row) for row in db.session.execute(query)]
    return state


@pytest.fixture
def owned(signed_in, app):
    """The first runner's routine with two steps, a logged session and a share link;
    (routine, step, session, link)."""
    from runpt.sharing.models import ShareLink

    routine_id = create(signed_in, "Private plan", "glute-bridge", "hip-circles")
    session = new_session()
    events = [started(session, routine=routine_id), logged(session, note="my knee")]
    assert signed_in.post("/api/sync", json={"events": events}).status_code == 200
    assert signed_in.post("/sharing", data={"days": "7"}).status_code == 303
    with app.app_context():
        link_id = db.session.scalar(select(ShareLink.id))
        return routine_id, step_ids(routine_id)[0], session, link_id


def test_the_route_list_comes_from_the_app_and_every_id_route_is_understood():
    rules = {rule for _, rule in ID_ROUTES}
    # The routes we know of today are all here (so the list is not silently empty).
    assert {
        "/routines/<int:routine_id>", "/routines/<int:routine_id>/edit",
        "/routines/<int:routine_id>/copy", "/routines/<int:routine_id>/delete",
        "/routines/<int:routine_id>/steps", "/routines/<int:routine_id>/steps/<int:step_id>/move",
        "/routines/<int:routine_id>/steps/<int:step_id>/dose",
        "/routines/<int:routine_id>/steps/<int:step_id>/delete",
        "/session/<int:routine_id>", "/session/<int:routine_id>/steps/<int:index>",
        "/history/sessions/<uuid:session_id>", "/sharing/<int:link_id>/revoke",
        "/routines/<int:routine_id>/export.json", "/routines/<int:routine_id>/share",
    } <= rules  # fmt: skip
    for rule in RULES:
        if rule.arguments and rule.endpoint not in PUBLIC_WITH_ARGUMENTS | TOKEN_ROUTES:
            assert takes_an_id(rule), f"{rule.rule}: say here whether its argument is private"
            assert rule.arguments <= ID_ARGUMENTS, f"{rule.rule}: teach fill() its arguments"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(("method", "rule"), ID_ROUTES)
def test_another_runners_id_is_not_found_and_nothing_changes(owned, app, method, rule, headers):
    url = fill(rule, *owned)
    other = other_runner(app)
    with app.app_context():
        before = everything()
    response = other.open(url, method=method, data=FORM, headers=headers)
    assert response.status_code == 404, url
    body = response.get_data(as_text=True)
    assert "There is nothing here." in body
    assert "Private plan" not in body and "my knee" not in body
    with app.app_context():
        assert everything() == before


@pytest.mark.parametrize(("method", "rule"), [r for r in ID_ROUTES if r[0] == "GET"])
def test_the_owner_can_open_each_of_these_pages(owned, signed_in, method, rule):
    """So the 404s above come from the ownership check, not from a wrong URL."""
    response = signed_in.open(fill(rule, *owned), method=method)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    # Each page or fragment names the routine or its first exercise.
    assert "Private plan" in body or "Glute bridge" in body


@pytest.mark.parametrize(("method", "rule"), ID_ROUTES)
def test_without_a_login_a_page_sends_to_the_login_page(owned, auth, app, method, rule):
    url = fill(rule, *owned)
    auth.logout()
    with app.app_context():
        before = everything()
    response = auth.client.open(url, method=method, data=FORM)
    if url.startswith("/api/"):
        assert response.status_code == 401
        assert "Sign in again" in response.get_json()["error"]
    else:
        assert response.status_code == 302
        # A page comes back to itself; a form's URL is no page to come back to (a 405).
        expected = f"/auth/login?next={url}" if method == "GET" else "/auth/login"
        assert response.headers["Location"] == expected
    with app.app_context():
        assert everything() == before


@pytest.mark.parametrize(("method", "rule"), API_ROUTES)
def test_without_a_login_the_api_answers_401_json(owned, auth, app, method, rule):
    auth.logout()
    with app.app_context():
        before = everything()
    body = {"events": [logged(new_session())]} if method == "POST" else None
    response = auth.client.open(rule, method=method, json=body)
    assert response.status_code == 401
    assert response.get_json() == {"error": "Sign in again to sync; your logs are kept until then."}
    assert "Location" not in response.headers
    with app.app_context():
        assert everything() == before
