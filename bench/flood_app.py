"""The real app behind a trusted proxy (werkzeug's ProxyFix, as the README advises), so
the flood benchmark's clients can each come from their own address (X-Forwarded-For)
while every connection is on 127.0.0.1: the worst case for limits kept per address.
The app itself is not changed: this module only wraps its own instance, like
hello_app.py adds a route."""

from hello_app import app  # noqa: F401 - /bench/source, which the bench server checks
from werkzeug.middleware.proxy_fix import ProxyFix

app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
