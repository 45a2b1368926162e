"""The server's one pain rule (runpt/pain.py; docs/content-rules.md, rule 1) at its
edges: 2 is safe and 3 acceptable, 5 is still acceptable and 6 is too much. A threshold
moved from "above 5" to "5 or more" (or "2 or more") fails here, in a fast test, before
any page or browser test runs. The player's copy of the rule (pain.js) is checked in
tests/browser/test_pain_in_session.py::test_the_pain_rules_of_the_player."""

import pytest

from runpt.log.validation import Invalid, exercise_stopped_data
from runpt.pain import zone


@pytest.mark.parametrize(
    ("pain", "words"),
    [(None, ""), (0, "safe"), (2, "safe"), (3, "acceptable"), (5, "acceptable"),
     (6, "too much"), (10, "too much")],
)  # fmt: skip
def test_pain_5_is_acceptable_and_6_is_too_much(pain, words):
    assert zone(pain) == words


def stop_for_pain(pain: int) -> dict:
    data = {"exercise": "step-down", "set": 1, "side": "left", "reason": "pain", "pain": pain}
    return exercise_stopped_data(data, {"step-down"})


def test_a_pain_stop_needs_pain_above_5_not_5_itself():
    assert stop_for_pain(6)["pain"] == 6
    with pytest.raises(Invalid, match="must be above 5"):
        stop_for_pain(5)
