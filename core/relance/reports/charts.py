"""Small SVG charts, written inline in the HTML report (no script, no external file).

Geometry is computed in :class:`~decimal.Decimal` like the amounts it draws, and written
with one decimal: the page looks the same in every browser and in every test run.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

__all__ = ["bar_chart", "line_chart"]

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 45, 40
COLOURS = ("#2e7d32", "#9ccc65", "#fbc02d", "#fb8c00", "#e53935", "#8e24aa", "#546e7a")


def _n(value: Decimal | int) -> str:
    return f"{Decimal(value).quantize(Decimal('0.1'))}"


def _frame(title: str, body: list[str], label: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}">'
        f"<title>{escape(title)}</title>"
        f'<text x="{LEFT}" y="18" class="chart-title">{escape(title)}</text>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text is escaped


def _scale(values: Sequence[Decimal]) -> Decimal:
    top = max((abs(v) for v in values), default=Decimal(0))
    return top if top > 0 else Decimal(1)


def bar_chart(title: str, bars: Sequence[tuple[str, Decimal, str]]) -> Markup:
    """Vertical bars: (label under the bar, value, text above the bar)."""
    plot_w = Decimal(WIDTH - LEFT - RIGHT)
    plot_h = Decimal(HEIGHT - TOP - BOTTOM)
    top = _scale([value for _label, value, _text in bars])
    step = plot_w / max(len(bars), 1)
    base = Decimal(HEIGHT - BOTTOM)
    body = [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999"/>']
    for index, (label, value, text) in enumerate(bars):
        height = plot_h * max(value, Decimal(0)) / top
        x = LEFT + step * index + step / 10
        width = step * 8 / 10
        middle = x + width / 2
        colour = COLOURS[index % len(COLOURS)]
        body.append(
            f'<rect x="{_n(x)}" y="{_n(base - height)}" width="{_n(width)}" '
            f'height="{_n(height)}" fill="{colour}"><title>{escape(label)}: {escape(text)}'
            f"</title></rect>"
            f'<text x="{_n(middle)}" y="{_n(base - height - 4)}" text-anchor="middle" '
            f'class="chart-value">{escape(text)}</text>'
            f'<text x="{_n(middle)}" y="{_n(base + 16)}" text-anchor="middle" '
            f'class="chart-label">{escape(label)}</text>'
        )
    return _frame(title, body, title)


def line_chart(title: str, points: Sequence[tuple[str, Decimal | None]]) -> Markup:
    """A line through the points that have a value; (label on the axis, value)."""
    plot_w = Decimal(WIDTH - LEFT - RIGHT)
    plot_h = Decimal(HEIGHT - TOP - BOTTOM)
    top = _scale([value for _label, value in points if value is not None])
    step = plot_w / max(len(points) - 1, 1)
    base = Decimal(HEIGHT - BOTTOM)
    body = [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999"/>']
    path: list[str] = []
    for index, (label, value) in enumerate(points):
        x = LEFT + step * index
        body.append(
            f'<text x="{_n(x)}" y="{_n(base + 16)}" text-anchor="middle" '
            f'class="chart-label">{escape(label)}</text>'
        )
        if value is None:
            continue
        y = base - plot_h * value / top
        path.append(f"{'M' if not path else 'L'}{_n(x)},{_n(y)}")
        body.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="#1565c0"/>'
            f'<text x="{_n(x)}" y="{_n(y - 8)}" text-anchor="middle" '
            f'class="chart-value">{escape(str(value))}</text>'
        )
    if path:
        body.insert(
            1, f'<path d="{" ".join(path)}" fill="none" stroke="#1565c0" stroke-width="2"/>'
        )
    return _frame(title, body, title)
