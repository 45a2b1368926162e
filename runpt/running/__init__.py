"""Running: runs logged by hand or read from a watch file (watch_files.py), the weekly
running load beside pain and the next morning (load.py), and the walk-run plan back to
running, whose next stage unlocks only when its criteria hold (plan.py). Thresholds are
data (runpt/data/running.toml, docs/content-rules.md rule 14's conventions, labelled so). Reads the
log only through its typed reads, and capacity tests through runpt.capacity."""
