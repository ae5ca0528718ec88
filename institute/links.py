"""Absolute links for messages that leave the site (emails, certificates).

Inside a request the request's own host is used; from the command line or a
background job, ``BASE_URL``.
"""

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)
