"""The HTTP API foundation: token auth, the error envelope, OpenAPI.

Each domain keeps its routes in its own ``api.py`` on an :class:`ApiBlueprint`;
this package only provides the machinery they share.
"""

from .routing import ApiBlueprint, current_api_user, json_body, token_loader

__all__ = ["ApiBlueprint", "current_api_user", "json_body", "token_loader"]
