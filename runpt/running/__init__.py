"""Running: runs logged by hand or read from a watch file (watch_files.py), the running
load beside pain and the next morning, per run and per week (load.py), and the walk-run
stages back to running, which start where the runner is and whose next stage unlocks
only when its criteria hold (stages.py). Thresholds are data (runpt/data/running.toml; the
conventions of docs/content-rules.md, rule 14, labelled so, and the single-run finding of
rule 16 with its source). Reads the log only through its typed reads, capacity tests
through runpt.capacity and the runner's own problems through runpt.runner."""
