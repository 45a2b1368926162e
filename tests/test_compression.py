"""The app compresses what it sends when the client accepts it (Flask-Compress): a step
fragment is ~5 KB of HTML, runners are on mobile data, and a deployment may have no
compressing proxy in front."""

import gzip
import re

import brotli
import pytest
from sqlalchemy import select

from runpt.extensions import db
from runpt.routines.models import Routine

GZIP = {"Accept-Encoding": "gzip"}
# What Chromium sends: it gets gzip, the first of runpt's choices it accepts.
CHROMIUM = {"Accept-Encoding": "gzip, deflate, br, zstd"}
PREFERS_BROTLI = {"Accept-Encoding": "gzip;q=0.5, br"}
HTMX = "/static/vendor/htmx-2.0.11.min.js"


def decoded(response) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        return brotli.decompress(body)
    assert encoding is None, encoding
    return body


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}


@pytest.fixture
def step_url(app):
    with app.app_context():
        routine_id = db.session.scalar(
            select(Routine.id).where(Routine.slug == "runners-essentials")
        )
    return f"/session/{routine_id}/steps/0"


def test_a_gzip_accepting_client_gets_a_gzipped_step_fragment_under_3_kb(signed_in, step_url):
    plain = signed_in.get(step_url)
    packed = signed_in.get(step_url, headers=GZIP)
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.get_data()) <= 3 * 1024
    assert decoded(packed) == plain.get_data()
    assert 'id="step"' in decoded(packed).decode()
    # Caches on the way keep one copy per encoding (and, as before, per runner).
    assert {"accept-encoding", "cookie"} <= vary(packed)
    assert packed.headers["Content-Type"] == plain.headers["Content-Type"]
    assert packed.headers["X-Runpt-User"] == plain.headers["X-Runpt-User"]


def test_every_builtin_step_fragment_is_under_3_kb_as_a_browser_gets_it(signed_in):
    routines = signed_in.get("/offline/urls").get_json()["routines"]
    urls = [u for r in routines for u in r["urls"] if "/steps/" in u]
    assert len(urls) > 100
    for url in urls:
        for headers in (CHROMIUM, PREFERS_BROTLI):
            response = signed_in.get(url, headers=headers)
            assert response.headers["Content-Encoding"] in {"gzip", "br"}
            assert len(response.get_data()) <= 3 * 1024, url


def test_a_client_not_accepting_compression_gets_plain_html(signed_in, step_url):
    response = signed_in.get(step_url)
    assert "Content-Encoding" not in response.headers
    assert 'id="step"' in response.get_data(as_text=True)
    assert "accept-encoding" in vary(response)
    identity = signed_in.get(step_url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity.headers
    assert identity.get_data() == response.get_data()


def test_browsers_get_gzip_and_a_client_preferring_brotli_gets_it(signed_in, step_url):
    plain = signed_in.get(step_url).get_data()
    browser = signed_in.get(step_url, headers=CHROMIUM)
    assert browser.headers["Content-Encoding"] == "gzip"
    assert decoded(browser) == plain
    packed = signed_in.get(step_url, headers=PREFERS_BROTLI)
    assert packed.headers["Content-Encoding"] == "br"
    assert decoded(packed) == plain


@pytest.mark.parametrize("headers", [GZIP, PREFERS_BROTLI], ids=["gzip", "brotli"])
def test_static_files_are_compressed_and_still_answer_conditional_requests(client, headers):
    plain = client.get(HTMX)
    assert "Content-Encoding" not in plain.headers
    original = plain.get_data()
    plain_etag = plain.headers["ETag"]
    plain.close()

    packed = client.get(HTMX, headers=headers)
    assert packed.headers["Content-Encoding"] in {"gzip", "br"}
    assert decoded(packed) == original
    assert len(packed.get_data()) < len(original) / 2
    assert "accept-encoding" in vary(packed)
    # Another representation, another strong validator.
    etag = packed.headers["ETag"]
    assert etag != plain_etag
    packed.close()

    again = client.get(HTMX, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    again.close()
    uncompressed_again = client.get(HTMX, headers={"If-None-Match": plain_etag})
    assert uncompressed_again.status_code == 304
    uncompressed_again.close()
    # A client holding the plain copy may keep using it, whatever it accepts now.
    still_plain = client.get(HTMX, headers={**headers, "If-None-Match": plain_etag})
    assert still_plain.status_code == 304
    still_plain.close()


def test_the_service_worker_script_and_manifest_are_compressed(client):
    for url in ("/sw.js", "/manifest.webmanifest"):
        plain = client.get(url)
        packed = client.get(url, headers=GZIP)
        assert packed.headers["Content-Encoding"] == "gzip", url
        assert decoded(packed) == plain.get_data()


# Imported by main.js only on a player page; its other `import("./…")`s (starting a
# session, the next-morning question) are the start page's.
PLAYER_ONLY = {"player.js"}


def module_imports(source: str, url: str) -> set[str]:
    """The modules a JavaScript module imports, as URLs: `import … from` and the
    `import("./…")`s the start page makes (main.js loads those where a page starts a
    session or asks the next-morning question, as the start page does)."""
    folder = url.rsplit("/", 1)[0]
    names = re.findall(r'from "\./([\w-]+\.js)"', source)
    names += re.findall(r'import\("\./([\w-]+\.js)"\)', source)
    return {f"{folder}/{name}" for name in names if name not in PLAYER_ONLY}


def test_the_start_page_and_everything_it_loads_fit_in_40_kb(signed_in):
    """Compressed as a phone's browser gets them: the page, its stylesheet, scripts
    (htmx and every module main.js imports, however deep), icon and web app manifest.
    (The apple-touch-icon is fetched only when a runner adds runpt to an iPhone's home
    screen, not when a page loads.)"""
    page = signed_in.get("/", headers=CHROMIUM)
    total = len(page.get_data())
    html = decoded(page).decode()
    waiting = set(re.findall(r'<(?:script|link)[^>]* (?:src|href)="(/[^"]+)"', html))
    waiting.discard("/static/icons/apple-touch-icon.png")
    assert {"/static/app.css", "/static/js/main.js", "/manifest.webmanifest"} <= waiting
    loaded: set[str] = set()
    while waiting:
        url = waiting.pop()
        loaded.add(url)
        response = signed_in.get(url, headers=CHROMIUM)
        assert response.status_code == 200, url
        total += len(response.get_data())
        if url.endswith(".js"):
            waiting |= module_imports(decoded(response).decode(), url) - loaded
        response.close()
    # The imports were followed, the start page's own `import()`s too.
    assert {
        "/static/js/session-start.js",
        "/static/js/start-check.js",
        "/static/js/morning.js",
    } <= loaded
    assert total <= 40 * 1024, total


def test_the_styles_of_few_pages_load_only_on_them(signed_in):
    """Sharing, printing the report or progress, capacity tests and the walk-run plan
    bring their own stylesheet; the start page, which has the 40 KB budget, doesn't."""
    pages_css = 'href="/static/pages.css"'
    for path in ("/history/report", "/history/progress", "/capacity/", "/capacity/heel-raise",
                 "/running/", "/running/stages", "/sharing"):  # fmt: skip
        assert pages_css in signed_in.get(path).get_data(as_text=True), path
    for path in ("/", "/routines", "/library/"):
        assert pages_css not in signed_in.get(path).get_data(as_text=True), path
    with signed_in.get("/static/pages.css") as response:
        rules = response.get_data(as_text=True)
    assert "@media print" in rules and ".metronome" in rules and ".qr-code" in rules
