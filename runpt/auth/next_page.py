"""Where a runner comes back to after logging in or signing up: the page they asked for
(`next`, only ever a path on this site: runpt/security/come_back.py), or, for a form
refused because they were signed out, the page the form's view names. The account pages,
the first-run questions and the routine links all read it here."""

from flask import request

from runpt.security import site_path


def wanted_next() -> str | None:
    """The page to come back to after logging in or signing up (`next`), when it is a
    path on this site: never an open redirect to another host (runpt/security/come_back.py)."""
    return site_path(request.values.get("next", ""))


def safe_next(default: str) -> str:
    return wanted_next() or default


def comes_back_to(page):
    """Marks a view taking a form (a POST) with where a signed-out runner comes back to
    after logging in: `page()`, a path or None, read from the request that was refused."""

    def mark(view):
        view.comes_back_to = page
        return view

    return mark


def marked_come_back(view) -> str | None:
    """The page a view marked with `comes_back_to` names for this request; None for a
    view with no mark."""
    page = getattr(view, "comes_back_to", None)
    return page and page()
