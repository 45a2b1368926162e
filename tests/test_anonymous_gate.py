"""The gate in front of anonymous pages (issue 28 item 3, runpt/security/flood.py): a
flood of routine and share pages gets only ANONYMOUS_PAGES_AT_ONCE pages made at once by
the whole server, and what the limits would refuse is refused before Flask, so runners'
syncs keep the rest of the server."""

import subprocess
import sys
import threading

import pytest

from runpt.pages import sharing as sharing_pages
from runpt.security.flood import BUSY, TOO_MANY, PerAddress, Turns, is_anonymous_page
from tests.events import logged, new_session
from tests.test_anonymous_pages import routine_link

HERE = {"REMOTE_ADDR": "203.0.113.7"}


def visitor_from(app, number: int):
    client = app.test_client()
    client.environ_base = {"REMOTE_ADDR": f"10.1.0.{number}"}
    return client


@pytest.fixture
def held_pages(monkeypatch):
    """Routine link pages that wait, mid-page, until released: a flood being served."""
    arrived, release = threading.Semaphore(0), threading.Event()
    read = sharing_pages.documents.document_from_code

    def waiting(code):
        arrived.release()
        assert release.wait(10), "never released"
        return read(code)

    monkeypatch.setattr(sharing_pages.documents, "document_from_code", waiting)
    yield arrived, release
    release.set()


def test_past_the_pages_at_once_a_page_is_refused_at_once_and_syncs_go_on(
    signed_in, app, held_pages
):
    app.config["ANONYMOUS_PAGES_AT_ONCE"] = 2
    path = routine_link(signed_in)
    arrived, release = held_pages
    answers = []
    serving = [
        threading.Thread(target=lambda n=n: answers.append(visitor_from(app, n).get(path)))
        for n in (1, 2)
    ]
    for thread in serving:
        thread.start()
    for _ in serving:
        assert arrived.acquire(timeout=10)

    busy = visitor_from(app, 3).get(path)
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "2"
    assert busy.get_data(as_text=True) == BUSY
    assert "Set-Cookie" not in busy.headers and busy.headers["Cache-Control"] == "no-store"
    # A share link's page waits its turn the same way; a runner's own requests don't.
    assert visitor_from(app, 4).get("/shared/some-token").status_code == 503
    batch = [logged(new_session())]
    synced = signed_in.post("/api/sync", json={"events": batch})
    assert synced.status_code == 200
    assert synced.get_json()["results"][0]["status"] == "accepted"
    assert signed_in.get("/routines").status_code == 200

    release.set()
    for thread in serving:
        thread.join(10)
    assert [answer.status_code for answer in answers] == [200, 200]
    # The turns were given back: the next visitor is served.
    assert visitor_from(app, 5).get(path).status_code == 200


def test_a_turn_is_given_back_when_the_page_fails(signed_in, app, monkeypatch):
    app.config["ANONYMOUS_PAGES_AT_ONCE"] = 1
    path = routine_link(signed_in)

    def broken(code):
        raise RuntimeError("the page broke")

    with monkeypatch.context() as patched:
        patched.setattr(sharing_pages.documents, "document_from_code", broken)
        for number in (1, 2, 3):  # each failure gives its turn back for the next
            with pytest.raises(RuntimeError):
                visitor_from(app, number).get(path)
    assert visitor_from(app, 4).get(path).status_code == 200


def test_an_address_past_its_limit_is_refused_before_the_app_looks_at_it(signed_in, app):
    app.config["PAGE_RATE_LIMIT"] = 2
    path = routine_link(signed_in)
    reached = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: reached.append(1))
    visitor = app.test_client()
    answers = [visitor.get(path, environ_base=HERE) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 429, 429]
    assert len(reached) == 2, "the refused requests never reached Flask's hooks"
    refused = answers[-1]
    assert refused.get_data(as_text=True) == TOO_MANY
    assert 1 <= int(refused.headers["Retry-After"]) <= 30  # 2 a minute: one every 30 s
    assert refused.headers["X-Frame-Options"] == "DENY"  # the security headers still go out
    # Another address is served meanwhile.
    assert visitor.get(path, environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 200


def test_everyone_together_past_the_rate_is_refused_at_the_door(signed_in, app):
    app.config["ANONYMOUS_PAGES_PER_SECOND"] = 1
    path = routine_link(signed_in)
    reached = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: reached.append(1))
    answers = [visitor_from(app, n).get(path) for n in range(1, 6)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:2] == [200, 200] and set(statuses[2:]) == {503}
    assert len(reached) == 2
    assert all(answer.headers["Retry-After"] == "2" for answer in answers[2:])


def test_a_bucket_says_how_long_until_it_has_room():
    bucket = PerAddress(limit=2, window=60)
    assert bucket.wait_for("a", now=0) == 0
    bucket.allows("a", now=0)
    bucket.allows("a", now=0)
    assert bucket.wait_for("a", now=0) == 30
    assert bucket.wait_for("a", now=20) == pytest.approx(10)
    assert bucket.wait_for("a", now=30) == 0
    assert bucket.allows("a", now=30)


@pytest.mark.parametrize(
    "method, path, query, anonymous",
    [
        ("GET", "/routines/open", "r=abc", True),
        ("GET", "/routines/open", "r=", True),
        ("POST", "/routines/open", "", True),
        ("GET", "/routines/open", "", False),  # the form to open a file: costs nothing
        ("GET", "/shared/token", "", True),
        ("GET", "/shared/token/progress/clamshell", "", True),
        ("POST", "/api/sync", "", False),
        ("GET", "/routines", "r=abc", False),
        ("GET", "/library/", "", False),
    ],
)
def test_which_pages_pass_the_gate(method, path, query, anonymous):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
    assert is_anonymous_page(environ) is anonymous


def test_turns_are_shared_by_every_process_of_the_server(tmp_path):
    """Each Turns opens its own lock files, as each gunicorn worker does: what one holds,
    the other can't take, so the bound is the server's, not each worker's."""
    one, other = Turns(tmp_path), Turns(tmp_path)
    taken = [one.take(2), one.take(2)]
    assert sorted(taken) == [0, 1] and one.take(2) is None
    assert other.take(2) is None
    one.give_back(taken[0])
    assert other.take(2) == taken[0]
    assert one.take(2) is None


def test_a_turn_held_by_a_process_that_dies_is_free_again(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_TURN_0, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        turns = Turns(tmp_path)
        assert turns.take(1) is None
        holder.kill()
        holder.wait(10)
        assert turns.take(1) == 0
    finally:
        holder.kill()
        holder.wait(10)
        holder.stdout.close()


HOLD_TURN_0 = """
import fcntl, sys, time
held = open(sys.argv[1] + "/turn-0", "a")
fcntl.flock(held, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(60)
"""
