"""Absolute links for messages that leave the site (emails, certificates).

Always from ``BASE_URL``, never from a request's Host header: a forged Host must
not put another site's address into a password link or a certificate's QR code.
"""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    return _base_url_adapter().build(endpoint, values, force_external=True)


def _base_url_adapter():
    """The app's URL map bound to ``BASE_URL``, made once per app and address (a fake request
    per link cost a millisecond each when issuing hundreds of certificates)."""
    base_url = current_app.config["BASE_URL"]
    cached = current_app.extensions.get("links.base_url_adapter")
    if cached is None or cached[0] != base_url:
        parts = urlsplit(base_url)
        adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                           url_scheme=parts.scheme or "http")
        cached = current_app.extensions["links.base_url_adapter"] = (base_url, adapter)
    return cached[1]
