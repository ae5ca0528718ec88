"""Charts drawn on the server as inline SVG: no script, nothing fetched, readable by
screen readers through their title and the table that always sits beside them."""

from flask_babel import format_percent
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .progress import FellowProgress

ROW, LABEL, BAR = 22, 190, 300


def progress_chart(fellows: list[FellowProgress], title: str | None = None) -> Markup:
    """One horizontal bar per fellow: share of modules done and quizzes passed; its words
    and numbers in the reader's language."""
    title = title or _("Progress of each fellow")
    height = ROW * max(len(fellows), 1) + 24
    width = LABEL + BAR + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-labelledby="chart-title" class="chart">',
             f'<title id="chart-title">{escape(title)}</title>']
    for tick in (0, 50, 100):
        x = LABEL + BAR * tick / 100
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height - 18}" stroke="#d8cfbf"/>'
                     f'<text x="{x}" y="{height - 4}" font-size="11" text-anchor="middle" '
                     f'fill="#5b554c">{escape(format_percent(tick / 100))}</text>')
    percents: dict[int, str] = {}  # each percent in words once: a cohort repeats a few values
    for index, fellow in enumerate(fellows):
        y = index * ROW
        percent = fellow.percent
        if percent not in percents:
            percents[percent] = str(escape(format_percent(percent / 100)))
        fill = "#1d5e2b" if fellow.completed else "#7a3e00"
        name = escape(fellow.user.name if len(fellow.user.name) <= 26 else fellow.user.name[:25] + "…")
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="#1f1d1a">{name}</text>'
            f'<rect x="{LABEL}" y="{y + 4}" width="{BAR}" height="14" fill="#efe7d8"/>'
            f'<rect x="{LABEL}" y="{y + 4}" width="{BAR * percent / 100:.1f}" height="14" '
            f'fill="{fill}"/>'
            f'<text x="{LABEL + BAR + 6}" y="{y + 15}" font-size="12" fill="#1f1d1a">'
            f'{percents[percent]}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside is escaped above
