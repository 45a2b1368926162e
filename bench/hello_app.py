"""The real app plus one bare route, for a fair baseline in the throughput benchmark.

Served by gunicorn exactly like `wsgi:app`; `/bench/hello` goes through the same
middleware, before/after-request hooks (same-origin check, security headers) and
login manager as the step fragment, but does no database work and renders nothing.
The app itself is not changed: this module only adds a route to its own instance.
"""

import gc

import runpt
from runpt import create_app

app = create_app()
gc.freeze()  # as wsgi.py does


@app.get("/bench/hello")
def bench_hello():
    return "hello", 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/bench/source")
def bench_source():
    """Which runpt this server runs (the checkout's, not the venv's editable install)."""
    return runpt.__file__, 200, {"Content-Type": "text/plain; charset=utf-8"}
