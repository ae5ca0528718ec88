"""The evaluation's charts, drawn on the server as inline SVG: no script, nothing fetched;
each has a title and a text alternative, and a table or list beside it says the same."""

from flask_babel import format_decimal
from markupsafe import Markup, escape

from .models import RATINGS


def _svg(width: int, height: int, key: str, title: str, description: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-labelledby="{key}-title {key}-desc" class="chart">'
            f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(description)}</desc>')
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text inside is escaped


def distribution_chart(key: str, title: str, counts: dict[int, int], description: str) -> Markup:
    """One column per rating, 1 to 5, its count above it."""
    width, height, base, column = 300, 150, 120, 44
    top = max(counts.values()) or 1
    body = [f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#d8cfbf"/>']
    for index, rating in enumerate(RATINGS):
        x = 20 + index * (column + 12)
        h = 95 * counts.get(rating, 0) / top
        body.append(f'<rect x="{x}" y="{base - h:.1f}" width="{column}" height="{h:.1f}" fill="#1d5e2b"/>'
                    f'<text x="{x + column / 2}" y="{base - h - 4:.1f}" font-size="12" text-anchor="middle" '
                    f'fill="#1f1d1a">{counts.get(rating, 0)}</text>'
                    f'<text x="{x + column / 2}" y="{base + 16}" font-size="12" text-anchor="middle" '
                    f'fill="#5b554c">{rating}</text>')
    return _svg(width, height, key, title, description, body)


def bar_chart(key: str, title: str, rows: list[tuple[str, float, str]], top: float, description: str) -> Markup:
    """One horizontal bar per row (label, value, the value as shown), scaled to ``top``."""
    row, label, bar = 24, 170, 250
    height = row * max(len(rows), 1) + 8
    body = []
    for index, (name, value, shown) in enumerate(rows):
        y = index * row
        name = name if len(name) <= 24 else name[:23] + "…"
        width = bar * value / top if top else 0
        body.append(f'<text x="{label - 8}" y="{y + 16}" font-size="12" text-anchor="end" fill="#1f1d1a">'
                    f'{escape(name)}</text>'
                    f'<rect x="{label}" y="{y + 5}" width="{bar}" height="14" fill="#efe7d8"/>'
                    f'<rect x="{label}" y="{y + 5}" width="{width:.1f}" height="14" fill="#1d5e2b"/>'
                    f'<text x="{label + bar + 6}" y="{y + 16}" font-size="12" fill="#1f1d1a">{escape(shown)}</text>')
    return _svg(label + bar + 70, height, key, title, description, body)


def number(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, format="0.##")
