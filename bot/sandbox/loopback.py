"""What the sandbox's fakes share: an HTTP server on a loopback port (port 0), served on a daemon
thread, that can hold requests and drop them unanswered."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class Dropped(Exception):
    """A held request let go by `release()` or `stop()`: it is dropped unanswered, never carried out."""


class LoopbackHandler(BaseHTTPRequestHandler):
    """A fake's request handler: HTTP/1.1 kept alive, no access log, each answer in one write."""

    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write, as a real server sends a small answer. (Unbuffered,
    # the body is a second small segment that Nagle's algorithm holds back until the client
    # acknowledges the first: up to 40 ms for a client that keeps its connection open.)
    wbufsize = 1 << 16

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status: int, data: bytes, headers: Mapping[str, str]) -> None:
        """Send `status`, `headers` (and Content-Length) and `data`; a client gone by then is let go."""
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        try:
            self.end_headers()
            if data and self.command != "HEAD":
                self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # a late answer: the client has gone
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


class LoopbackServer:
    """Serves a fake's `handler` once started (`start()`/`stop()`, or `with`)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], name: str) -> None:
        self._released = threading.Event()  # set by release() and stop(): held requests are dropped
        self.server = _Server(("127.0.0.1", 0), handler)
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
