"""Where course pages and files live. Rendered HTML stores these paths, so they are
defined once here and the routes in ``views.py`` are built from the same patterns."""

from urllib.parse import quote

COURSE = "/courses/<slug>"
MODULE = "/courses/<slug>/modules/<module>"
# Files are addressed by content, so a URL never changes meaning: cacheable for ever.
FILE = "/courses/<slug>/files/<sha256>/<path:path>"


def course_path(slug: str) -> str:
    return f"/courses/{slug}"


def module_path(slug: str, module: str) -> str:
    return f"/courses/{slug}/modules/{module}"


def file_path(slug: str, sha256: str, path: str) -> str:
    return f"/courses/{slug}/files/{sha256}/{quote(path)}"
