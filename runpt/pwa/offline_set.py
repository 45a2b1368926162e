"""What a runner's phone keeps for use with no signal, in a few versioned units.

The service worker keeps each routine as one unit: its page, its player and every step
fragment, fetched in one response and stored whole, so a routine is either all on the
phone or not started offline at all. The library and the runner's other pages (home,
past sessions, history) are two more units. A small manifest lists every unit with its
version; the phone fetches only the units whose version it doesn't hold.

A unit's version changes exactly when something it shows changes:
- a routine: the app release, the routine's last change, and the runner's latest log
  of any exercise in it ("last time" and the progression suggestion on its steps), or
  latest next-morning answer (which steers suggestions), or their settings (loads are
  shown and typed in their unit; the player speaks or not);
- the library: the app release and the runner (the header shows who is signed in);
- the other pages: new logs, changed settings (training days, problems, unit), a new
  day.

Every page in a unit is rendered by its own view, as the runner would get it by opening
its URL (`render_page`), so no markup exists twice.
"""

import hashlib

from flask import current_app, render_template, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from runpt.capacity.norms import capacity_tests
from runpt.extensions import db
from runpt.history.older import (
    may_have_sessions_before,
    older_sessions_url,
    recent_since,
    split_recent,
)
from runpt.history.pain import pain_per_session
from runpt.history.weeks import today_from_sessions
from runpt.library.dose import minutes
from runpt.library.models import Exercise
from runpt.log.reads import latest_logs, logged_exercises
from runpt.log.summaries import current_summaries
from runpt.routines.models import Routine, RoutineStep
from runpt.routines.steps import steps_as_of
from runpt.runner.models import settings_of

RECENT_SESSIONS_OFFLINE = 10
# Marks the service worker's background copies: they never use up one-time messages
# or set cookies (base.html, runpt/security/sessions.py).
OFFLINE_COPY = "X-Runpt-Offline-Copy"


def render_page(path: str) -> str | None:
    """The page at `path`, rendered by its own view for the signed-in runner within this
    request; None when it isn't there for them (a 404, or a redirect).

    A nested request context shares this request's app context, so the runner loaded
    for this request is the one the view sees."""
    with current_app.test_request_context(path, headers={OFFLINE_COPY: "1"}):
        try:
            rule, args = request.url_rule, request.view_args
            if rule is None:
                return None
            answer = current_app.view_functions[rule.endpoint](**args)
        except HTTPException:
            return None
        response = current_app.make_response(answer)
        if response.status_code != 200:
            return None
        return response.get_data(as_text=True)


def rendered(paths: list[str]) -> dict[str, str]:
    """{path: page} for every path that renders."""
    pages = {}
    for path in paths:
        page = render_page(path)
        if page is not None:
            pages[path] = page
    return pages


def _digest(*parts) -> str:
    text = "|".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- routines ---------------------------------------------------------------------------


def routine_urls(routine: Routine, steps: int) -> list[str]:
    """Every URL a routine's unit holds: its page, its player and each step."""
    return [
        url_for("routines.show", routine_id=routine.id),
        url_for("player.player", routine_id=routine.id),
        *(url_for("player.step", routine_id=routine.id, index=index) for index in range(steps)),
    ]


def exercises_of(routine_ids: list[int]) -> dict[int, list[str]]:
    """{routine id: the slugs of its exercises}, in one query."""
    found: dict[int, list[str]] = {routine_id: [] for routine_id in routine_ids}
    rows = db.session.execute(
        select(RoutineStep.routine_id, Exercise.slug)
        .join(Exercise, Exercise.id == RoutineStep.exercise_id)
        .where(RoutineStep.routine_id.in_(routine_ids))
    )
    for routine_id, slug in rows:
        found[routine_id].append(slug)
    return found


def routine_versions(user, routines: list[Routine], release: str) -> dict[int, str]:
    """{routine id: the version of its offline unit} (see the module docstring)."""
    per_exercise, mornings, _received = latest_logs(user)
    slugs = exercises_of([routine.id for routine in routines])
    settings = settings_of(user).fingerprint()
    versions = {}
    for routine in routines:
        logged = [per_exercise[slug] for slug in slugs[routine.id] if slug in per_exercise]
        latest = max(logged, default=None)
        versions[routine.id] = _digest(
            release, user.id, routine.updated_at, latest, mornings, settings
        )
    return versions


def step_count(routine: Routine) -> int:
    return len(steps_as_of(routine.id, routine.updated_at))


def routine_unit(routine: Routine, version: str) -> dict:
    """One routine, whole: its page, its player and every step fragment."""
    steps = steps_as_of(routine.id, routine.updated_at)
    show, player, *step_paths = routine_urls(routine, len(steps))
    return {
        "kind": "routine",
        "id": routine.id,
        "name": routine.name,
        "version": version,
        # The routine's last change, as its pages name it: the player asks for the unit
        # of the routine it shows, so an edit just made is never stepped through stale.
        "changed": routine.updated_at.isoformat(),
        "pages": rendered([show, player]),
        # Its row in the routine lists: a list page kept on the phone from before this
        # routine existed shows it all the same (main.js), without fetching that page.
        "row": render_template("routines/_routine_row.html", routine=routine, minutes=minutes),
        "own": not routine.is_builtin,
        # Every step, in order: the player steps through these without asking anyone.
        "steps": [render_page(path) for path in step_paths],
        "exercise_of_step": [step.exercise_no for step in steps],
        # Each step's set: the player passes by sets beyond a dose eased off in-session.
        "set_of_step": [step.set_no for step in steps],
        # What a session of it plans, for counting it honestly (session.started).
        "strength_steps": routine.planned_strength_sets(),
    }


# --- the library and the runner's other pages -----------------------------------------


def library_paths() -> list[str]:
    slugs = db.session.scalars(select(Exercise.slug).order_by(Exercise.slug)).all()
    return [url_for("library.index"), *(url_for("library.exercise", slug=s) for s in slugs)]


def library_version(user, release: str) -> str:
    return _digest(release, user.id)


def personal_paths(user) -> list[str]:
    """Home, routines, past sessions and history as of the last sync: the calendar, pain,
    running load, the physio report, progress of every exercise logged and the latest
    sessions; the capacity tests (each test's page runs it on the phone), running and the
    walk-run plan; and the runner's settings and first-run questions (to read with no
    signal; saving needs one). The sessions older than the last 12 weeks, which the pain
    and progress pages link to, too (`older_paths`)."""
    everything = current_summaries(user)
    summaries = everything[:RECENT_SESSIONS_OFFLINE]
    logged = logged_exercises(user)
    return [
        url_for("routines.home"),
        url_for("routines.index"),
        url_for("history.sessions"),
        url_for("history.index"),
        url_for("history.pain"),
        url_for("history.report"),
        url_for("history.training_days"),
        url_for("runner.settings"),
        url_for("runner.first_run"),
        url_for("history.progress_index"),
        url_for("history.running"),
        # Capacity tests run with no signal, and runs (and walk-run stages) are logged
        # with none: their pages are kept with the runner's other pages.
        url_for("capacity.index"),
        *(url_for("capacity.test", slug=slug) for slug in capacity_tests()),
        url_for("running.index"),
        url_for("running.stages"),
        *(url_for("history.progress", slug=exercise.slug) for exercise in logged),
        *(url_for("history.session", session_id=s.session_id) for s in summaries),
        *older_paths(everything, logged),
    ]


def older_paths(summaries, logged) -> list[str]:
    """The pain page's and each exercise's older sessions, as their pages link to them:
    the link says nothing about needing signal, so what it opens is on the phone."""
    since = recent_since(summaries)
    url = older_sessions_url("history.pain", since)
    _recent, older_pain = split_recent(pain_per_session(summaries), since, url)
    paths = [url] if older_pain else []
    for exercise in sorted(logged, key=lambda exercise: exercise.slug):
        if may_have_sessions_before(exercise.first, since):
            paths.append(older_sessions_url("history.progress", since, slug=exercise.slug))
    return paths


def personal_version(user, release: str) -> str:
    """Changes whenever one of these pages would look different: new logs, changed
    settings (training days, problems, unit), or a new day on the runner's clock ("next
    session: today"; the pages count it from their latest session's offset too). Not
    a changed routine: its own unit carries its row for the routine lists, so an edit
    or an accepted suggestion costs the manifest and that routine's unit, nothing more."""
    _per_exercise, _mornings, logs = latest_logs(user)
    return _digest(
        release,
        user.id,
        logs,
        settings_of(user).fingerprint(),
        today_from_sessions(current_summaries(user, limit=1)).isoformat(),
    )


def pages_unit(kind: str, version: str, paths: list[str]) -> dict:
    return {"kind": kind, "version": version, "pages": rendered(paths)}


# --- the manifest, and units asked for in batches ---------------------------------------

# Units in one response at most: a new phone's whole set in a few round trips, and a
# connection cut mid-way costs one batch (the service worker asks for 4 at a time).
MAX_UNITS_PER_REQUEST = 12


def routine_entry(routine: Routine, version: str) -> dict:
    return {
        "id": routine.id,
        "name": routine.name,
        "version": version,
        "urls": routine_urls(routine, step_count(routine)),
    }


def asked_units(args) -> tuple[list[int], bool, bool] | str:
    """(routine ids, the library?, the runner's pages?) from a units request's query, or
    what is wrong with it, in words."""
    raw_ids = args.getlist("routine")
    if not all(raw.isascii() and raw.isdigit() and len(raw) <= 9 for raw in raw_ids):
        return "routine: give routine ids as whole numbers, e.g. ?routine=3&routine=5"
    library, pages = args.get("library") == "1", args.get("pages") == "1"
    count = len(raw_ids) + library + pages
    if count == 0:
        return "Ask for at least one unit: ?routine=<id>, library=1 or pages=1."
    if count > MAX_UNITS_PER_REQUEST:
        return f"At most {MAX_UNITS_PER_REQUEST} units per request; this one asks for {count}."
    return [int(raw) for raw in raw_ids], library, pages


def units(user, routine_ids: list[int], library: bool, pages: bool, release: str) -> list[dict]:
    """The units asked for, each whole, in the order asked (routines the runner can't see,
    or with no steps, left out)."""
    found = []
    if routine_ids:
        visible = db.session.scalars(
            select(Routine).where(
                Routine.id.in_(routine_ids),
                (Routine.owner_id == user.id) | Routine.owner_id.is_(None),
            )
        ).all()
        routines = sorted(
            (r for r in visible if step_count(r)), key=lambda r: routine_ids.index(r.id)
        )
        versions = routine_versions(user, routines, release)
        found += [routine_unit(routine, versions[routine.id]) for routine in routines]
    if library:
        found.append(pages_unit("library", library_version(user, release), library_paths()))
    if pages:
        found.append(pages_unit("pages", personal_version(user, release), personal_paths(user)))
    return found


def manifest(user, routines: list[Routine], release: str) -> dict:
    """Every unit the phone should hold, with its version and where to fetch it."""
    versions = routine_versions(user, routines, release)
    library = library_version(user, release)
    personal = personal_version(user, release)
    return {
        "user": user.id,
        "release": release,
        "routines": [
            routine_entry(routine, versions[routine.id])
            for routine in routines
            if step_count(routine)
        ],
        "library": {"version": library},
        "pages": {"version": personal},
        "units": url_for("pwa.units"),
    }
