"""The CSV exports open safely in a spreadsheet: a note that a spreadsheet would read as
a formula is exported as text, however it is dressed up, and every character is kept."""

import csv
import io

import pytest

from tests.events import logged, new_session, started

FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1+1",
    "   +cmd|' /C calc'!A0",
    "\ufeff=1+1",
    "\n=1+1",
    "\r\n@SUM(A1)",
    "\u3000=1",  # a full-width space
    "\u200b=1",  # a zero-width space
    "＝1+1",  # full-width equals
    "＋1",
    "－1",
    "＠SUM(A1)",
    " ＝1",
    "\ufeff \n ＝1",
]
PLAIN = ["felt fine", "left 5 - 3 better", "a@b in the middle", " leading space only", "😀=1"]


def exported_notes(client, notes: list[str]) -> list[str]:
    session = new_session()
    events = [started(session)] + [
        logged(session, set_no=n + 1, note=note) for n, note in enumerate(notes)
    ]
    results = client.post("/api/sync", json={"events": events}).get_json()["results"]
    assert {r["status"] for r in results} == {"accepted"}
    response = client.get("/history/export/events.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    return [row["note"] for row in rows if row["type"] == "set.logged"]


@pytest.mark.parametrize("note", FORMULAS, ids=[repr(n) for n in FORMULAS])
def test_a_note_a_spreadsheet_would_run_is_exported_as_text(signed_in, note):
    assert exported_notes(signed_in, [note]) == ["'" + note]


def test_other_notes_are_exported_exactly_as_typed(signed_in):
    assert exported_notes(signed_in, PLAIN) == PLAIN
