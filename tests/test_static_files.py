"""Static files named by their content and cached for a year; responses compressed."""

import gzip
import os
import re

import brotli
from flask import url_for

from institute import create_app

from .conftest import TEST_CONFIG


def _static_urls(client) -> list[str]:
    return re.findall(r'/static/[^"]+', client.get("/login").get_data(as_text=True))


def test_static_urls_carry_the_files_content_hash_and_get_a_year_of_caching(client):
    urls = _static_urls(client)
    assert {u.split("?")[0] for u in urls} >= {"/static/style.css", "/static/favicon.svg"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        cache = client.get(url).headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "no-cache" not in cache


def test_an_old_or_missing_hash_is_served_but_revalidated(client):
    for url in ("/static/style.css", "/static/style.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200 and "immutable" not in response.headers.get("Cache-Control", "")


def test_a_changed_file_gets_a_new_url(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.css").write_text("body { color: black }")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path / "i"))
    app.static_folder = str(static)
    with app.test_request_context():
        before = url_for("static", filename="style.css")
        (static / "style.css").write_text("body { color: navy }")
        os.utime(static / "style.css", (1, 1))  # a different mtime, as an edit gives
        after = url_for("static", filename="style.css")
    assert before != after and before.split("?")[0] == after.split("?")[0]


def test_pages_are_compressed_for_browsers_that_accept_it_and_only_for_them(client):
    plain = client.get("/login")
    assert "Content-Encoding" not in plain.headers
    as_brotli = client.get("/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert as_brotli.headers["Content-Encoding"] == "br" and "Accept-Encoding" in as_brotli.headers["Vary"]
    as_gzip = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert as_gzip.headers["Content-Encoding"] == "gzip"

    def text(body: bytes) -> str:  # the CSRF token differs on each request
        return re.sub(r'value="[^"]*"', "", body.decode())

    assert text(brotli.decompress(as_brotli.get_data())) == text(plain.get_data())
    assert text(gzip.decompress(as_gzip.get_data())) == text(plain.get_data())
    assert len(as_brotli.get_data()) < len(plain.get_data()) / 2


def test_compression_can_be_left_to_a_proxy(tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "COMPRESS_REGISTER": False},
                     instance_path=str(tmp_path))
    response = app.test_client().get("/login", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in response.headers
