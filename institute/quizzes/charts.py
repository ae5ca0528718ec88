"""Small bar charts drawn on the server as inline SVG."""

from markupsafe import Markup


def bar(value: float | None, maximum: float = 100, width: int = 120) -> Markup:
    """A bar of ``value`` out of ``maximum``; its number is always printed beside it."""
    share = 0 if not value or maximum <= 0 else max(0.0, min(1.0, value / maximum))
    return Markup(  # noqa: S704 - only numbers go into it
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="12" aria-hidden="true" '
        f'class="bar"><rect width="{width}" height="12" fill="#efe7d8"/>'
        f'<rect width="{share * width:.1f}" height="12" fill="#7a3e00"/></svg>')
