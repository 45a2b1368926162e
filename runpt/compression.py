"""Compressed responses from the app itself (Flask-Compress), where the client accepts
them: a step fragment is ~5 KB of HTML and ~1.6 KB compressed, runners are often on
mobile data, and a deployment may have no compressing proxy in front. A proxy that
does compress sees `Content-Encoding` and leaves the body alone."""

from flask import Flask, Response, request

from runpt.extensions import compress


def read_static_file(response: Response) -> Response:
    """Flask sends a static file as a stream from the open file. Compressing a stream,
    Flask-Compress would read the file but never close it; read it here instead (the
    file is closed with the response), so it is compressed as one body with a
    Content-Length, and a conditional request is checked against the compressed
    representation's ETag."""
    if request.endpoint == "static" and response.direct_passthrough:
        response.direct_passthrough = False
        response.make_sequence()
    return response


def init_app(app: Flask) -> None:
    compress.init_app(app)
    # After-request hooks run last-registered first: this one runs just before the
    # compressing one.
    app.after_request(read_static_file)
