"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py 'institute:create_app()'``.

Threaded workers: a request spends much of its time waiting for the database,
and threads let a worker serve others meanwhile. Keep-alive spares fellows on
slow links a new connection per request. Nothing is kept in a worker's memory
that another worker needs (sessions are cookies, limits live in Redis).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 5
timeout = 60
graceful_timeout = 30
accesslog = os.environ.get("ACCESS_LOG")  # "-" for stdout
errorlog = "-"
