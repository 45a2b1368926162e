"""The runner's own settings, in one place: what they train for (the running problems
pain is charted under), their training days and time, the unit loads are shown in, and
spoken cues. Above accounts and the exercise library (problems are the library's), below
routines (which recommend from the answers)."""
