"""URLs runpt had before each word meant one thing (docs/architecture.md, "Words"):
phones in the field still hold them, in bookmarks, home-screen icons, pages kept
offline and the session in progress (its `playerUrl`). Each answers with a permanent
redirect to its new URL, its query string kept; 308, so a form posted from a page kept
before the rename (training days) is posted again to the new URL, method and body
intact. The service worker maps the same paths offline (sw-shared.js `currentPath`);
tests/test_old_urls.py holds the two lists together."""

from urllib.parse import quote

from flask import Blueprint, redirect, request, url_for

bp = Blueprint("old_urls", __name__)

# (old rule, methods, the endpoint it is now). A new rename adds a row here and to
# sw-shared.js's OLD_PATHS.
OLD_URLS = [
    ("/run/<int:routine_id>", ["GET"], "player.player"),
    ("/run/<int:routine_id>/steps/<int:index>", ["GET"], "player.step"),
    ("/history/plan", ["GET", "POST"], "history.training_days"),
    ("/history/plan.ics", ["GET"], "history.training_days_ics"),
    ("/running/plan", ["GET"], "running.stages"),
]


def moved_to(endpoint: str):
    def moved(**arguments):
        target = url_for(endpoint, **arguments)
        # As sent, bytes that aren't UTF-8 too (quoted, never decoded: a 308, not a 500).
        query = quote(request.query_string, safe="=&%+;/?:@,!$'()*~-._")
        return redirect(f"{target}?{query}" if query else target, 308)

    moved.__name__ = f"old_{endpoint.replace('.', '_')}"
    return moved


for rule, methods, endpoint in OLD_URLS:
    bp.add_url_rule(rule, view_func=moved_to(endpoint), methods=methods)
