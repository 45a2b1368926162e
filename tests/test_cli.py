"""The `flask --app wsgi ...` commands a person running runpt uses."""

import json

from tests.test_history import a_session, days_ago, sync


def test_the_export_command_writes_a_runners_data_as_json(signed_in, runner):
    sync(signed_in, a_session(days_ago(1), {"reps": 10, "note": "from the command line"}))
    result = runner.invoke(args=["export", "RUNNER@example.com"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["runner"]["email"] == "runner@example.com"
    assert len(body["events"]) == 3 and body["sessions"][0]["sets"][0]["reps"] == 10
    missing = runner.invoke(args=["export", "nobody@example.com"])
    assert (
        missing.exit_code != 0 and "No runner with the email nobody@example.com" in missing.output
    )
