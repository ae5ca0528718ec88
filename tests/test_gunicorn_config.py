"""The gunicorn configuration: the app built once before the fork, each worker's connections
its own, and a control socket no two servers share."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Flask

import institute
from institute.extensions import db

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def settings(monkeypatch, **environ) -> dict:
    for name in ("BIND", "INSTANCE_PATH", "GUNICORN_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_the_app_is_loaded_once_before_the_workers_fork(monkeypatch):
    conf = settings(monkeypatch)
    assert conf["preload_app"] is True
    assert conf["worker_class"] == "gthread" and conf["workers"] == 4


def test_each_worker_opens_its_own_connections_after_the_fork(monkeypatch, app):
    called = []
    monkeypatch.setattr(institute, "after_fork", lambda: called.append(True))
    settings(monkeypatch)["post_fork"](None, None)
    assert called == [True]
    monkeypatch.undo()
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))  # the "parent" has a connection
        pool = db.engine.pool
        institute.after_fork()
        assert db.engine.pool is not pool and db.engine.pool.checkedin() == 0  # a new, empty pool
        assert db.session.execute(sa.text("SELECT 1")).scalar() == 1  # a connection of its own


def test_the_control_socket_is_in_the_instance_folder_and_per_address(monkeypatch, tmp_path):
    conf = settings(monkeypatch)
    instance = Path(Flask("institute").instance_path)  # create_app's default instance folder
    assert Path(conf["INSTANCE"]) == instance
    assert Path(conf["control_socket"]).parent == instance
    assert conf["control_socket_disable"] is False
    names = set()
    for binds in (["127.0.0.1:8000"], ["127.0.0.1:8001"], ["unix:/run/gdi.sock"], ["0.0.0.0:80", "[::]:80"]):
        server = SimpleNamespace(cfg=SimpleNamespace(bind=binds, set=lambda name, value: names.add((name, value))))
        conf["on_starting"](server)
    assert {name for name, _value in names} == {"control_socket"}
    paths = [Path(value) for _name, value in names]
    assert len(set(paths)) == 4 and all(p.parent == instance and p.suffix == ".ctl" for p in paths)

    elsewhere = settings(monkeypatch, INSTANCE_PATH=str(tmp_path))
    assert Path(elsewhere["control_socket"]).parent == tmp_path


def test_the_control_socket_can_be_switched_off(monkeypatch):
    assert settings(monkeypatch, GUNICORN_CONTROL_SOCKET="off")["control_socket_disable"] is True


def test_before_the_fork_templates_are_compiled_once_and_shared_objects_frozen(monkeypatch, app):
    seen = []
    monkeypatch.setattr(institute, "before_fork", lambda flask_app: seen.append(flask_app))
    server = SimpleNamespace(cfg=SimpleNamespace(preload_app=True), app=SimpleNamespace(wsgi=lambda: app))
    settings(monkeypatch)["when_ready"](server)
    assert seen == [app]
    monkeypatch.undo()
    try:
        institute.before_fork(app)
        assert gc.get_freeze_count() > 0
        cached = {name for _loader, name in app.jinja_env.cache.keys()} if app.jinja_env.cache else set()
        assert {"base.html", "training/gradebook.html", "courses/course.html"} <= cached
    finally:
        gc.unfreeze()


def test_before_the_fork_the_master_serves_the_first_pages_once_and_closes_its_connections(monkeypatch, app):
    served = []
    original = Flask.test_client

    def counting_client(flask_app, *args, **kwargs):
        client = original(flask_app, *args, **kwargs)
        get = client.get

        def recorded(path, *a, **kw):
            response = get(path, *a, **kw)
            served.append((path, response.status_code))
            return response

        client.get = recorded
        return client

    monkeypatch.setattr(Flask, "test_client", counting_client)
    institute.warm_up(app)
    assert [path for path, _status in served] == list(institute.WARM_UP)
    assert all(status < 500 for _path, status in served), served
    assert "institute.openapi" in app.extensions  # the document, built once for every worker
    with app.app_context():
        assert db.engine.pool.checkedin() == 0  # the master keeps no connection to hand down


def test_a_warm_up_that_fails_is_logged_and_the_server_starts(monkeypatch, app, caplog):
    def broken(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("no database yet"))

    monkeypatch.setattr(Flask, "full_dispatch_request", broken)
    institute.warm_up(app)  # does not raise
    assert any("warm-up: GET / failed" in r.getMessage() for r in caplog.records)


def test_each_worker_keeps_few_malloc_arenas(monkeypatch):
    """Threaded workers would otherwise hold an arena per thread of memory they freed."""
    import platform
    import subprocess
    import sys

    conf = settings(monkeypatch)
    asked = []
    monkeypatch.setattr(institute, "after_fork", lambda: None)
    conf["post_fork"].__globals__["fewer_malloc_arenas"] = lambda: asked.append(True)
    conf["post_fork"](None, None)
    assert asked == [True]
    if platform.libc_ver()[0] == "glibc":  # in a process of its own: glibc takes the setting
        probe = f"import runpy; print(runpy.run_path({str(CONF)!r})['fewer_malloc_arenas'](2))"
        assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,  # noqa: S603
                              check=True).stdout.strip() == "True"
