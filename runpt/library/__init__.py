"""The exercise library: exercises and their doses, ladders and figures, loaded from
runpt/data; found by group, running problem or name. Its pages are in
runpt/pages/library.py."""
