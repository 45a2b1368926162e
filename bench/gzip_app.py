"""The app as deployed: behind a proxy that gzips text responses (README, "Deployment").

runpt does not compress; a reverse proxy does (nginx `gzip on`, Caddy `encode gzip`).
This module stands in for that proxy in `bench/lighthouse.py --gzip`: the same app as
`bench/hello_app.py`, with HTML, CSS, JavaScript, JSON, the manifest and SVG gzipped
at zlib level 6 when the browser accepts gzip. Nothing else changes.
"""

import gzip

from hello_app import app

COMPRESSED_TYPES = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
}
MIN_SIZE = 256


class GzipProxy:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return self.wsgi_app(environ, start_response)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.wsgi_app(environ, capture)
        try:
            body = b"".join([*captured.get("written", []), *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = captured["status"], captured["headers"]
        names = {name.lower(): value for name, value in headers}
        mimetype = names.get("content-type", "").split(";")[0].strip()
        if (
            status.startswith("200")
            and mimetype in COMPRESSED_TYPES
            and "content-encoding" not in names
            and len(body) >= MIN_SIZE
        ):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers = [(k, v) for k, v in headers if k.lower() not in {"content-length", "etag"}]
            headers += [
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(body))),
                ("Vary", "Accept-Encoding"),
            ]
        start_response(status, headers)
        return [body]


app.wsgi_app = GzipProxy(app.wsgi_app)
