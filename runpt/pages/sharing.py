"""Sharing's pages: the runner's share links (make, list, revoke), and the read-only
report and progress a link opens.

The pages a share link opens (`/shared/...`) never ask who is signed in on the browser:
they show the runner who made the link, set no cookie and are never indexed or cached
(runpt/security.py, `LINK_PAGES`).
"""

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

from runpt.auth.ratelimit import count_attempt, share_key
from runpt.library.queries import exercise_by_slug
from runpt.pages.history import logged_list, progress_facts, report_facts
from runpt.sharing import links
from runpt.timestamps import utcnow

bp = Blueprint("sharing", __name__)

# The link just made, shown once on the next page (only its hash is kept).
NEW_LINK = "new_share_link"
TOO_MANY = "Too many pages opened from this address. Wait 15 minutes and try again."


# --- the runner's links ------------------------------------------------------------------


@bp.get("/sharing")
@login_required
def links_page():
    # Not on the service worker's background copies: they'd use up the one showing.
    new_link = None if request.headers.get("X-Runpt-Offline-Copy") else session.pop(NEW_LINK, None)
    return render_template("sharing/links.html", **links_context(), new_link=new_link)


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
    _link, token = links.create_link(current_user, int(days), label)
    session[NEW_LINK] = url_for("sharing.shared_report", token=token, _external=True)
    return redirect(url_for("sharing.links_page"), 303)


@bp.post("/sharing/<int:link_id>/revoke")
@login_required
def revoke_link(link_id: int):
    link = links.link_for(current_user, link_id)
    links.revoke(link)
    flash("Link revoked: it opens nothing from now on.", "info")
    return redirect(url_for("sharing.links_page"), 303)


# --- what a link opens -------------------------------------------------------------------


def runner_of(token: str):
    """The runner whose link this is. Every page opened with a link counts against the
    address first (like a login attempt, before the token is looked at), so tokens
    can't be tried in bulk; an unknown, expired or revoked link is the same 404."""
    limit = current_app.config["SHARE_RATE_LIMIT"]
    if count_attempt([share_key(request.remote_addr)], limit) is None:
        abort(Response(render_template("error.html", status=429, message=TOO_MANY), 429))
    found = links.opened_link(token)
    if found is None:
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
