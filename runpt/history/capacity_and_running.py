"""Capacity tests, runs and the return-to-run stage, for the physio report and the
export: what a physiotherapist reads beside adherence and pain."""

from datetime import date

from runpt.capacity.judging import is_real_change
from runpt.capacity.norms import SEX_WORDS
from runpt.capacity.sittings import capacity_results
from runpt.log.reads import logged_runs
from runpt.runner.models import settings_of
from runpt.running.load import weekly_load
from runpt.running.reference_data import stage_of
from runpt.running.stages import latest_tests, walk_run_state


def for_report(user, today: date, how_many_weeks: int) -> dict:
    """The latest result of each test, the weekly running load of the report's weeks and
    where the runner is on the walk-run plan."""
    results, _answers = capacity_results(user)
    runs = logged_runs(user)
    return {
        "capacity": [r for r in results if r.latest is not None],
        "is_real_change": is_real_change,
        "running_weeks": weekly_load(runs, today, how_many=how_many_weeks) if runs else [],
        "return_to_run": walk_run_state(
            runs, latest_tests(results), today, settings_of(user).own_problems
        )
        if runs
        else None,
    }


def for_export(user, today: date) -> dict:
    """Capacity tests (every sitting), runs as they stand with their next mornings, and the
    return-to-run stage: the derived views; the raw events are in the export already."""
    results, _answers = capacity_results(user)
    runs = logged_runs(user)
    state = walk_run_state(runs, latest_tests(results), today, settings_of(user).own_problems)
    return {
        "capacity_tests": [
            {
                "test": result.test.slug,
                "day": sitting.day.isoformat(),
                "left": sitting.left,
                "right": sitting.right,
                "checklists": sitting.checklists or None,
                "pain": sitting.pain,
                "norm_for": SEX_WORDS.get(sitting.sex),
                "age_band": sitting.age_band,
                "incline": sitting.incline,
            }
            for result in results
            for sitting in result.history
        ],
        "runs": [
            {
                "run": str(run.run_id),
                "start": run.start.isoformat(),
                "duration_s": run.duration_s,
                "distance_m": run.distance_m,
                "effort": run.effort,
                "pain": run.pain,
                "stage": run.stage,  # the number stored with the run (the stage's key)
                "stage_name": stage.name if (stage := stage_of(run)) else None,
                "hop_pain": run.hop_pain,
                "source": run.source,
                "note": run.note,
                "morning": run.morning_feel,
                "morning_pain": run.morning_pain,
            }
            for run in runs
        ],
        "return_to_run": {
            "stage": state.current.number,
            "stage_name": state.current.name,
            "next_unlocked": state.unlocked,
            "missing": [c.missing for c in state.missing],
            "step_back": state.step_back,
        },
    }
