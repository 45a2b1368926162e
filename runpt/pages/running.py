"""Running's pages: log a run by hand or from a watch file, recent runs, and the
walk-run plan back to running (the morning after a run is asked on home, with
sessions: runpt/history/morning.py). Both pages are kept on the phone, so a run (and
its stage) is logged with no signal, through the outbox (js/running.js); importing a
file needs the server (POST /api/runs/import)."""

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from runpt.history.overview import as_of
from runpt.log.reads import logged_runs
from runpt.log.validation import RUN_LIMITS
from runpt.running.imports import IMPORT_BODY_LIMIT, import_upload
from runpt.running.load import run_flags, runs_offset, today_from_runs
from runpt.running.reference_data import running_data, stages
from runpt.running.stages import walk_run_for
from runpt.security import accepts_bodies_up_to
from runpt.timestamps import utcnow, zone_of

RECENT_RUNS = 20
bp = Blueprint("running", __name__, url_prefix="/running")


def form_context(runs, state, stage_choice=None) -> dict:
    """What the run form needs: the run limits (from the event's rules), the stages, the
    stage offered first, today for its date field, the hop check when the plan asks for
    it, and the longest run of the last 30 days with the single-run rule beside it."""
    now = utcnow().astimezone(zone_of(runs_offset(runs)))
    return {
        "run_limits": RUN_LIMITS,
        "stages": stages(),
        "stage_choice": stage_choice,
        "today": now.date().isoformat(),
        "now": now.strftime("%H:%M"),
        "hop_check": any(c.key == "hop" for c in state.criteria),
        "longest_recent": state.longest_recent,
        "single_run": running_data()["single_run"],
        "walk_run_hop": running_data()["walk_run"]["hop"],
        "flags": run_flags(runs),
    }


@bp.get("/")
@login_required
def index():
    return running_page()


def running_page(shared_run: dict | None = None, shared_error: str | None = None):
    runs = logged_runs(current_user)
    state = walk_run_for(current_user, today_from_runs(runs), runs)
    return render_template(
        "running/index.html",
        runs=list(reversed(runs))[:RECENT_RUNS],
        state=state,
        as_of=as_of(),
        shared_run=shared_run,
        shared_error=shared_error,
        **form_context(runs, state),
    )


@bp.post("/share")
@accepts_bodies_up_to(IMPORT_BODY_LIMIT)
@login_required
def share():
    """The manifest's share_target: a watch app's Share sheet posts the file here (a
    multipart form, field `file`). Where the service worker runs, it catches this post
    and keeps the file on the phone first (sw-share.js), so a share with no signal isn't
    lost; without it, the file is read here and the running page opens with the run
    form filled in, ready for effort and pain."""
    run, problem = import_upload(current_user, request)
    if problem:
        message, status = problem
        return running_page(shared_error=message), status
    return running_page(shared_run=run)


@bp.get("/stages", endpoint="stages")
@login_required
def stages_page():
    """The walk-run stages: where the runner is, what the next stage waits for."""
    runs = logged_runs(current_user)
    today = today_from_runs(runs)
    state = walk_run_for(current_user, today, runs)
    recent = [run for run in runs if run.start.date() >= today - timedelta(days=42)]
    return render_template(
        "running/stages.html",
        state=state,
        walk_run=running_data()["walk_run"],
        keys_run={run.stage for run in runs if run.stage is not None},
        recent=list(reversed([run for run in recent if run.stage is not None])),
        as_of=as_of(),
        # The run form offers the next stage once it is unlocked, else this one.
        **form_context(
            runs,
            state,
            stage_choice=state.next.key if state.unlocked and state.next else state.current.key,
        ),
    )
