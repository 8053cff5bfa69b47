"""The WSGI server thread stops cleanly, even when its loop has already closed its wake-up pipe."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from bot.web import WebServer


def hello(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


def test_stop_closes_the_port_and_ends_the_thread() -> None:
    server = WebServer(hello, "127.0.0.1", 0, threads=2).start()
    with urllib.request.urlopen(f"{server.url}/", timeout=5) as reply:
        assert reply.read() == b"hello"
    server.stop()
    assert server._thread is not None and not server._thread.is_alive()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{server.url}/", timeout=2)


def test_stop_when_the_loop_has_closed_its_wake_up_pipe() -> None:
    server = WebServer(hello, "127.0.0.1", 0, threads=2).start()
    with urllib.request.urlopen(f"{server.url}/", timeout=5) as reply:
        assert reply.read() == b"hello"
    server.server.trigger.close()  # type: ignore[union-attr]  # as the loop does on a hang-up
    server.stop()
    assert server._thread is not None and not server._thread.is_alive()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{server.url}/", timeout=2)
