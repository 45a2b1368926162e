"""Error answers a person can act on: JSON for the API, a page for everything else."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "That request could not be understood.",
    404: "There is nothing here. It may have been deleted, or the link is wrong.",
    405: "That action is not allowed here.",
    413: "That request is too large. Sync sends at most 500 events (2 MB) at a time.",
    415: "Send JSON with Content-Type: application/json.",
    429: "Too many attempts. Wait a minute and try again.",
    500: "Something went wrong on our side. Your logs are safe on your phone.",
}
# Where a page needs other words than the API: a form is not a sync batch.
PAGE_MESSAGES = {
    405: (
        "This address is where a form's button sends what you entered; it isn't a page to "
        "open. Go back to the page with the form and use its button."
    ),
    413: "That is too much to send at once. Shorten what you typed and try again.",
}


def handle_http_error(error: HTTPException):
    status = error.code or 500
    message = MESSAGES.get(status, error.description)
    if request.path.startswith("/api/"):
        return jsonify(error=message), status
    message = PAGE_MESSAGES.get(status, message)
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
