"""Exercise figures: one small SVG per exercise in static/figures, put inline in the page
so its `currentColor` strokes follow the text colour (and so dark mode)."""

from functools import cache
from pathlib import Path

from markupsafe import Markup

FIGURES = Path(__file__).resolve().parent.parent / "static" / "figures"


@cache
def figure(slug: str) -> Markup:
    """The exercise's figure as inline SVG markup, read once; empty when there is none."""
    path = FIGURES / f"{slug}.svg"
    if "/" in slug or not path.is_file():
        return Markup("")
    return Markup(path.read_text(encoding="utf-8").strip())
