"""Server-side SVG charts: accessible (role="img", <title>, <desc>), labelled, no script, no CSS.

Every chart is plain markup with presentation attributes only (the CSP forbids inline styles),
so it renders the same in the browser and in the WeasyPrint edition. The page always shows the
chart's figures in a table beside it; the chart never carries information the table lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from hrtele.web.filters import number_fr

INK = "#1d2433"
MUTED = "#5b6475"
BAR = "#1f4f8f"
GRID = "#d6dbe4"
FONT = "DejaVu Sans, system-ui, sans-serif"
_ID_RE = re.compile(r"[^a-z0-9-]+")

Number = int | float | Decimal


def _id(chart_id: str) -> str:
    return _ID_RE.sub("-", chart_id.lower()).strip("-") or "graphique"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: Number) -> float:
    return float(value or 0)


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    cid = _id(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{cid}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    items: Sequence[tuple[str, Number]],
    *,
    value_text: Callable[[Number], str] = number_fr,
    width: int = 560,
    label_width: int = 210,
) -> Markup:
    """Horizontal bars, one per (label, value), with the label left and the value right."""
    row, top = 26, 8
    value_width = 90
    height = top * 2 + max(1, len(items)) * row
    area = width - label_width - value_width
    biggest = max((_num(v) for _, v in items), default=0) or 1
    parts = _open(chart_id, title, description, width, height)
    if not items:
        parts.append(f'<text x="8" y="{top + 17}" font-size="13" fill="{MUTED}">'
                     "Aucune donnée</text>")
    for index, (label, value) in enumerate(items):
        y = top + index * row
        length = round(area * _num(value) / biggest, 1)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" font-size="12" fill="{INK}" '
            f'text-anchor="end">{escape(_clip(str(label), 30))}</text>'
        )
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{max(length, 0)}" '
                     f'height="{row - 9}" fill="{BAR}"/>')
        parts.append(
            f'<text x="{label_width + max(length, 0) + 6}" y="{y + 17}" font-size="12" '
            f'fill="{INK}">{escape(value_text(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    chart_id: str,
    title: str,
    description: str,
    items: Sequence[tuple[str, Number]],
    *,
    value_text: Callable[[Number], str] = number_fr,
    width: int = 640,
    height: int = 250,
) -> Markup:
    """Vertical columns over time (e.g. 12 months), value above each column, label below."""
    left, right, top, bottom = 8, 8, 22, 40
    count = max(1, len(items))
    slot = (width - left - right) / count
    bar = slot * 0.62
    area = height - top - bottom
    biggest = max((_num(v) for _, v in items), default=0) or 1
    parts = _open(chart_id, title, description, width, height)
    baseline = top + area
    parts.append(f'<line x1="{left}" y1="{baseline}" x2="{width - right}" y2="{baseline}" '
                 f'stroke="{GRID}" stroke-width="1"/>')
    for index, (label, value) in enumerate(items):
        x = left + index * slot
        h = round(area * _num(value) / biggest, 1)
        center = round(x + slot / 2, 1)
        parts.append(f'<rect x="{round(x + (slot - bar) / 2, 1)}" y="{round(baseline - h, 1)}" '
                     f'width="{round(bar, 1)}" height="{h}" fill="{BAR}"/>')
        parts.append(
            f'<text x="{center}" y="{round(baseline - h - 5, 1)}" font-size="10" fill="{INK}" '
            f'text-anchor="middle">{escape(value_text(value))}</text>'
        )
        words = str(label).split(" ", 1)
        parts.append(
            f'<text x="{center}" y="{baseline + 15}" font-size="10" fill="{INK}" '
            f'text-anchor="middle">{escape(words[0])}</text>'
        )
        if len(words) > 1:
            parts.append(
                f'<text x="{center}" y="{baseline + 28}" font-size="10" fill="{MUTED}" '
                f'text-anchor="middle">{escape(words[1])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
