"""Share to runpt (issue 24 item 4): the manifest offers runpt in Android's Share sheet
for watch files and in desktop Chrome's "Open with", and the share action fills the run
form from the file. (The share through the service worker with the server stopped is a
browser test: tests/browser/test_share_no_signal.py.)"""

import html
import io
import json
import re
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

FILES = Path(__file__).resolve().parent / "watch_files"


def share(client, name: str, content: bytes):
    upload = FileStorage(io.BytesIO(content), filename=name)
    boundary, body = encode_multipart({"file": upload})
    return client.post(
        "/running/share", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_the_manifest_offers_runpt_for_watch_files_to_share_and_to_open(client):
    manifest = client.get("/manifest.webmanifest").get_json()
    target = manifest["share_target"]
    assert (target["action"], target["method"]) == ("/running/share", "POST")
    assert target["enctype"] == "multipart/form-data"
    [files] = target["params"]["files"]
    assert files["name"] == "file" and {".fit", ".gpx", ".tcx"} <= set(files["accept"])
    [handler] = manifest["file_handlers"]
    assert handler["action"].startswith("/running/")
    extensions = {ext for exts in handler["accept"].values() for ext in exts}
    assert extensions == {".fit", ".gpx", ".tcx"}


def shared_run(page: str) -> dict:
    found = re.search(r"data-shared-run='([^']*)'", page)
    return json.loads(html.unescape(found.group(1)))


def test_a_shared_file_opens_the_running_page_with_the_run_ready_for_effort_and_pain(signed_in):
    response = share(signed_in, "easy-run.fit", (FILES / "easy-run.fit").read_bytes())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    run = shared_run(page)
    assert (run["start"], run["duration_s"], run["distance_m"]) == (
        "2026-03-02T07:30:00+00:00", 1490, 4212
    )  # fmt: skip
    assert 'name="effort"' in page and 'name="pain"' in page  # the run form, to finish


def test_a_shared_file_that_cant_be_read_says_why_on_the_running_page(signed_in):
    response = share(signed_in, "run.gpx", b"just some text")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "isn&#39;t well-formed XML" in page or "isn't well-formed XML" in page
    assert "data-shared-run" not in page


def test_a_share_needs_a_signed_in_runner(client):
    response = share(client, "easy-run.fit", (FILES / "easy-run.fit").read_bytes())
    assert response.status_code in (302, 401)
