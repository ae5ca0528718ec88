"""Light on metered links: static files named by their content, responses compressed.

Every ``url_for('static', filename=…)`` carries ``v=<the file's content hash>``; a
request naming the current hash is answered with a year of caching
(``immutable``), so a browser holding the page's stylesheet, script and icon asks
for none of them again until a file changes, and with it its URL: a warm page is
one request. A request with an old or no hash is served as before (revalidated).

Responses are compressed (brotli, else gzip) by Flask-Compress unless
``COMPRESS_REGISTER`` is off, for deployments whose proxy compresses already.
"""

import hashlib
import os

from flask import Flask, request
from flask_compress import Compress
from werkzeug.security import safe_join

A_YEAR = 365 * 24 * 3600
_hashes: dict[str, tuple[float, str]] = {}  # path → (mtime, hash): read once per file change


def content_hash(app: Flask, filename: str) -> str | None:
    path = safe_join(app.static_folder or "", filename or "")
    if path is None:
        return None
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    cached = _hashes.get(path)
    if cached is None or cached[0] != mtime:
        with open(path, "rb") as fh:
            cached = _hashes[path] = (mtime, hashlib.sha256(fh.read()).hexdigest()[:12])
    return cached[1]


def init_static_files(app: Flask) -> None:
    @app.url_defaults
    def name_static_files_by_content(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            digest = content_hash(app, values.get("filename", ""))
            if digest:
                values["v"] = digest

    @app.after_request
    def cache_named_static_files(response):
        if request.endpoint == "static" and response.status_code in (200, 304) and request.args.get("v") and \
                request.args["v"] == content_hash(app, (request.view_args or {}).get("filename", "")):
            response.cache_control.no_cache = None  # what Flask sets for files without a max age
            response.cache_control.public = True
            response.cache_control.max_age = A_YEAR
            response.cache_control.immutable = True
        return response

    Compress(app)
