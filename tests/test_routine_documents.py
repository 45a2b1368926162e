"""Routines handed on as a file or a link: any routine exports as a version 1 document
(docs/routine-format.md); opening its link shows the routine to anyone; "Add to my
routines" checks it whole and makes the runner's own copy, and a bad document is refused
with what is wrong, storing nothing."""

import base64
import json
import random
import re
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from runpt.extensions import db
from runpt.routines.editing import DOSE_LIMITS, MAX_STEPS
from runpt.routines.models import Routine
from runpt.sharing import documents
from tests.test_ownership import everything
from tests.test_routines import builtin, create, other_runner

DOCS = Path(__file__).resolve().parents[1] / "docs" / "routine-format.md"


def builtin_id(app, slug: str = "runners-essentials") -> int:
    with app.app_context():
        return builtin(slug).id


def exported(client, routine_id: int) -> dict:
    response = client.get(f"/routines/{routine_id}/export.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def upload(client, content: bytes, name: str = "routine.json", path: str = "/routines/add"):
    """A file sent as the form sends it. The multipart body is built here: the test
    client's own spills a large file to a temporary file it never closes."""
    body = (
        b"--edge\r\n"
        b'Content-Disposition: form-data; name="document"; filename="' + name.encode() + b'"\r\n'
        b"Content-Type: application/json\r\n\r\n" + content + b"\r\n--edge--\r\n"
    )
    return client.post(path, data=body, content_type="multipart/form-data; boundary=edge")


def code_of(document) -> str:
    """A link's code for anything, valid routine or not, the way runpt packs one."""
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.urlsafe_b64encode(packer.compress(raw) + packer.flush()).decode().rstrip("=")


def own_routines(app) -> list[Routine]:
    with app.app_context():
        query = select(Routine).where(Routine.owner_id.is_not(None)).order_by(Routine.id)
        return [(r.id, r.name, r.owner_id) for r in db.session.scalars(query)]


def good_document() -> dict:
    return {
        "format": "runpt-routine",
        "version": 1,
        "name": "Knee plan from Dr Okafor",
        "summary": "Three times a week.",
        "problem": "knee-pain",
        "steps": [
            {"exercise": "glute-bridge", "level": 1, "sets": 3, "reps": 12, "rest_s": 45},
            {"exercise": "side-plank", "sets": 2, "hold_s": 25, "rest_s": 30},
            {"exercise": "clamshell"},
        ],
    }


# --- exporting ---------------------------------------------------------------------------


def test_a_builtin_routine_exports_as_a_version_1_document_file(signed_in, app):
    routine_id = builtin_id(app)
    response = signed_in.get(f"/routines/{routine_id}/export.json")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="runpt-routine-runner-s-essentials.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.get_data(as_text=True))
    assert document["format"] == "runpt-routine" and document["version"] == 1
    assert document["name"] == "Runner's essentials" and document["red_flags"]
    with app.app_context():
        routine = builtin()
        assert [s["exercise"] for s in document["steps"]] == [
            s.exercise.slug for s in routine.steps
        ]
        # Every step carries the dose it is done at, the exercise's defaults filled in.
        for step, saved in zip(document["steps"], routine.steps, strict=True):
            dose = saved.dose
            assert step["sets"] == dose.sets and step["rest_s"] == dose.rest_s
            assert step.get("reps") == (None if dose.is_hold else dose.reps)
            assert step.get("hold_s") == dose.hold_s
            assert step["level"] == saved.level


def test_a_file_exported_and_added_back_is_the_same_routine(signed_in, app):
    routine_id = create(signed_in, "Tuesday strength", "glute-bridge", "side-plank")
    document = exported(signed_in, routine_id)
    response = upload(signed_in, json.dumps(document).encode())
    assert response.status_code == 303
    new_id = int(re.fullmatch(r"/routines/(\d+)", response.headers["Location"]).group(1))
    assert new_id != routine_id
    assert exported(signed_in, new_id) == document
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Tuesday strength” is in your routines now" in page


# --- as a link ---------------------------------------------------------------------------


def share_page_link(client, routine_id: int) -> str:
    page = client.get(f"/routines/{routine_id}/share").get_data(as_text=True)
    link = re.search(r'id="routine-link"[^>]*value="([^"]+)"', page).group(1)
    return link.replace("&amp;", "&")


def test_a_routine_link_carries_the_whole_routine_and_a_qr_code_drawn_as_svg(signed_in, app):
    routine_id = builtin_id(app, "knee-pain-relief")
    response = signed_in.get(f"/routines/{routine_id}/share")
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'class="qr-code"' in page
    assert "style=" not in page.split('class="qr-code"', 1)[1].split("</svg>")[0]  # CSP
    link = share_page_link(signed_in, routine_id)
    assert link.startswith("http://localhost/routines/open?r=")
    # The link is the document itself: nothing is stored to make it.
    code = link.split("r=", 1)[1]
    assert json.loads(documents.document_from_code(code)) == exported(signed_in, routine_id)
    # Every built-in routine's link fits a QR code a phone reads easily.
    assert len(link) < 1200


def test_opening_a_routine_link_needs_no_account_and_stores_nothing(signed_in, app):
    link = share_page_link(signed_in, builtin_id(app, "shin-splints-relief"))
    visitor = app.test_client()
    with app.app_context():
        before = everything()
    response = visitor.get(link)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Shin splints" in page and "Red flags:" in page and "About " in page
    assert "Add to my routines" not in page
    login = re.search(r'href="(/auth/login\?next=[^"]+)"', page).group(1)
    assert unquote(login.split("next=", 1)[1]) == link.removeprefix("http://localhost")
    with app.app_context():
        assert everything() == before


def test_signing_in_from_a_routine_link_comes_back_to_it_and_adds_it(signed_in, app):
    link = share_page_link(signed_in, builtin_id(app, "hip-strain-relief"))
    path = link.removeprefix("http://localhost")
    runner = other_runner(app)
    runner.post("/auth/logout")
    page = runner.get(path).get_data(as_text=True)
    login = re.search(r'href="(/auth/login\?next=[^"]+)"', page).group(1).replace("&amp;", "&")
    signed = runner.post(login, data={"email": "other@example.com", "password": "long-enough-1"})
    assert unquote(signed.headers["Location"]) == path
    page = runner.get(path).get_data(as_text=True)
    code = re.search(r'name="r" value="([^"]+)"', page).group(1)
    added = runner.post("/routines/add", data={"r": code})
    assert added.status_code == 303
    new_id = int(added.headers["Location"].rsplit("/", 1)[1])
    original = builtin_id(app, "hip-strain-relief")
    assert exported(runner, new_id) == exported(runner, original)
    with app.app_context():
        assert db.session.get(Routine, new_id).owner_id is not None


def test_an_added_routine_is_the_runners_own_and_in_their_offline_set(signed_in, app):
    code = documents.link_code(good_document())
    response = signed_in.post("/routines/add", data={"r": code})
    assert response.status_code == 303
    routine_id = int(response.headers["Location"].rsplit("/", 1)[1])
    manifest = signed_in.get("/offline/urls").get_json()
    assert routine_id in [r["id"] for r in manifest["routines"]]
    doc = exported(signed_in, routine_id)
    assert doc["steps"][0] == {
        "exercise": "glute-bridge", "level": 1, "sets": 3, "reps": 12, "rest_s": 45,
    }  # fmt: skip
    assert doc["problem"] == "knee-pain"
    # Its own: the editor opens for it, and another runner can't see it.
    assert signed_in.get(f"/routines/{routine_id}/edit").status_code == 200
    assert other_runner(app).get(f"/routines/{routine_id}").status_code == 404


def test_without_an_account_a_file_becomes_a_link_and_nothing_is_stored(app):
    """A physio or coach with no account hands a runner a routine they wrote."""
    giver = app.test_client()
    form = giver.get("/routines/open")
    assert form.status_code == 200 and "data-open-file" in form.get_data(as_text=True)
    with app.app_context():
        before = everything()
    response = upload(giver, json.dumps(good_document()).encode(), path="/routines/open")
    assert response.status_code == 303
    link = response.headers["Location"]
    assert link.startswith("http://localhost/routines/open?r=")
    page = giver.get(link).get_data(as_text=True)
    assert "Knee plan from Dr Okafor" in page and 'class="qr-code"' in page
    assert f'value="{link}"' in page  # to copy and pass on
    # The link holds the routine with every dose written out, as an export would.
    document = json.loads(documents.document_from_code(link.split("r=", 1)[1]))
    assert document["steps"][2]["sets"] and document["steps"][2]["reps"]
    assert giver.get_cookie("session") is None
    with app.app_context():
        assert everything() == before


def longest_document() -> dict:
    """Every text at its longest, in a script that compresses badly."""
    rng = random.Random(17)

    def text(length: int) -> str:
        return "".join(chr(0x4E00 + rng.randrange(2000)) for _ in range(length))

    return good_document() | {
        "name": text(120), "summary": text(500), "red_flags": text(500), "running": text(500),
    }  # fmt: skip


def test_a_routine_too_long_for_a_server_to_take_as_a_link_is_passed_on_as_a_file(signed_in, app):
    """gunicorn, as deployed, answers 414 to a request line over 4094 bytes: runpt never
    hands out a link that long, and says to send the file instead."""
    content = json.dumps(longest_document()).encode()
    added = upload(signed_in, content)
    assert added.status_code == 303
    routine_id = int(added.headers["Location"].rsplit("/", 1)[1])
    page = signed_in.get(f"/routines/{routine_id}/share").get_data(as_text=True)
    assert 'id="routine-link"' not in page and "qr-code" not in page
    assert "too long to pass on as a link" in page and "send the file" in page
    assert f"/routines/{routine_id}/export.json" in page
    # A giver without an account gets the same answer for the file, and nothing stored.
    with app.app_context():
        before = everything()
    response = upload(app.test_client(), content, path="/routines/open")
    assert response.status_code == 413
    assert "too long to pass on as a link" in response.get_data(as_text=True)
    with app.app_context():
        assert everything() == before
    # Every link runpt makes fits the request line, even inside a login page's `next`.
    longest = "GET /auth/register?next=/routines/open?r%3D" + "x" * documents.MAX_LINK_CODE
    assert len(longest + " HTTP/1.1") < 4094


def test_adding_needs_a_signed_in_runner(app):
    visitor = app.test_client()
    with app.app_context():
        before = everything()
    response = visitor.post("/routines/add", data={"r": documents.link_code(good_document())})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    with app.app_context():
        assert everything() == before


def test_the_documented_example_is_a_routine_runpt_adds(signed_in, app):
    """docs/routine-format.md's example is read by the same code, so it can't go stale."""
    example = re.search(r"```json\n(.*?)```", DOCS.read_text(), re.S).group(1)
    assert upload(signed_in, example.encode()).status_code == 303


# --- bad documents -----------------------------------------------------------------------


def changed(**fields) -> bytes:
    document = good_document()
    document.update(fields)
    return json.dumps(document, ensure_ascii=False).encode()


def with_step(step: dict) -> bytes:
    return changed(steps=[step])


BIG_NUMBER = b'{"format": "runpt-routine", "version": 1, "name": "x", "steps": [{"exercise": '
BIG_NUMBER += b'"glute-bridge", "sets": ' + b"9" * 5000 + b"}]}"

BAD_DOCUMENTS = [
    ("not JSON", b"<html>routine</html>", 400, "This isn't JSON"),
    ("empty", b"", 400, "This isn't JSON"),
    ("a list", b"[1, 2]", 400, "it should be a JSON object"),
    ("another format", changed(format="other-app"), 400, "“format” should be “runpt-routine”"),
    ("no format", json.dumps({"version": 1}).encode(), 400, "“format” should be"),
    ("version 2", changed(version=2), 400, "This routine is version 2"),
    ("version as text", changed(version="1"), 400, "“version” should be a whole number"),
    ("version true", changed(version=True), 400, "“version” should be a whole number"),
    ("no name", changed(name=""), 400, "Give the routine a name."),
    ("name too long", changed(name="n" * 121), 400, "Keep the name under 120 characters."),
    ("name a number", changed(name=7), 400, "“name” should be text."),
    ("NUL in name", changed(name="Knee\x00plan"), 400, "invisible control character"),
    ("half a surrogate", b'{"format": "runpt-routine", "version": 1, "name": "\\ud800", '
     b'"steps": [{"exercise": "clamshell"}]}', 400, "broken character"),
    ("summary too long", changed(summary="s" * 501), 400, "Keep the description under 500"),
    ("red flags too long", changed(red_flags="r" * 501), 400, "Keep “red_flags” under 500"),
    ("unknown problem", changed(problem="broken-leg"), 400, "“problem” should be empty or one"),
    ("add_on as text", changed(add_on="yes"), 400, "“add_on” should be true or false."),
    ("an extra field", changed(owner="someone"), 400, "Unknown field “owner”."),
    ("a key given twice", b'{"format": "runpt-routine", "format": "runpt-routine"}', 400,
     "“format” is given twice"),
    ("no steps field", json.dumps({"format": "runpt-routine", "version": 1, "name": "x"}).encode(),
     400, "“steps” is missing."),
    ("steps not a list", changed(steps={"exercise": "clamshell"}), 400, "“steps” should be a list"),
    ("no steps", changed(steps=[]), 400, "at least one exercise"),
    ("too many steps", changed(steps=[{"exercise": "clamshell"}] * (MAX_STEPS + 1)), 400,
     f"at most {MAX_STEPS} exercises"),
    ("unknown exercise", with_step({"exercise": "moon-walk"}), 400,
     "Step 1: “exercise” \"moon-walk\" is not in runpt's exercise library."),
    ("exercise a number", with_step({"exercise": 12}), 400, "Step 1: “exercise” 12 is not in"),
    ("a step not an object", changed(steps=["clamshell"]), 400, "Step 1: should be an object"),
    ("an extra step field", with_step({"exercise": "clamshell", "tempo": "3-1-3"}), 400,
     "Step 1: Clamshell: unknown field “tempo”."),
    ("sets out of range", with_step({"exercise": "clamshell", "sets": 11}), 400,
     "Step 1: Clamshell: Sets: a whole number from 1 to 10."),
    ("no sets at all", with_step({"exercise": "clamshell", "sets": 0}), 400,
     "Sets: a whole number from 1 to 10."),
    ("reps negative", with_step({"exercise": "clamshell", "reps": -5}), 400,
     "Reps: a whole number from 1 to 100."),
    ("rest too long", with_step({"exercise": "clamshell", "rest_s": 601}), 400,
     "Rest seconds: a whole number from 0 to 600."),
    ("hold too short", with_step({"exercise": "side-plank", "hold_s": 1}), 400,
     "Hold seconds: a whole number from 5 to 600."),
    ("reps for a hold", with_step({"exercise": "side-plank", "reps": 10}), 400,
     "it is held for seconds: give “hold_s”, not “reps”."),
    ("hold for reps", with_step({"exercise": "clamshell", "hold_s": 30}), 400,
     "it is done in reps: give “reps”, not “hold_s”."),
    ("a fraction", with_step({"exercise": "clamshell", "sets": 2.5}), 400,
     "Sets: a whole number from 1 to 10."),
    ("three point nought", with_step({"exercise": "clamshell", "sets": 3.0}), 400,
     "Sets: a whole number from 1 to 10."),
    ("sets as text", with_step({"exercise": "clamshell", "sets": "3"}), 400,
     "Sets: a whole number from 1 to 10."),
    ("sets true", with_step({"exercise": "clamshell", "sets": True}), 400,
     "Sets: a whole number from 1 to 10."),
    ("a huge number", with_step({"exercise": "clamshell", "reps": 10**30}), 400,
     "Reps: a whole number from 1 to 100."),
    ("a number of 5000 digits", BIG_NUMBER, 400, "a number far too long"),
    ("NaN", b'{"format": "runpt-routine", "version": NaN}', 400, "NaN is not a number"),
    ("a level off the ladder", with_step({"exercise": "clamshell", "level": 9}), 400,
     "“level” should be a whole number from"),
    ("nested far too deep", b"[" * 100_000 + b"]" * 100_000, 413, "at most 64 KB"),
    ("nested deep but small", b"[" * 30_000 + b"]" * 30_000, 400, "nested far too deeply"),
    ("not UTF-8", changed(name="Kniebeuge für Läufer").decode().encode("latin-1"), 400,
     "This file isn't UTF-8 text"),
    ("UTF-16", changed().decode().encode("utf-16"), 400, "This file isn't UTF-8 text"),
    ("a NUL byte", changed()[:-1] + b"\x00}", 400, "This isn't JSON"),
    ("over 64 KB", changed(summary="s" * 70_000), 413, "at most 64 KB"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [case[1:] for case in BAD_DOCUMENTS],
    ids=[case[0] for case in BAD_DOCUMENTS],
)
@pytest.mark.parametrize("sent_as", ["file", "link", "file opened without an account"])
def test_a_bad_document_is_refused_with_what_is_wrong_and_stores_nothing(
    signed_in, app, content, status, message, sent_as
):
    with app.app_context():
        before = everything()
    if sent_as == "file":
        response = upload(signed_in, content)
    elif sent_as == "link":
        response = signed_in.post("/routines/add", data={"r": code_of(content)})
    else:
        response = upload(app.test_client(), content, path="/routines/open")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "Nothing was added." in page
    assert message in page.replace("&#34;", '"').replace("&#39;", "'"), page[-1500:]
    with app.app_context():
        assert everything() == before


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [case[1:] for case in BAD_DOCUMENTS],
    ids=[case[0] for case in BAD_DOCUMENTS],
)
def test_a_bad_link_shows_what_is_wrong_to_anyone(app, content, status, message):
    response = app.test_client().get(f"/routines/open?r={code_of(content)}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")


def test_every_dose_limit_is_the_editors(app):
    """One rule in one place: a document's limits are the editor's DOSE_LIMITS."""
    for field, (low, high, _label) in DOSE_LIMITS.items():
        exercise = "side-plank" if field == "hold_s" else "clamshell"
        for value, ok in ((low, True), (high, True), (low - 1, False), (high + 1, False)):
            with app.app_context():
                try:
                    documents.read_document(with_step({"exercise": exercise, field: value}))
                except documents.BadDocument:
                    assert not ok, (field, value)
                else:
                    assert ok, (field, value)


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("not base64!", 400, "it holds no routine"),
        ("____", 400, "it holds no routine"),
        (code_of(changed())[:-12], 400, "cut short"),
        ("A" * (documents.MAX_CODE + 1), 400, "This link is too long"),
        # 10 MB of spaces packs into a few KB: it is never unpacked past 64 KB.
        (code_of(b" " * 10_000_000), 413, "at most 64 KB"),
    ],
    ids=["not base64", "not deflate", "cut short", "too long", "a zip bomb"],
)
def test_a_broken_link_is_refused_with_what_is_wrong(signed_in, app, code, status, message):
    with app.app_context():
        before = everything()
    for response in (signed_in.get("/routines/open", query_string={"r": code}),
                     signed_in.post("/routines/add", data={"r": code})):  # fmt: skip
        assert response.status_code == status
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert everything() == before


def test_a_file_far_over_the_limit_is_refused_before_it_is_read(signed_in, app):
    with app.app_context():
        before = everything()
    response = upload(signed_in, b"x" * (1024 * 1024))
    assert response.status_code == 413
    assert "at most 64 KB" in response.get_data(as_text=True)
    with app.app_context():
        assert everything() == before


def test_nothing_sent_is_refused(signed_in, app):
    response = signed_in.post("/routines/add", data={"r": ""})
    assert response.status_code == 400
    assert "Choose a routine file" in response.get_data(as_text=True)
    opened = app.test_client().get("/routines/open?r=")
    assert opened.status_code == 400
    assert "it holds no routine" in opened.get_data(as_text=True)
