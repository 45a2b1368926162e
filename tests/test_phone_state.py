"""The phone's own state is defined once (docs/offline.md, "The phone's own state"):
outbox.js, loaded first by pages and worker, holds every meta key and message type; no
other file spells one, so a key can't be written in one place and missed by logout or
account deletion in another."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "runpt" / "static"
OWNER = STATIC / "outbox.js"
OTHERS = sorted(p for p in [*STATIC.glob("*.js"), *STATIC.glob("js/*.js")] if p != OWNER)


def defined(kind: str) -> dict[str, str]:
    """outbox.js's `keys` or `messages`: name -> the spelled key or type (a runner's key
    with its colon: `offline:`)."""
    source = OWNER.read_text()
    block = re.search(rf"const {kind} = Object\.freeze\(\{{(.*?)\}}\);", source, re.S).group(1)
    return dict(re.findall(r"(\w+): (?:\(user\) => )?[`\"]([\w-]+:?)", block))


def test_outbox_defines_every_key_the_issue_names():
    spelled = set(defined("keys").values())
    assert {"offline:", "morning:", "morning-asked:", "log-out-later:", "session-unit:",
            "start-checks:", "last-sync:", "needs-sign-in:", "signed-in"} <= spelled  # fmt: skip


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.relative_to(STATIC).as_posix())
def test_no_other_file_spells_a_key_or_a_message_type(path):
    source = path.read_text()
    for spelled in defined("keys").values():
        ending = "" if spelled.endswith(":") else "[`\"']"
        assert not re.search(rf"[`\"']{spelled}{ending}", source), f"{spelled} in {path.name}"
    for spelled in defined("messages").values():
        assert not re.search(rf"type: [\"']{spelled}[\"']|=== [\"']{spelled}[\"']", source)
