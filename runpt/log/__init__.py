"""The event log, runpt's heart: every fact a runner records is an event made on their
phone and stored here once. This package is the only one that touches `Event`: the
model, what makes an event valid, storing a batch exactly once, deriving sessions and
sets from events (a step logged twice counts once), the per-session summary cache, and
typed reads for everyone else (runpt/log/reads.py)."""

# Logs waiting on a phone longer than this many days are a worry: home warns about them,
# with a way to download them (js/phone-kept.js), and a reminder says so
# (runpt/reminders/due.py). A phone that stays offline may be lost with them.
WAITING_TOO_LONG_DAYS = 3
