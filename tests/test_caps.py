"""Caps that hold under concurrency (issue 28, item 5): a runner's own routines and
open share links are counted and added in one step, so a burst of parallel requests
can't get past either cap (30 parallel requests made 29 links when the cap was 20)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from runpt.extensions import db
from runpt.routines import editing
from runpt.routines.models import Routine
from runpt.sharing import links
from runpt.sharing.models import ShareLink
from tests.test_account_deletion import same_sign_in


def slowed(count, seconds: float = 0.02):
    """The count a cap reads, taking a little longer: every parallel request then reads
    it before any has written, unless the count and the insert are one step."""

    def slow_count(*args, **kwargs):
        found = count(*args, **kwargs)
        time.sleep(seconds)
        return found

    return slow_count


def in_parallel(clients, send) -> list[int]:
    """Each client sends one request, all at once; their statuses."""
    start = threading.Barrier(len(clients))

    def one(client):
        start.wait()
        return send(client).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(one, clients))


def test_parallel_link_requests_never_pass_the_cap_of_open_links(signed_in, app, monkeypatch):
    monkeypatch.setattr(links, "open_links", slowed(links.open_links))
    phones = [same_sign_in(signed_in, app) for _ in range(30)]
    statuses = in_parallel(phones, lambda c: c.post("/sharing", data={"days": "7"}))
    assert statuses.count(303) == links.MAX_OPEN_LINKS
    assert set(statuses) <= {303, 400, 409}  # refused by the form's count, or the held one
    with app.app_context():
        made = db.session.scalar(select(func.count()).select_from(ShareLink))
        assert made == links.MAX_OPEN_LINKS
    page = signed_in.post("/sharing", data={"days": "7"})
    assert page.status_code == 400
    assert links.TOO_MANY_LINKS in page.get_data(as_text=True)


def own_routines(app) -> int:
    with app.app_context():
        query = select(func.count()).select_from(Routine).where(Routine.owner_id.is_not(None))
        return db.session.scalar(query)


def test_a_runner_keeps_at_most_the_cap_of_own_routines_even_in_parallel(
    signed_in, app, monkeypatch
):
    monkeypatch.setattr(editing, "MAX_OWN_ROUTINES", 5)
    monkeypatch.setattr(editing, "own_routines", slowed(editing.own_routines))
    phones = [same_sign_in(signed_in, app) for _ in range(12)]
    statuses = in_parallel(phones, lambda c: c.post("/routines", data={"name": "Mine"}))
    assert sorted(statuses) == [302] * 5 + [409] * 7
    assert own_routines(app) == 5
    # Every way in is held to it: a new one, a copy, an import from a link.
    refused = signed_in.post("/routines", data={"name": "One more"})
    assert refused.status_code == 409
    assert "routines of your own, the most runpt keeps" in refused.get_data(as_text=True)
    assert signed_in.post("/routines/1/copy").status_code == 409
    code = signed_in.get("/routines/1/share").get_data(as_text=True)
    link = code.split("/routines/open?r=")[1].split('"')[0]
    added = signed_in.post("/routines/add", data={"r": link})
    assert added.status_code == 409
    assert "routines of your own" in added.get_data(as_text=True)
    assert own_routines(app) == 5
