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
from runpt.routines.steps import steps_of

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SLUGS = [entry["slug"] for entry in read_data("exercises.toml")["exercise"]]


def figure_path(slug: str) -> Path:
    return FIGURES / f"{slug}.svg"


def title_of(slug: str) -> str:
    root = ET.parse(figure_path(slug)).getroot()
    return root.find(f"{SVG}title").text.strip()


def drawn_on_its_page(client, slug: str) -> ET.Element:
    """The figure as the exercise's page draws it: its inline SVG, parsed."""
    body = client.get(f"/library/{slug}").get_data(as_text=True)
    found = re.search(r'<figure class="figure">(<svg.*?</svg>)</figure>', body, re.S)
    assert found, f"{slug}: its page draws no figure"
    svg = ET.fromstring(found[1])
    assert svg.get("aria-labelledby") == f"fig-{slug}", slug  # its own, not another's
    assert svg.find(f"{SVG}title").text.strip(), slug
    return svg


def a_body(part: ET.Element) -> bool:
    """A head and limbs: a circle and at least three strokes (a path's every "M" starts
    one: a figure may draw its trunk and limbs as one path)."""
    strokes = sum(len(re.findall("[Mm]", path.get("d"))) for path in part.iter(f"{SVG}path"))
    return part.find(f".//{SVG}circle") is not None and strokes >= 3


def test_the_library_has_45_exercises_to_draw(signed_in):
    assert len(SLUGS) == 45
    for slug in SLUGS:
        assert a_body(drawn_on_its_page(signed_in, slug)), slug


STRENGTH = [e["slug"] for e in read_data("exercises.toml")["exercise"] if e["phase"] == "strength"]


def poses(slug: str) -> dict[str, ET.Element]:
    root = ET.parse(figure_path(slug)).getroot()
    return {
        g.get("class").split()[1]: g
        for g in root.iter(f"{SVG}g")
        if (g.get("class") or "").startswith("pose ")
    }


@pytest.mark.parametrize("slug", STRENGTH)
def test_a_strength_exercises_figure_shows_where_the_movement_starts_and_ends(slug):
    """Two positions of one figure over the same props: the start and the end, drawn
    differently (the page takes turns between them, app.css)."""
    found = poses(slug)
    assert set(found) == {"pose-start", "pose-end"}
    start, end = (ET.tostring(found[name]) for name in ("pose-start", "pose-end"))
    assert start.replace(b"pose-start", b"") != end.replace(b"pose-end", b"")
    for pose in found.values():  # each a body: a head and limbs
        assert pose.find(f"{SVG}circle") is not None and len(pose.findall(f"{SVG}path")) >= 3


def test_every_strength_exercise_is_drawn_and_there_are_27(signed_in):
    assert len(STRENGTH) == 27
    for slug in STRENGTH:
        svg = drawn_on_its_page(signed_in, slug)
        drawn = {
            g.get("class"): g for g in svg.iter(f"{SVG}g") if g.get("class", "").startswith("pose ")
        }
        assert set(drawn) == {"pose pose-start", "pose pose-end"}, slug
        assert all(a_body(pose) for pose in drawn.values()), slug


@pytest.mark.parametrize("slug", ["eccentric-heel-drop", "eccentric-heel-drop-bent-knee"])
def test_the_heel_drop_figures_show_the_heel_going_below_the_step(slug):
    """The point of the exercise (content rule 2): up on the ball of the foot, the heel
    above the step's top; at the end it hangs below it, past the step's edge, where a
    dashed line carries the step's top back."""
    root = ET.parse(figure_path(slug)).getroot()
    step = root.find(f".//{SVG}rect[@id='fig-{slug}-step']")
    top, edge = float(step.get("y")), float(step.get("x"))
    level = next(e for e in root.iter(f"{SVG}path") if e.get("stroke-dasharray"))
    assert level.get("d").endswith(f"{top:g}H{edge:g}")
    found = poses(slug)
    up = found["pose-start"].find(f"{SVG}circle[@id='fig-{slug}-heel-up']")
    down = found["pose-end"].find(f"{SVG}circle[@id='fig-{slug}-heel-down']")
    assert float(up.get("cy")) < top
    assert float(down.get("cy")) > top + 8 and float(down.get("cx")) < edge
    assert "below" in title_of(slug)


def test_every_exercise_in_the_database_has_a_figure(app):
    with app.app_context():
        slugs = db.session.scalars(select(Exercise.slug)).all()
    assert slugs
    assert [slug for slug in slugs if not figure_path(slug).is_file()] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_figure_is_a_small_safe_accessible_svg(slug):
    path = figure_path(slug)
    source = path.read_text(encoding="utf-8")
    assert len(source.encode()) < 2500  # two poses included
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
        steps = steps_of(routine)
        picks = {steps[0].index: steps[0].exercise.slug, steps[-1].index: steps[-1].exercise.slug}
        routine_id = routine.id
    for index, slug in picks.items():
        body = signed_in.get(f"/session/{routine_id}/steps/{index}").get_data(as_text=True)
        assert html.escape(title_of(slug), quote=False) in body
        # Below what the runner must see at a glance (the dose and the countdown, which
        # come first for one thumb), above the log form.
        assert body.index("step-dose") < body.index("data-timer") < body.index("<svg")
        assert body.index("<svg") < body.index("data-log-form")
