"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py 'institute:create_app()'``.

Threaded workers: a request spends much of its time waiting for the database,
and threads let a worker serve others meanwhile. Keep-alive spares fellows on
slow links a new connection per request. Nothing is kept in a worker's memory
that another worker needs (sessions are cookies, limits live in Redis).

The app is built once, in the master, before the workers are forked
(``preload_app``): the code, the templates and the translations are then shared
by the workers' memory instead of copied into each. What must belong to one
process is opened after the fork: ``post_fork`` makes each worker forget the
master's database connections and Redis connections (``institute.after_fork``),
so each opens its own. Before the fork, ``when_ready`` compiles the templates once for
all workers, serves the first pages once (``institute.warm_up``: what each worker's
first requests would build, built once and shared) and freezes the master's objects
out of the garbage collector's reach (``institute.before_fork``), so the workers keep
sharing those pages.

gunicorn's control socket (``gunicornc``, gunicorn 25.1 and later) lives in the
instance folder, named after the addresses the server listens on, so two servers
on one machine (two checkouts, or two ports of one) never share one; set
``GUNICORN_CONTROL_SOCKET=off`` to have none.
"""

import os
import re

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 5
timeout = 60
graceful_timeout = 30
accesslog = os.environ.get("ACCESS_LOG")  # "-" for stdout
errorlog = "-"

preload_app = True

# Flask's instance folder for this checkout (``create_app``'s default), unless INSTANCE_PATH names another.
INSTANCE = os.environ.get("INSTANCE_PATH") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "instance")


def control_socket_for(addresses) -> str:
    """The control socket of a server listening on ``addresses``: in the instance folder,
    named after them (no two servers listen on the same address)."""
    if isinstance(addresses, str):
        addresses = [addresses]
    name = "_".join(re.sub(r"[^A-Za-z0-9.-]+", "-", address) for address in addresses)
    return os.path.join(INSTANCE, f"gunicorn-{name}.ctl")


control_socket = control_socket_for(bind)
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "").lower() == "off"


def on_starting(server):
    # The addresses given on the command line (-b) are known only now; the control
    # socket starts after the workers, so it takes the name set here.
    os.makedirs(INSTANCE, exist_ok=True)
    server.cfg.set("control_socket", control_socket_for(server.cfg.bind))


def when_ready(server):
    # The app is built (preload_app): compile its templates and freeze what the workers share.
    if not server.cfg.preload_app:
        return
    from institute import before_fork

    app = server.app.wsgi()
    if hasattr(app, "jinja_env"):  # the Flask app itself (not another WSGI app run with this file)
        before_fork(app)


M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = int(os.environ.get("MALLOC_ARENAS", "2"))


def fewer_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """glibc gives threads that allocate at once arenas of their own (up to 8 per core),
    each keeping what it freed: in a threaded worker that is memory no other worker
    shares. A few arenas serve four threads as well. False where the C library is not glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def post_fork(server, worker):
    from institute import after_fork

    fewer_malloc_arenas()  # before the worker starts its threads
    after_fork()
