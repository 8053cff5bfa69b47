"""Slack Web API clients with deliberate retries (rate limits, server errors, connection errors),
over HTTP connections kept alive between calls."""

from __future__ import annotations

import functools
import io
import select
import socket
import threading
from http.client import HTTPConnection, HTTPMessage, HTTPSConnection
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import BaseHandler, Request, build_opener, install_opener
from urllib.response import addinfourl

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.observability import Metrics

Host = tuple[str, str, int | None]  # scheme, host name, port


class KeptConnections:
    """Idle HTTP/1.1 connections per host, reused by every call (thread-safe).

    slack_sdk's `urllib` transport opens a new connection (and, against slack.com, a new TLS
    session) for every call; this keeps them open between calls, as a browser does."""

    def __init__(self, limit: int = 16) -> None:
        self._idle: dict[Host, list[HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._limit = limit

    def request(self, req: Request, *, timeout: float | None) -> tuple[int, str, HTTPMessage, bytes]:
        """Send `req`; returns status, reason, headers and body. A connection failure is raised as
        `URLError`, as `urllib` raises it (so slack_sdk's retry handlers treat both alike)."""
        parts = urlsplit(req.full_url)
        key = (parts.scheme, parts.hostname or "", parts.port)
        conn = self._take(key)
        if conn is None:
            conn = (
                HTTPSConnection(key[1], key[2], timeout=timeout)
                if key[0] == "https"
                else HTTPConnection(key[1], key[2], timeout=timeout)
            )
            try:
                conn.connect()
            except OSError as err:
                raise URLError(err) from err
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request(req.get_method(), path, body=req.data, headers=dict(req.header_items()))
            response = conn.getresponse()
            body = response.read()
        except OSError as err:
            conn.close()
            raise URLError(err) from err
        except BaseException:
            conn.close()
            raise
        if response.will_close:
            conn.close()
        else:
            self._give(key, conn)
        return response.status, response.reason, response.headers, body

    def _take(self, key: Host) -> HTTPConnection | None:
        while True:
            with self._lock:
                idle = self._idle.get(key)
                conn = idle.pop() if idle else None
            if conn is None:
                return None
            if conn.sock is not None and quiet(conn.sock):
                return conn
            conn.close()

    def _give(self, key: Host, conn: HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self._limit:
                idle.append(conn)
                return
        conn.close()


def quiet(sock: socket.socket) -> bool:
    """True when an idle connection has nothing to read (a closed one reads as end of file, and
    unasked-for bytes make it unusable too). poll(), unlike select(), takes any file descriptor."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return not poller.poll(0)


class KeptAliveResponse(addinfourl):
    """A read response as urllib's handlers return it, with the reason phrase in `msg`."""

    def __init__(self, body: bytes, headers: HTTPMessage, url: str, status: int, reason: str) -> None:
        super().__init__(io.BytesIO(body), headers, url, status)
        self.msg = reason


class KeptAliveHandler(BaseHandler):
    """A `urllib` handler that sends HTTP and HTTPS requests over kept-alive connections.

    slack_sdk's WebClient sends through `urllib.request.urlopen`, which uses the opener installed
    with `urllib.request.install_opener` (when the client has no proxy and no SSL context of its
    own): installing this handler there makes every call reuse its connection."""

    handler_order = 400  # before urllib's own HTTP(S) handlers (500)

    def __init__(self, connections: KeptConnections) -> None:
        self.connections = connections

    def http_open(self, req: Request) -> KeptAliveResponse:
        status, reason, headers, body = self.connections.request(req, timeout=req.timeout)
        return KeptAliveResponse(body, headers, req.full_url, status, reason)

    https_open = http_open


@functools.cache
def keep_connections_alive() -> None:
    """Install the kept-alive handler as this process's `urllib` opener (once)."""
    install_opener(build_opener(KeptAliveHandler(KeptConnections())))


class CountingWebClient(WebClient):
    """A WebClient that counts every call by method and outcome."""

    metrics: Metrics | None = None

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as err:
            if self.metrics is not None:
                code = err.response.get("error", "error") if err.response is not None else "error"
                self.metrics.slack_calls.labels(api_method, str(code)).inc()
            raise
        except Exception:
            if self.metrics is not None:
                self.metrics.slack_calls.labels(api_method, "unreachable").inc()
            raise
        if self.metrics is not None:
            self.metrics.slack_calls.labels(api_method, "ok").inc()
        return response


def make_client(
    token: str | None, base_url: str, *, timeout: int = 10, metrics: Metrics | None = None
) -> WebClient:
    """A WebClient that honours `Retry-After` on 429 and retries 5xx and dropped connections."""
    client = CountingWebClient(token=token, base_url=base_url, timeout=timeout)
    client.metrics = metrics
    keep_connections_alive()
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]
    return client
