"""A bare Flask app: one route, no hooks, no database, no extensions. The baseline that
runpt's own request path is measured against (bench/throughput.py, issue #19 item 1):
the same gunicorn, the same machine, the same run."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello", 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/healthz")
def healthz():
    """What tests/live_server.py waits for before a run starts."""
    return "ok"
