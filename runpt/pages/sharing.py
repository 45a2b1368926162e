"""Sharing's pages: the runner's share links (make, list, revoke), the read-only report
and progress a link opens, and routines handed on as a file or a link with a QR code.

The pages a share link opens (`/shared/...`) never ask who is signed in on the browser:
they show the runner who made the link, set no cookie and are never indexed or cached
(runpt/security/link_pages.py, `LINK_PAGES`).
"""

import io
import re
from functools import lru_cache

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge

from runpt.auth.next_page import comes_back_to
from runpt.history.progress import logged_list, progress_facts
from runpt.history.report import report_facts
from runpt.library.dose import minutes
from runpt.library.models import PROBLEMS
from runpt.library.queries import exercise_by_slug
from runpt.routines.editing import TooManyRoutines, routine_for
from runpt.security.flood import BURST_SECONDS, BUSY, MINUTE, RETRY_BUSY_S, TOO_MANY, limiter
from runpt.security.headers import NOT_KEPT_OFFLINE
from runpt.sharing import documents, links
from runpt.timestamps import utcnow

bp = Blueprint("sharing", __name__)

# The link just made, shown once on the next page (only its hash is kept).
NEW_LINK = "new_share_link"
# A file's form around the document: field names, boundaries.
FORM_OVERHEAD = 8 * 1024
TOO_MANY_MISSES = (
    "Too many links that open nothing from this address. Wait 15 minutes and try again."
)
PLAIN_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
# QR codes kept drawn, per process: a few MB at most (the largest is ~60 KB of SVG).
QR_CODES_KEPT = 128
MISSES_WINDOW = 15 * 60.0


# --- the runner's links ------------------------------------------------------------------


@bp.get("/sharing")
@login_required
def links_page():
    # Not on the service worker's background copies: they'd use up the one showing.
    new_link = None if request.headers.get("X-Runpt-Offline-Copy") else session.pop(NEW_LINK, None)
    page = render_template("sharing/links.html", **links_context(), new_link=new_link)
    if new_link is None:
        return page
    # The link is shown once: the service worker keeps no copy of this page, or the
    # phone would show it again offline (sw-offline-set.js, `remember`).
    return page, {NOT_KEPT_OFFLINE: "1"}


def links_context(errors: dict | None = None, form=None) -> dict:
    now = utcnow()
    mine = links.links_of(current_user)
    return {
        "open_links": [link for link in mine if link.is_open(now)],
        "ended_links": [link for link in mine if not link.is_open(now)],
        "lifetimes": links.LIFETIMES_DAYS,
        "max_label": links.MAX_LABEL,
        "errors": errors or {},
        "form": form or {},
    }


@bp.post("/sharing")
@login_required
def create_link():
    days, label = request.form.get("days", ""), request.form.get("label", "")
    errors = links.link_errors(current_user, days, label)
    if errors:
        return render_template("sharing/links.html", **links_context(errors, request.form)), 400
    try:
        _link, token = links.create_link(current_user, int(days), label)
    except links.TooManyLinks as full:
        # Another request made the last one meanwhile.
        context = links_context({"days": str(full)}, request.form)
        return render_template("sharing/links.html", **context), 409
    session[NEW_LINK] = url_for("sharing.shared_report", token=token, _external=True)
    return redirect(url_for("sharing.links_page"), 303)


@bp.post("/sharing/<int:link_id>/revoke")
@login_required
def revoke_link(link_id: int):
    link = links.link_for(current_user, link_id)
    links.revoke(link)
    flash("Link revoked: it opens nothing from now on.", "info")
    # Revoked from the account page (after a password change): back there.
    back = "auth.account" if request.form.get("back") == "account" else "sharing.links_page"
    return redirect(url_for(back), 303)


# --- what a link opens -------------------------------------------------------------------


def slow_down(message: str = TOO_MANY, status: int = 429, headers: dict | None = None):
    """Refused for now, in a few bytes of plain text: a flood is answered this way
    hundreds of times a second, so the answer costs no template (and, on a link page,
    sets no cookie)."""
    response = Response(message, status, {**PLAIN_TEXT, **(headers or {})})
    abort(response)


def limit_anonymous_pages() -> None:
    """Pages anyone can open that cost something (a report, a routine's QR code) are
    limited per address, and all together, in memory (runpt/security/flood.py): a flood
    is turned away before it costs a query, writes nothing, and however many addresses
    it comes from it can't take the server's time from runners' syncs."""
    if not limiter("pages", "PAGE_RATE_LIMIT", MINUTE).allows(request.remote_addr):
        slow_down()
    per_second = "ANONYMOUS_PAGES_PER_SECOND"
    everyone = limiter("all anonymous pages", per_second, BURST_SECONDS, times=BURST_SECONDS)
    if not everyone.allows("everyone"):
        slow_down(BUSY, 503, {"Retry-After": str(RETRY_BUSY_S)})


def runner_of(token: str):
    """The runner whose link this is; an unknown, expired or revoked link is the same
    404. Links that open nothing are counted per address, in memory, not in the
    database: past SHARE_RATE_LIMIT in 15 minutes that address gets 429 for them, while
    a real link still opens (junk requests from a physio's network don't lock them out
    of the runner's report)."""
    limit_anonymous_pages()
    found = links.opened_link(token)
    if found is None:
        if not limiter("missed links", "SHARE_RATE_LIMIT", MISSES_WINDOW).allows(
            request.remote_addr
        ):
            slow_down(TOO_MANY_MISSES)
        abort(404)
    link, runner = found
    links.note_opened(link)
    return runner


@bp.get("/shared/<token>")
def shared_report(token: str):
    runner = runner_of(token)
    return render_template("sharing/report.html", **report_facts(runner), token=token)


@bp.get("/shared/<token>/progress")
def shared_progress_index(token: str):
    runner = runner_of(token)
    return render_template(
        "sharing/progress_index.html",
        logged=logged_list(runner),
        progress_url=lambda slug: url_for("sharing.shared_progress", token=token, slug=slug),
        token=token,
    )


@bp.get("/shared/<token>/progress/<slug>")
def shared_progress(token: str, slug: str):
    runner = runner_of(token)
    exercise = exercise_by_slug(slug)
    if exercise is None:
        abort(404)
    facts = progress_facts(runner, exercise)
    return render_template("sharing/progress.html", **facts, token=token, shared=True)


# --- routines as a file or a link --------------------------------------------------------


@bp.get("/routines/<int:routine_id>/export.json")
@login_required
def export_routine(routine_id: int):
    routine = routine_for(current_user, routine_id)
    body = documents.routine_document(routine)
    return current_app.response_class(
        documents.document_text(body),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{file_name(routine.name)}"'},
    )


def file_name(name: str) -> str:
    """`runpt-routine-knee-pain-relief.json`: ASCII, safe in a header and on any disk."""
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-")
    return f"runpt-routine-{words or 'routine'}.json"


@bp.get("/routines/<int:routine_id>/share")
@login_required
def share_routine(routine_id: int):
    routine = routine_for(current_user, routine_id)
    link = routine_link(documents.routine_document(routine))
    return render_template(
        "sharing/share_routine.html",
        routine=routine,
        link=link,
        qr_code=qr_code(link) if link else None,
        too_long=documents.too_long_for_a_link(),
    )


def routine_link(document: dict) -> str | None:
    """The link that opens a routine document: the document is in it. None when it would
    be too long for a server to take (`documents.MAX_LINK_CODE`)."""
    code = documents.link_code(document)
    if len(code) > documents.MAX_LINK_CODE:
        return None
    return url_for("sharing.open_routine", r=code, _external=True)


def qr_code(link: str) -> Markup | None:
    """The link as a QR code, drawn here as SVG (dark on light, whatever the page's
    colours, with the quiet zone scanners need); None when it's too long for one."""
    svg = qr_svg(link)
    return None if svg is None else Markup(svg)


@lru_cache(maxsize=QR_CODES_KEPT)
def qr_svg(link: str) -> str | None:
    """Drawn once per link in each process: in pure Python it costs 0.08-0.45 s of CPU,
    13-15 times a library page, and a routine's link page is open to anyone."""
    try:
        code = segno.make(link, error="m", micro=False)
    except segno.DataOverflowError:
        return None
    svg = io.BytesIO()
    code.save(
        svg, kind="svg", xmldecl=False, svgns=True, scale=4, border=4, dark="#000",
        light="#fff", omitsize=True, svgclass="qr-code", title="QR code of the link",
    )  # fmt: skip
    return svg.getvalue().decode()


@bp.get("/routines/open")
def open_routine():
    """A routine from a link: shown to anyone, with its link and QR code to pass it on,
    and added by a signed-in runner. Without a link: a form to open a file."""
    if "r" not in request.args:
        return render_template("sharing/open_file.html")
    limit_anonymous_pages()
    code = request.args["r"]
    try:
        document = documents.read_document(documents.document_from_code(code))
    except documents.BadDocument as refused:
        return refused_page(refused, "This link doesn't hold a routine runpt can open")
    link = url_for("sharing.open_routine", r=code, _external=True)
    return render_template(
        "sharing/open_routine.html",
        routine=documents.preview(document),
        code=code,
        # Where Log in and Create account (and the header's Log in) come back to.
        come_back=url_for("sharing.open_routine", r=code),
        link=link,
        qr_code=qr_code(link),
        can_add=current_user.is_authenticated,
        minutes=minutes,
        PROBLEMS=PROBLEMS,
    )


def read_sent_routine(title: str):
    """(the routine document sent as a link's code or a file, None), or (None, the page
    refusing it with `title`): one size limit and one set of errors for every form."""
    request.max_content_length = documents.MAX_DOCUMENT_BYTES + FORM_OVERHEAD
    try:
        return documents.read_document(sent_document()), None
    except RequestEntityTooLarge:
        return None, refused_page(documents.BadDocument([documents.too_large()], 413), title)
    except documents.BadDocument as refused:
        return None, refused_page(refused, title)


@bp.post("/routines/open")
def open_routine_file():
    """A routine file turned into its link, for anyone: a physio or coach without an
    account hands a runner a routine they wrote (docs/routine-format.md). Nothing is
    stored: the link is the routine."""
    limit_anonymous_pages()
    document, refused = read_sent_routine("Not opened")
    if refused:
        return refused
    link = routine_link(documents.routine_document(documents.preview(document)))
    if link is None:
        too_long = documents.BadDocument([documents.too_long_for_a_link()], 413)
        return refused_page(too_long, "Not made into a link")
    return redirect(link, 303)


def link_page_sent() -> str | None:
    """The link page of the routine a signed-out runner tried to add, to come back to
    after logging in (its code is in the form); None for a file, which can't be sent
    again: they come back to the page they chose it on."""
    try:
        code = request.form.get("r", "")
    except RequestEntityTooLarge:
        return None
    if not code or len(code) > documents.MAX_CODE:
        return None
    if not documents.CODE_CHARACTERS.fullmatch(code):
        return None
    return url_for("sharing.open_routine", r=code)


@bp.post("/routines/add")
@comes_back_to(link_page_sent)
@login_required
def add_routine():
    """Add a routine from a link (`r`, its code) or a file (`document`): checked whole
    first, so a bad one stores nothing."""
    document, refused = read_sent_routine("Not added")
    if refused:
        return refused
    try:
        routine = documents.add_to_routines(current_user, document)
    except TooManyRoutines as full:
        return refused_page(documents.BadDocument([full.message], full.status), "Not added")
    flash(f"“{routine.name}” is in your routines now, yours to change.", "info")
    return redirect(url_for("routines.show", routine_id=routine.id), 303)


def sent_document() -> bytes:
    upload = request.files.get("document")
    if upload is not None and upload.filename:
        return upload.read(documents.MAX_DOCUMENT_BYTES + 1)
    code = request.form.get("r", "")
    if not code:
        raise documents.BadDocument(["Choose a routine file (.json) or open a routine's link."])
    return documents.document_from_code(code)


def refused_page(refused: documents.BadDocument, title: str):
    page = render_template("sharing/refused.html", title=title, problems=refused.problems)
    return page, refused.status
