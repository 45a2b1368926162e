"""Small line charts drawn on the server as SVG: no chart library, no script, readable
on a phone (one series or two, big dots, labels at the ends) and described in words for
screen readers; every chart's page also has the numbers as a table."""

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 14, 30
# The y axis's labels are drawn right-aligned left of the plot: the plot starts far
# enough in for the longest of them ("150 min" is 7 characters of 12 px text, about
# 47 px), so none is cut at the drawing's left edge (issue 24: "0 / 5 / 0 min").
AXIS_CHAR_PX = 7.2
AXIS_GAP = 6
# Over this many points a series' dots are drawn thinner, as one path (`_dots`).
MANY_POINTS = 40


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[date, float]]
    css: str = "series-a"  # app.css colours each series; both themes


@dataclass(frozen=True)
class Band:
    """A shaded range of the y axis, e.g. pain 0-2 'safe'."""

    low: float
    high: float
    css: str


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    series: list[Series],
    *,
    y_max: float | None = None,
    unit: str = "",
    bands: tuple[Band, ...] = (),
) -> Markup:
    days = sorted({day for s in series for day, _ in s.points})
    if not days:
        return Markup("")
    top = y_max if y_max is not None else _nice_ceiling(max(v for s in series for _, v in s.points))
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    ticks = [(value, f"{_number(value)}{unit}") for value in (0, top / 2, top)]
    left = max(LEFT, round(AXIS_GAP * 2 + AXIS_CHAR_PX * max(len(t) for _, t in ticks)))

    def x(day: date) -> float:
        if first == last:
            return left + (WIDTH - left - RIGHT) / 2
        return left + (day - first).days / span * (WIDTH - left - RIGHT)

    def y(value: float) -> float:
        return TOP + (1 - value / top) * (HEIGHT - TOP - BOTTOM) if top else HEIGHT - BOTTOM

    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for band in bands:
        y_high, y_low = y(min(band.high, top)), y(band.low)
        parts.append(
            f'<rect class="band {band.css}" x="{left}" y="{y_high:.1f}" '
            f'width="{WIDTH - left - RIGHT}" height="{max(y_low - y_high, 0):.1f}"/>'
        )
    for value, label in ticks:
        parts.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}"/>'
            f'<text class="axis" x="{left - AXIS_GAP}" y="{y(value) + 5:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
    parts.append(
        f'<text class="axis" x="{left}" y="{HEIGHT - 8}">{_short(first)}</text>'
        f'<text class="axis" x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">'
        f"{_short(last)}</text>"
    )
    for s in series:
        points = sorted(s.points)
        # Each point's position is worked out once, for the line and for its dot.
        at = [(f"{x(d):.1f}", f"{y(v):.1f}") for d, v in points]
        if len(points) > 1:
            coords = " ".join(f"{cx},{cy}" for cx, cy in at)
            parts.append(f'<polyline class="line {s.css}" points="{coords}"/>')
        parts.append(_dots(at, s.css))
    parts.append("</svg>")
    return Markup("".join(parts))


def _dots(at: list[tuple[str, str]], css: str) -> str:
    """A dot on each point. A few: a circle each. Many (three years of sessions): thinner
    dots, so the line stays readable, and all of them one path of zero-length strokes with
    round ends, which look the same: a phone lays out and paints one element, not hundreds
    (an exercise's 300 sessions on two sides drew 600 circles, issue 27 item 2)."""
    if len(at) <= MANY_POINTS:
        return "".join(f'<circle class="dot {css}" cx="{cx}" cy="{cy}" r="4"/>' for cx, cy in at)
    strokes = "".join(f"M{cx} {cy}h0" for cx, cy in at)
    return f'<path class="dots {css}" d="{strokes}"/>'


def _nice_ceiling(value: float) -> float:
    """A round top for the y axis a little above the highest value."""
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if value <= step * 4:
            return float(-(-value // step) * step) if value % step else value + step
    return value * 1.1


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _short(day: date) -> str:
    return f"{day.day} {day:%b %y}"
