"""Each word means one thing (docs/architecture.md, "Words"), and phones in the field
still hold the URLs runpt had before: in bookmarks, home-screen icons, pages kept
offline and the session in progress. Each old URL family answers with a permanent
redirect to its new URL, query string kept, a form's method and body kept (308); the
service worker maps the same paths with no signal (outbox.js `OLD_PATHS`); and no page
of runpt links to an old URL again."""

import re
from pathlib import Path

import pytest
from flask import url_for

from runpt.extensions import db
from runpt.pages.old_urls import OLD_URLS
from runpt.runner.models import settings_of
from tests.test_routines import create

ROOT = Path(__file__).resolve().parent.parent
RUNPT = ROOT / "runpt"


def worker_paths() -> list[tuple[re.Pattern, str]]:
    """outbox.js's OLD_PATHS, read as Python patterns: (old, what it is now)."""
    source = (RUNPT / "static" / "outbox.js").read_text()
    block = re.search(r"const OLD_PATHS = Object\.freeze\(\[(.*?)\]\);", source, re.S).group(1)
    pairs = re.findall(r'\[/(.+?)/, "(.+?)"\]', block)
    return [
        (re.compile(old.replace("\\/", "/")), re.sub(r"\$(\d)", r"\\\1", new)) for old, new in pairs
    ]


def current_path(path: str) -> str | None:
    """What the service worker answers an old path with (outbox.js `currentPath`)."""
    for old, new in worker_paths():
        if old.fullmatch(path):
            return old.sub(new, path)
    return None


def moved_paths(routine_id: int) -> list[tuple[str, str]]:
    """(old path, new path) for every old URL family, with a real routine."""
    return [
        (f"/run/{routine_id}", f"/session/{routine_id}"),
        (f"/run/{routine_id}/steps/1", f"/session/{routine_id}/steps/1"),
        ("/history/plan", "/history/training-days"),
        ("/history/plan.ics", "/history/training-days.ics"),
        ("/running/plan", "/running/stages"),
    ]


def test_every_old_url_family_redirects_to_its_new_url_with_its_query(signed_in):
    routine_id = create(signed_in, "Moved", "glute-bridge")
    signed_in.post("/history/training-days", data={"day": ["2"], "time": "07:00"})
    for old, new in moved_paths(routine_id):
        response = signed_in.get(old, query_string={"start": "1"})
        assert response.status_code == 308, old
        assert response.headers["Location"] == f"{new}?start=1", old
        # Followed, it is the page itself, not another redirect or a 404.
        assert signed_in.get(response.headers["Location"]).status_code == 200, new
    assert len(moved_paths(routine_id)) == len(OLD_URLS)


def test_a_redirect_with_no_query_adds_none(signed_in):
    routine_id = create(signed_in, "Moved", "glute-bridge")
    assert signed_in.get(f"/run/{routine_id}").headers["Location"] == f"/session/{routine_id}"


def test_a_query_with_bytes_that_are_not_utf8_is_redirected_as_sent(signed_in):
    routine_id = create(signed_in, "Moved", "glute-bridge")
    # As WSGI hands it over: each raw byte a latin-1 character (0xff here).
    raw = {"QUERY_STRING": "start=1&note=%FF\xff"}
    response = signed_in.get(f"/run/{routine_id}", environ_overrides=raw)
    assert response.status_code == 308
    assert response.headers["Location"] == f"/session/{routine_id}?start=1&note=%FF%FF"


def test_training_days_posted_from_a_page_kept_before_the_rename_are_saved(signed_in, app):
    """A form kept offline posts to /history/plan: 308 keeps the method and the body, so
    the days are saved at the new URL, not dropped on a GET."""
    response = signed_in.post("/history/plan", data={"day": ["1", "4"], "time": "18:30"})
    assert response.status_code == 308
    assert response.headers["Location"] == "/history/training-days"
    followed = signed_in.post("/history/plan", data={"day": ["1", "4"], "time": "18:30"},
                              follow_redirects=True)  # fmt: skip
    assert followed.status_code == 200 and "Training days saved." in followed.get_data(as_text=True)
    with app.app_context():
        from runpt.auth.models import User

        saved = settings_of(db.session.scalars(db.select(User)).one())
        assert (saved.days, saved.time_of_day) == ([1, 4], "18:30")


def test_an_old_url_still_sends_a_signed_out_phone_to_sign_in(client):
    """Redirected first, then the new URL asks for the login as every page does."""
    response = client.get("/run/1", follow_redirects=False)
    assert response.headers["Location"] == "/session/1"
    assert "/auth/login" in client.get("/session/1").headers["Location"]


def test_the_worker_maps_every_old_url_as_the_server_does(signed_in):
    routine_id = create(signed_in, "Moved", "glute-bridge")
    for old, new in moved_paths(routine_id):
        assert current_path(old) == new, old
        assert current_path(new) is None, new  # a new path is never moved again
    assert len(worker_paths()) == len(OLD_URLS)


def test_no_route_but_a_redirect_sits_at_an_old_path(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("old_urls."):
            continue
        sample = re.sub(r"<int:\w+>", "1", rule.rule)
        assert current_path(sample) is None, f"{rule.rule} ({rule.endpoint}) is an old path"


@pytest.mark.parametrize(
    ("endpoint", "arguments"),
    [("player.player", {"routine_id": 3}), ("player.step", {"routine_id": 3, "index": 0}),
     ("history.training_days", {}), ("history.training_days_ics", {}), ("running.stages", {})],
)  # fmt: skip
def test_url_for_makes_the_new_urls(app, endpoint, arguments):
    with app.test_request_context():
        made = url_for(endpoint, **arguments)
    assert current_path(made) is None and not made.startswith("/run/"), made


def test_pages_and_scripts_never_spell_an_old_path():
    """Templates, scripts and the app name no old path but in the lists of old paths."""
    lists = {RUNPT / "pages" / "old_urls.py", RUNPT / "static" / "outbox.js"}
    sources = [*RUNPT.rglob("*.py"), *RUNPT.rglob("*.html"), *RUNPT.rglob("*.js")]
    old = re.compile(r"""["'`(]/run/|/history/plan\b|/running/plan\b|["']run\.(player|step)["']""")
    for path in sources:
        if path in lists or "vendor" in path.parts:
            continue
        assert not old.search(path.read_text()), path.relative_to(ROOT)


def test_the_old_words_stay_gone():
    """A session in play is "session", the walk-run stages are "stages", running.toml is
    reference data, a routine's laid-out steps are "steps" (docs/architecture.md, "Words")."""
    gone = ["running/plan.py", "running/settings.py", "templates/run", "static/js/run-keeping.js",
            "templates/history/plan.html", "templates/running/plan.html"]  # fmt: skip
    assert [name for name in gone if (RUNPT / name).exists()] == []
    code = "\n".join(path.read_text() for path in RUNPT.rglob("*.py"))
    for word in ("plan_of", "plan_as_of", "def plan(", "plan_state", "plan_for(", "PlanState"):
        assert word not in code, word
    outbox = (RUNPT / "static" / "outbox.js").read_text()
    # The old store is named only where the upgrade moves it.
    assert 'createObjectStore("runs"' not in outbox and "runUnit" not in outbox


def test_the_manifest_opens_and_shares_to_current_urls(client):
    """The home-screen icon, its shortcut, the share target and "Open with" all point at
    URLs that are current, so an installed runpt needs no redirect to open."""
    manifest = client.get("/manifest.webmanifest").get_json()
    urls = [
        manifest["start_url"],
        manifest["share_target"]["action"],
        *(handler["action"] for handler in manifest["file_handlers"]),
        *(shortcut["url"] for shortcut in manifest["shortcuts"]),
    ]
    assert urls and all(current_path(url.split("?")[0]) is None for url in urls), urls
