"""Capacity tests: single-leg heel raises, side-bridge endurance, single-leg bridges and
the single-leg squat check (docs/content-rules.md, rules 3 and 10). Their norms and thresholds are
data (runpt/data/capacity.toml, each with its source or "runpt convention"); reading a
result against its norm, left against right, against the last test, and onto a ladder
rung are plain functions (judging.py); sittings.py reads the runner's tests from the
log's typed reads."""
