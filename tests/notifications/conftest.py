"""Mail servers for the delivery tests: one that never answers, one that is not there,
and a real one (aiosmtpd, the ``smtp`` fixture of tests/conftest.py)."""

import asyncio
import gc
import socket
import time

import pytest

from ..conftest import _Inbox, real_redis


@pytest.fixture
def black_hole(app, monkeypatch):
    """A mail server that accepts connections and never says a word, set as MAIL_SERVER."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)  # the kernel completes the handshakes; nobody ever reads or writes
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", listener.getsockname()[1])
        yield listener.getsockname()[1]


def free_port() -> int:
    """A local port where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REDIS = "redis://127.0.0.1:6379/14"  # a database of its own (the certificates tests empty 15)


@pytest.fixture
def redis_url(app, monkeypatch):
    """The real Redis, emptied, set as the app's REDIS_URL."""
    with real_redis(app, monkeypatch, REDIS) as connection:
        yield connection


class PickyInbox(_Inbox):
    """A real SMTP server's inbox that refuses recipients named ``refused…`` and may take
    its time over each message."""

    delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def serve(inbox: PickyInbox):
    """Run a real SMTP server for ``inbox`` on a free local port; returns its controller."""
    from aiosmtpd.controller import Controller

    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    return controller


@pytest.fixture
def picky_smtp(app, monkeypatch):
    """A PickyInbox set as the app's MAIL_SERVER for one test."""
    inbox = PickyInbox()
    controller = serve(inbox)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", inbox.port)
    yield inbox
    controller.stop()


def timed(call):
    """``call()``'s result and its wall time in seconds. The garbage earlier tests left is
    collected first: a full collection of this suite's heap takes about a second, and
    it would land in whichever request happened to trigger it."""
    gc.collect()
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started
