"""Nothing anonymous is expensive (issue 28, item 3): a routine's QR code is drawn once
per code, anonymous routine and share pages are limited per address in memory, and a
share link that opens nothing costs no database write."""

import secrets

import pytest
from sqlalchemy import event

from runpt.extensions import db
from runpt.pages import sharing as sharing_pages
from runpt.security.flood import PerAddress
from tests.test_share_links import make_link

HERE = {"REMOTE_ADDR": "203.0.113.7"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.2"}


def routine_link(signed_in) -> str:
    """The path of a built-in routine's link page (its code in `r`)."""
    page = signed_in.get("/routines/1/share").get_data(as_text=True)
    return "/routines/open?r=" + page.split("/routines/open?r=")[1].split('"')[0]


@pytest.fixture
def drawings(monkeypatch):
    """How many QR codes were drawn, from a cache that starts empty."""
    drawn = []
    make = sharing_pages.segno.make

    def counted(*args, **kwargs):
        drawn.append(args[0])
        return make(*args, **kwargs)

    sharing_pages.qr_svg.cache_clear()
    monkeypatch.setattr(sharing_pages.segno, "make", counted)
    yield drawn
    sharing_pages.qr_svg.cache_clear()


def test_a_routines_qr_code_is_drawn_once_per_code(signed_in, app, drawings):
    path = routine_link(signed_in)
    visitor = app.test_client()
    pages = [visitor.get(path, environ_base=HERE) for _ in range(3)]
    assert [page.status_code for page in pages] == [200] * 3
    assert len({page.get_data(as_text=True) for page in pages}) == 1
    assert 'class="qr-code"' in pages[0].get_data(as_text=True)
    assert len(drawings) == 1
    # Another routine's link is drawn once too.
    other = signed_in.get("/routines/2/share").get_data(as_text=True)
    other = "/routines/open?r=" + other.split("/routines/open?r=")[1].split('"')[0]
    visitor.get(other, environ_base=HERE)
    visitor.get(other, environ_base=HERE)
    assert len(drawings) == 2


def test_anonymous_routine_pages_are_limited_per_address(signed_in, app):
    app.config["PAGE_RATE_LIMIT"] = 3
    path = routine_link(signed_in)
    visitor = app.test_client()
    answers = [visitor.get(path, environ_base=HERE).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = visitor.get(path, environ_base=HERE)
    assert "Wait a minute and try again" in refused.get_data(as_text=True)
    assert visitor.get(path, environ_base=ELSEWHERE).status_code == 200


def test_pages_opened_with_a_share_link_are_limited_per_address(signed_in, app):
    link = make_link(signed_in)
    app.config["PAGE_RATE_LIMIT"] = 2
    physio = app.test_client()
    answers = [physio.get(page, environ_base=HERE).status_code
               for page in (link, f"{link}/progress", link)]  # fmt: skip
    assert answers == [200, 200, 429]
    assert physio.get(link, environ_base=ELSEWHERE).status_code == 200


def writes_during(app, send) -> list[str]:
    """The INSERT, UPDATE and DELETE statements a request ran."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_share_link_that_opens_nothing_writes_nothing(app):
    """Round 2 wrote a row for every anonymous /shared/ request, whatever its token."""
    visitor = app.test_client()
    for path in (f"/shared/{secrets.token_urlsafe(32)}", "/shared/x/progress", "/shared/y"):
        answer = []
        assert writes_during(app, lambda: answer.append(visitor.get(path))) == []  # noqa: B023
        assert answer[0].status_code == 404


def test_a_bucket_lets_a_burst_through_then_one_per_share_of_the_window():
    bucket = PerAddress(limit=3, window=60)
    assert [bucket.allows("a", now=0) for _ in range(4)] == [True, True, True, False]
    assert bucket.allows("b", now=0)  # another address has its own
    assert not bucket.allows("a", now=19)  # a third of 60 s refills one
    assert bucket.allows("a", now=21)
    assert not bucket.allows("a", now=21)
    assert [bucket.allows("a", now=1000) for _ in range(4)] == [True, True, True, False]


def test_anonymous_pages_from_many_addresses_together_are_bounded(signed_in, app):
    """Forty addresses each under their own limit still can't take the server from
    runners: past ANONYMOUS_PAGES_PER_SECOND (bursts of two seconds' worth) the pages
    answer 503 with a Retry-After, while a runner's own pages answer as usual."""
    app.config["ANONYMOUS_PAGES_PER_SECOND"] = 2
    path = routine_link(signed_in)
    visitor = app.test_client()
    answers = [visitor.get(path, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}) for n in range(1, 11)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:4] == [200] * 4 and 503 in statuses
    busy = answers[statuses.index(503)]
    assert busy.headers["Retry-After"] == "2"
    assert "Try again in a few seconds" in busy.get_data(as_text=True)
    assert signed_in.get("/routines").status_code == 200
