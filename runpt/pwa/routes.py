import hashlib
import json
import os
from functools import cache
from pathlib import Path

from flask import abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from runpt.extensions import db
from runpt.pwa import bp, offline_set
from runpt.routines.editing import routine_for, visible_routines

STATIC = Path(__file__).resolve().parent.parent / "static"
TEMPLATES = STATIC.parent / "templates"
DATA = STATIC.parent / "data"

# What the service worker keeps at install: enough to open the app with no signal.
SHELL_FILES = [
    "app.css",
    "pages.css",
    "outbox.js",
    "sw-shared.js",
    "sw-offline-set.js",
    "sw-share.js",
    "sw-reminders.js",
    *(f"js/{module.name}" for module in sorted((STATIC / "js").glob("*.js"))),
    "vendor/htmx-2.0.11.min.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-192.png",
    "icons/apple-touch-icon.png",
]


WATCH_FILE_TYPES = [
    ".fit",
    ".gpx",
    ".tcx",
    "application/vnd.ant.fit",
    "application/fit",
    "application/gpx+xml",
    "application/vnd.garmin.tcx+xml",
    "application/octet-stream",
    "application/xml",
    "text/xml",
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
        # Android's Share sheet offers runpt for a watch app's file once runpt is
        # installed; the file is posted to the running page's share action (the service
        # worker keeps it first: sw-share.js). Apps label the same files with many
        # types, so both the extensions and the types they use are listed.
        "share_target": {
            "action": url_for("running.share"),
            "method": "POST",
            "enctype": "multipart/form-data",
            "params": {"files": [{"name": "file", "accept": WATCH_FILE_TYPES}]},
        },
        # Desktop Chrome's "Open with": the running page reads it through launchQueue.
        "file_handlers": [
            {
                "action": url_for("running.index") + "?opened=file",
                "accept": {
                    "application/vnd.ant.fit": [".fit"],
                    "application/gpx+xml": [".gpx"],
                    "application/vnd.garmin.tcx+xml": [".tcx"],
                },
            }
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
def release() -> str:
    """The version of everything a phone keeps: a hash of the service worker, the shell
    files, every template, exercise figure and data file (plus `RELEASE`, which lets a
    deployment ship a new one on purpose). Any change to them is a new worker, and a new
    worker keeps every unit of the offline set again."""
    digest = hashlib.sha256(os.environ.get("RELEASE", "").encode())
    sources = [STATIC / "sw.js", *(STATIC / name for name in SHELL_FILES)]
    sources += sorted(TEMPLATES.rglob("*.html")) + sorted((STATIC / "figures").glob("*.svg"))
    sources += sorted(DATA.glob("*.toml"))
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def service_worker_source() -> str:
    """sw.js with its version and shell list filled in."""
    shell = [f"/static/{name}" for name in SHELL_FILES] + [
        url_for("pwa.offline"),
        url_for("pwa.signed_out_offline"),
        url_for("pwa.manifest"),
    ]
    source = (STATIC / "sw.js").read_text()
    source = source.replace('"__VERSION__"', json.dumps(release()))
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
def offline_manifest():
    """Every unit the service worker keeps for this runner, with its version: each
    routine, the library, and the runner's other pages (runpt/pwa/offline_set.py)."""
    routines = visible_routines(current_user)
    return jsonify(offline_set.manifest(current_user, routines, release()))


@bp.get("/offline/routines/<int:routine_id>")
@login_required
def routine_bundle(routine_id: int):
    """One routine, whole, in one response: the phone stores it as a unit, and the
    player steps through it from memory."""
    routine = routine_for(current_user, routine_id)
    if not offline_set.step_count(routine):
        abort(404)
    version = offline_set.routine_versions(current_user, [routine], release())[routine.id]
    return _unit(offline_set.routine_unit(routine, version))


@bp.get("/offline/units")
@login_required
def units():
    """Several units of the offline set in one response (`?routine=3&routine=5&library=1
    &pages=1`): the phone asks for every unit whose version it doesn't hold, a few at a
    time, so a new phone needs a handful of round trips, not one per routine, and a
    connection cut mid-way costs only the batch in flight. Routines the runner can't
    see are left out, as a 404 would leave them."""
    asked = offline_set.asked_units(request.args)
    if isinstance(asked, str):
        return jsonify(error=asked), 400
    routine_ids, library, pages = asked
    found = offline_set.units(current_user, routine_ids, library, pages, release())
    return jsonify(units=[{**unit, "user": current_user.id} for unit in found])


def _unit(body: dict):
    """A unit of the offline set, marked with its version and its runner (the service
    worker keeps a unit only for the runner signed in on the phone)."""
    response = jsonify({**body, "user": current_user.id})
    response.headers["X-Runpt-Version"] = body["version"]
    return response


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")


@bp.get("/offline/signed-out")
def signed_out_offline():
    """Where logging out with no signal ends: kept in the shell, so it opens offline."""
    return render_template("pwa/signed_out.html")


@bp.get("/healthz")
def healthz():
    """Says "ok" while the database answers, and nothing more: anyone can ask, and which
    database runs or how much it holds is for the operator's log, not the public."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any database failure is "down"
        current_app.logger.warning("health check: database unreachable: %r", error)
        db.session.rollback()
        return HEALTH_DOWN, 503, PLAIN_TEXT
    return "ok", 200, PLAIN_TEXT


HEALTH_DOWN = "unavailable"
PLAIN_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
