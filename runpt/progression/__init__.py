"""Progression: what a routine should ask of a strength exercise next session, decided from
the sets the runner logged last session and how they felt the next morning.

`runpt.progression.engine` holds the rules (docs/content-rules.md rules 1-7) as plain functions with
no Flask and no database; `runpt/data/progression.toml` holds each exercise's caps, steps
and the rule it follows, with sources.
"""
