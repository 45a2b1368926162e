"""Request bodies are held to a size limit, whether they come with a length or chunked."""

import io

from flask import abort, current_app, request

from runpt.security.origins import UNSAFE_METHODS

READ_CHUNK = 64 * 1024


def accepts_bodies_up_to(limit: int):
    """Marks a view that takes a larger body than MAX_CONTENT_LENGTH (a watch file to
    import): its own limit, applied before anything reads the body."""

    def mark(view):
        view.body_limit = limit
        return view

    return mark


def read_streamed_body():
    """A body sent without Content-Length (chunked) is read here, at most the size limit,
    so one over it is a 413 like any other. Left to Werkzeug, it would be cut at the limit
    and handed on, and a sync batch would answer "not valid JSON". A view marked with
    `accepts_bodies_up_to` gets its own limit, for bodies with a length too."""
    if request.method not in UNSAFE_METHODS:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "body_limit", None):
        request.max_content_length = view.body_limit
    limit = request.max_content_length
    if request.content_length is not None or limit is None:
        return
    if not request.environ.get("wsgi.input_terminated"):
        return  # the server can't end such a body: Werkzeug reads it as empty
    stream, body = request.environ["wsgi.input"], bytearray()
    while len(body) <= limit and (chunk := stream.read(READ_CHUNK)):
        body += chunk
    if len(body) > limit:
        abort(413)
    request.environ["wsgi.input"] = io.BytesIO(bytes(body))
    request.environ["CONTENT_LENGTH"] = str(len(body))
