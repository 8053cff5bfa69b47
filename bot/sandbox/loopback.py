"""What the sandbox's fakes share: an HTTP server on a loopback port (port 0), served on a daemon
thread, that can hold requests and drop them unanswered."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class Dropped(Exception):
    """A held request let go by `release()` or `stop()`: it is dropped unanswered, never carried out."""


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


class LoopbackServer:
    """Serves a fake's `handler` once started (`start()`/`stop()`, or `with`)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str, name: str) -> None:
        self._released = threading.Event()  # set by release() and stop(): held requests are dropped
        self.server = _Server((host, 0), handler)
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def release(self) -> None:
        """Let every held request go: it is dropped without an answer (the client has given up)."""
        self._released.set()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
