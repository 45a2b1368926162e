import hashlib
import json
import os
from datetime import date
from functools import cache
from pathlib import Path

from flask import current_app, jsonify, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from runpt.extensions import db
from runpt.history.overview import plan_of
from runpt.history.progress import logged_exercises
from runpt.history.summaries import current_summaries
from runpt.library.models import Exercise
from runpt.pwa import bp
from runpt.routines.editing import visible_routines
from runpt.run.plan import plan
from runpt.sync.models import Event

RECENT_SESSIONS_OFFLINE = 10
STATIC = Path(__file__).resolve().parent.parent / "static"
TEMPLATES = STATIC.parent / "templates"

# What the service worker keeps at install: enough to open the app with no signal.
SHELL_FILES = [
    "app.css",
    "app.js",
    "outbox.js",
    "vendor/htmx-2.0.11.min.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-192.png",
    "icons/apple-touch-icon.png",
]


@bp.get("/manifest.webmanifest")
def manifest():
    def icon(name: str, size: int, purpose: str) -> dict:
        return {
            "src": url_for("static", filename=f"icons/{name}"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }

    body = {
        "id": "/",
        "name": "runpt: strength and mobility for runners",
        "short_name": "runpt",
        "description": "Physical-therapy exercises for runners, step by step, even offline.",
        "start_url": url_for("routines.home") + "?source=home-screen",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#0f766e",
        "background_color": "#0b1f1d",
        "lang": "en",
        "categories": ["health", "fitness", "sports"],
        "icons": [
            icon("icon-192.png", 192, "any"),
            icon("icon-512.png", 512, "any"),
            icon("maskable-192.png", 192, "maskable"),
            icon("maskable-512.png", 512, "maskable"),
        ],
        "shortcuts": [
            {
                "name": "Start next session",
                "short_name": "Next session",
                "url": url_for("routines.home") + "?next=1",
                "icons": [icon("icon-192.png", 192, "any")],
            }
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@cache
def service_worker_source() -> str:
    """sw.js with its version and shell list filled in. The version is a hash of every
    file the app shell is made of, so changing any of them makes a new worker."""
    shell = [f"/static/{name}" for name in SHELL_FILES] + ["/offline", "/manifest.webmanifest"]
    # RELEASE (optional, e.g. a build id) lets a deployment ship a new worker on purpose.
    digest = hashlib.sha256(os.environ.get("RELEASE", "").encode())
    sources = [STATIC / "sw.js", *(STATIC / name for name in SHELL_FILES)]
    # Pages inline templates and exercise figures: a change to either is a new version,
    # and a new version makes the worker keep every routine's pages again.
    sources += sorted(TEMPLATES.rglob("*.html")) + sorted((STATIC / "figures").glob("*.svg"))
    for path in sources:
        digest.update(path.read_bytes())
    source = (STATIC / "sw.js").read_text()
    source = source.replace('"__VERSION__"', json.dumps(digest.hexdigest()[:12]))
    return source.replace('["__SHELL__"]', json.dumps(shell))


@bp.get("/sw.js")
def service_worker():
    """Served from the root so its scope covers the whole app; never cached by HTTP,
    so a new version is seen on the next check."""
    return (
        service_worker_source(),
        200,
        {
            "Content-Type": "text/javascript; charset=utf-8",
            "Cache-Control": "no-cache",
            "Service-Worker-Allowed": "/",
        },
    )


@bp.get("/offline/urls")
@login_required
def offline_set():
    """Everything the service worker keeps for this runner: each routine's page, its
    player and every step fragment (with the routine's last change, so only changed
    routines are fetched again), plus the pages a session needs around it."""
    routines = visible_routines(current_user)
    exercises = db.session.scalars(select(Exercise.slug)).all()
    pages = [
        url_for("routines.home"),
        url_for("routines.index"),
        url_for("run.sessions"),
        url_for("library.index"),
        *(url_for("library.exercise", slug=slug) for slug in exercises),
        *history_pages(current_user),
    ]
    # Steps show "last time" and progression suggestions: new logs change them too.
    logs = db.session.scalar(
        select(func.max(Event.received_at)).where(Event.user_id == current_user.id)
    )
    logs_changed = logs.isoformat() if logs else ""
    return jsonify(
        user=current_user.id,
        pages=pages,
        pagesUpdated=pages_token(current_user, routines, logs_changed),
        routines=[
            {
                "id": routine.id,
                "updated": f"{routine.updated_at.isoformat()} {logs_changed}",
                "urls": [
                    url_for("routines.show", routine_id=routine.id),
                    url_for("run.player", routine_id=routine.id),
                    *(
                        url_for("run.step", routine_id=routine.id, index=step.index)
                        for step in plan(routine)
                    ),
                ],
            }
            for routine in routines
            if routine.steps
        ],
    )


def pages_token(user, routines, logs_changed: str) -> str:
    """Changes whenever a kept page would look different: new logs, a changed routine
    or training plan, or a new day ("next session: today")."""
    plan = plan_of(user)
    newest = max((r.updated_at for r in routines), default=None)
    parts = [
        logs_changed,
        newest.isoformat() if newest else "",
        f"{plan.weekdays}@{plan.time_of_day}" if plan else "",
        date.today().isoformat(),
    ]
    return "|".join(parts)


def history_pages(user) -> list[str]:
    """History as of the last sync: the calendar, pain, the physio report, progress of
    every exercise logged and the latest sessions' details."""
    summaries = current_summaries(user)[:RECENT_SESSIONS_OFFLINE]
    return [
        url_for("history.index"),
        url_for("history.pain"),
        url_for("history.report"),
        url_for("history.progress_index"),
        *(url_for("history.progress", slug=slug) for slug, _, _ in logged_exercises(user)),
        *(url_for("history.session", session_id=s.session_id) for s in summaries),
    ]


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        exercises = db.session.scalar(select(func.count()).select_from(Exercise))
    except Exception as error:  # noqa: BLE001 - any database failure is "down"
        current_app.logger.warning("health check: database unreachable: %s", error)
        db.session.rollback()
        return jsonify(status="error", database={"ok": False, "error": type(error).__name__}), 503
    return jsonify(
        status="ok",
        database={"ok": True, "dialect": db.engine.dialect.name, "exercises": exercises},
    )
