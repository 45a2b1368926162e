"""Every exercise has a figure of its position: a small, safe SVG shown inline on its
page and on its step in the player."""

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqlalchemy import select

from runpt.extensions import db
from runpt.library.figures import FIGURES, figure
from runpt.library.loader import read_data
from runpt.library.models import Exercise
from runpt.routines.models import Routine
from runpt.routines.steps import plan

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SLUGS = [entry["slug"] for entry in read_data("exercises.toml")["exercise"]]


def figure_path(slug: str) -> Path:
    return FIGURES / f"{slug}.svg"


def title_of(slug: str) -> str:
    root = ET.parse(figure_path(slug)).getroot()
    return root.find(f"{SVG}title").text.strip()


def test_the_library_has_45_exercises_to_draw():
    assert len(SLUGS) == 45


@pytest.mark.parametrize("slug", ["eccentric-heel-drop", "eccentric-heel-drop-bent-knee"])
def test_the_heel_drop_figures_show_the_heel_going_below_the_step(slug):
    """The point of the exercise (CONTENT.md rule 2): the heel drops below the step's top,
    which a dashed line marks at the step's height."""
    root = ET.parse(figure_path(slug)).getroot()
    step = next(e for e in root.iter(f"{SVG}rect"))
    top = float(step.get("y"))
    level = next(e for e in root.iter(f"{SVG}path") if e.get("stroke-dasharray"))
    assert level.get("d").endswith(f"{top:g}") or f"{top:g}H" in level.get("d")
    # The body is drawn with the thick strokes; the faded path is the other leg, lifted.
    body = next(g for g in root.iter(f"{SVG}g") if g.get("stroke-width") == "8")
    points = [
        tuple(float(n) for n in pair.split())
        for path in body.iter(f"{SVG}path")
        if path.get("stroke-opacity") is None
        for pair in re.findall(r"[ML](\d+ \d+)", path.get("d"))
    ]
    # Off the step's edge, where the heel hangs: well below the step's top.
    lowest_off_the_step = max(y for x, y in points if x < float(step.get("x")))
    assert lowest_off_the_step > top + 8
    assert "below" in title_of(slug)
    heel = root.find(f".//{SVG}circle[@id='fig-eccentric-heel-drop-heel']")
    if heel is not None:
        assert float(heel.get("cy")) > top


def test_every_exercise_in_the_database_has_a_figure(app):
    with app.app_context():
        slugs = db.session.scalars(select(Exercise.slug)).all()
    assert slugs
    assert [slug for slug in slugs if not figure_path(slug).is_file()] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_figure_is_a_small_safe_accessible_svg(slug):
    path = figure_path(slug)
    source = path.read_text(encoding="utf-8")
    assert len(source.encode()) < 2500
    root = ET.fromstring(source)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 240 160"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text and title.text.strip()
    assert root.get("aria-labelledby") == title.get("id")
    for element in root.iter():
        assert element.tag != f"{SVG}script"
        assert element.tag.startswith(SVG), element.tag  # no foreign (HTML) content
        assert "style" not in element.attrib
        assert "href" not in element.attrib and XLINK_HREF not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    lowered = source.lower()
    assert "<script" not in lowered and "style=" not in lowered
    assert (
        "href" not in lowered
        and "url(" not in lowered
        and "http://" not in lowered.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    # The figure follows the text colour, so it works in dark mode.
    assert 'stroke="currentColor"' in source


def test_figure_helper_returns_markup_once_read_and_nothing_for_unknown_slugs():
    assert figure("glute-bridge") is figure("glute-bridge")
    assert str(figure("glute-bridge")).startswith("<svg")
    assert str(figure("no-such-exercise")) == ""
    assert str(figure("../app")) == ""


@pytest.mark.parametrize("slug", ["glute-bridge", "side-plank", "wall-sit", "clamshell"])
def test_exercise_page_shows_its_figure(signed_in, slug):
    body = signed_in.get(f"/library/{slug}").get_data(as_text=True)
    assert '<figure class="figure"><svg' in body
    assert html.escape(title_of(slug), quote=False) in body
    assert f'aria-labelledby="fig-{slug}"' in body


def test_step_fragment_shows_its_exercises_figure(signed_in, app):
    with app.app_context():
        routine = db.session.scalar(select(Routine).where(Routine.slug == "runners-essentials"))
        steps = plan(routine)
        picks = {steps[0].index: steps[0].exercise.slug, steps[-1].index: steps[-1].exercise.slug}
        routine_id = routine.id
    for index, slug in picks.items():
        body = signed_in.get(f"/run/{routine_id}/steps/{index}").get_data(as_text=True)
        assert html.escape(title_of(slug), quote=False) in body
        # Between the dose line and the timer.
        assert body.index("step-dose") < body.index("<svg") < body.index("data-timer")
