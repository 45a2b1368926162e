"""Pages opened with a runner's share link (runpt/pages/sharing.py), error pages included.
They show the runner who made the link, never whoever is signed in on the browser that
opens it: they never load a signed-in runner, set no cookie and are never indexed."""

from flask import request

LINK_PAGES = "/shared/"


def is_link_page() -> bool:
    """This request is for a page opened with a share link."""
    return request.path.startswith(LINK_PAGES)


def keep_link_pages_private(response):
    """A shared report is health data: no cache keeps it, no search engine lists it
    (the page says so too, for crawlers that read only the markup)."""
    if is_link_page():
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response
