"""Sharing: read-only links a runner gives a physio to their report and progress
(`links.py`), and routines handed on as a versioned JSON document, a file or a
self-contained link (`documents.py`)."""
