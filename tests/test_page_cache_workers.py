"""Kept pages across real gunicorn workers: a write through one worker reaches the page
every other worker kept (institute/page_cache.py raises one generation in the database,
which every worker reads)."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade

from institute import create_app
from institute.courses.services import get_course
from institute.extensions import db

from .builders import PASSWORD, create_course, create_session, create_user, enrol
from .conftest import TEST_CONFIG

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3


class Browser:
    """Cookies by name, sent back whatever their Secure flag (the server is plain HTTP
    here); a new connection per request, so that the workers share the requests."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, probe: str = "-") -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Connection": "close", "X-Probe": probe}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode()
        connection.close()
        return response.status, text

    def token(self, path: str) -> str:
        _status, page = self.request("GET", path)
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)

    def log_in(self, email: str) -> None:
        token = self.token("/login")
        status, _ = self.request("POST", "/login", urlencode({"email": email, "password": PASSWORD,
                                                              "csrf_token": token}))
        assert status == 302


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """Three single-threaded gunicorn workers on a SQLite file with a session, its
    teacher and a fellow; yields (port, access log, ids)."""
    url = f"sqlite:///{tmp_path / 'served.sqlite'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
        admin = create_user(email="admin@example.org", roles="admin")
        create_user(email="teacher@example.org", roles="instructor")
        create_course(slug="dunes", modules=2, quiz=False)
        session = create_session(courses=["dunes"], instructors=["teacher@example.org"])
        enrol(session, email="amina@example.org", name="Amina Diallo", admin=admin)
        db.session.commit()
        ids = {"session": session.id, "module": get_course("dunes").published.modules[0].slug}
        db.engine.dispose()
    port = _free_port()
    log = tmp_path / "access.log"
    environment = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "workers-test", "BASE_URL": f"http://127.0.0.1:{port}",
                   "GUNICORN_CONTROL_SOCKET": "off", "INSTANCE_PATH": str(tmp_path)}
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn and configuration
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "-b", f"127.0.0.1:{port}",
         "-w", str(WORKERS), "--threads", "1", "--access-logfile", str(log),
         "--access-logformat", "%(p)s %({x-probe}i)s %(s)s",
         f"institute:create_app(instance_path={str(tmp_path)!r})"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        yield port, log, ids
    finally:
        server.terminate()
        server.wait(timeout=30)


def _burst(browser: Browser, path: str, log: Path, label: str, size: int = 24) -> dict[str, list[str]]:
    """``size`` requests at once; each worker's process id -> the pages it answered."""
    probes = [f"{label}-{n}" for n in range(size)]
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        pages = dict(zip(probes, pool.map(lambda p: browser.request("GET", path, probe=p), probes), strict=True))
    served_by: dict[str, list[str]] = {}
    deadline = time.monotonic() + 10
    while True:  # the access log is written once the response has left
        lines = dict(line.split(" ")[1::-1] for line in log.read_text().splitlines() if line.count(" ") == 2)
        if all(p in lines for p in probes) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for probe, (status, page) in pages.items():
        assert status == 200
        served_by.setdefault(lines[probe], []).append(page)
    return served_by


def test_a_write_through_one_worker_reaches_what_every_worker_kept(served):
    port, log, ids = served
    teacher, fellow = Browser(port), Browser(port)
    teacher.log_in("teacher@example.org")
    fellow.log_in("amina@example.org")
    cohort = f"/sessions/{ids['session']}/cohort"
    teacher.request("GET", "/dashboard")  # the welcome, if any, shown
    before = {}
    for attempt in range(5):  # until every worker has answered (and so kept) the page
        for pid, pages in _burst(teacher, cohort, log, f"before{attempt}").items():
            before.setdefault(pid, []).extend(pages)
        if len(before) == WORKERS:
            break
    assert len(before) == WORKERS
    assert all("0 / 2" in page for pages in before.values() for page in pages)

    token = fellow.token(f"/courses/dunes/modules/{ids['module']}")
    status, _ = fellow.request("POST", f"/courses/dunes/modules/{ids['module']}/complete",
                               urlencode({"csrf_token": token}))
    assert status == 302

    after = {}
    for attempt in range(5):
        for pid, pages in _burst(teacher, cohort, log, f"after{attempt}").items():
            after.setdefault(pid, []).extend(pages)
        if len(after) == WORKERS:
            break
    assert len(after) == WORKERS
    assert all("1 / 2" in page and "0 / 2" not in page for pages in after.values() for page in pages)
