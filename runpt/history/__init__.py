"""History read from the event log: weeks against the 2-3 target and the streak, which
sessions count, pain over time, progress per exercise, the physio report, export, and the
runner's training plan. Its pages are in runpt/pages/history.py."""
