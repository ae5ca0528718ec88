"""The exchanges' year timeline and statistics, drawn on the server as inline SVG."""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .labels import exchange_state

COLOURS = {"proposed": "#b0a48f", "confirmed": "#c28a3e", "approved": "#7a3e00",
           "completed": "#1d5e2b", "rejected": "#a4161a", "cancelled": "#5b554c"}
LABEL, WIDTH, ROW = 110, 560, 26


def timeline(exchanges, year: int) -> Markup:
    """One row per host institution; a bar per exchange across the months of ``year``."""
    hosts = sorted({e.host.code for e in exchanges})
    first, last = date(year, 1, 1), date(year, 12, 31)
    span = (last - first).days + 1
    height = ROW * max(len(hosts), 1) + 30

    def x(day: date) -> float:
        return LABEL + WIDTH * (min(max(day, first), last) - first).days / span

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LABEL + WIDTH + 10} {height}" '
             f'width="100%" role="img" aria-labelledby="timeline-title" class="chart">'
             f'<title id="timeline-title">'
             f'{escape(_("Teacher exchanges in %(year)s, by host institution", year=year))}</title>']
    for month in range(1, 13):
        left = x(date(year, month, 1))
        parts.append(f'<line x1="{left:.1f}" y1="0" x2="{left:.1f}" y2="{height - 20}" stroke="#e2d9c8"/>'
                     f'<text x="{left + 3:.1f}" y="{height - 6}" font-size="10" fill="#5b554c">'
                     f'{escape(format_date(date(year, month, 1), "LLL"))}</text>')  # the locale's month name
    for row, host in enumerate(hosts):
        y = row * ROW
        parts.append(f'<text x="{LABEL - 6}" y="{y + 17}" font-size="11" text-anchor="end" '
                     f'fill="#1f1d1a">{escape(host)}</text>')
        for e in (e for e in exchanges if e.host.code == host):
            left, right = x(e.starts_on), x(e.ends_on) + WIDTH / span
            parts.append(f'<rect x="{left:.1f}" y="{y + 5}" width="{max(right - left, 2):.1f}" height="16" '
                         f'rx="2" fill="{COLOURS[e.status]}"><title>{escape(e.teacher.name)}: '
                         f'{escape(e.home.code)} → {escape(host)}, {escape(format_date(e.starts_on))} – '
                         f'{escape(format_date(e.ends_on))} ({escape(exchange_state(e.status))})</title></rect>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside is escaped


def statistics_chart(rows: list[dict]) -> Markup:
    """Sent and received per partner, as paired horizontal bars."""
    top = max([max(r["sent"], r["received"]) for r in rows] or [1]) or 1
    height = ROW * max(len(rows), 1) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LABEL + 330} {height}" width="100%" '
             f'role="img" aria-labelledby="stats-title" class="chart"><title id="stats-title">'
             f'{escape(_("Exchanges sent and received per partner"))}</title>']
    for i, row in enumerate(rows):
        y = i * ROW
        sent, received = 300 * row["sent"] / top, 300 * row["received"] / top
        parts.append(f'<text x="{LABEL - 6}" y="{y + 16}" font-size="11" text-anchor="end">'
                     f'{escape(row["partner"].code)}</text>'
                     f'<rect x="{LABEL}" y="{y + 3}" width="{sent:.1f}" height="9" fill="#7a3e00"/>'
                     f'<rect x="{LABEL}" y="{y + 13}" width="{received:.1f}" height="9" fill="#1d5e2b"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside is escaped
