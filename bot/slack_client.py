"""Slack Web API clients with deliberate retries (rate limits, server errors, connection errors),
over HTTP connections kept alive between calls.

Every call is cut at `SLACK_TIMEOUT_SECONDS`. A dropped connection is retried twice, a call that
timed out once (it may have been carried out) and `views.open` / `views.push` never (their trigger
has expired by then). While a request's ack is still owed (a modal submission validates before it),
calls are cut to fit Slack's 3 seconds and not retried. A call that still gets no answer raises
`SlackUnreachable`, a domain error whose message the user can read."""

from __future__ import annotations

import functools
import io
import select
import socket
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPMessage, HTTPSConnection
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import BaseHandler, Request, build_opener, install_opener
from urllib.response import addinfourl

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.observability import Metrics
from hiring.errors import RateLimited

Host = tuple[str, str, int | None]  # scheme, host name, port

ACK_WINDOW_SECONDS = 3.0  # Slack shows the user an error when a request is not answered by then
ACK_BUDGET_SECONDS = 2.0  # what calls made before the ack may use of it (the rest: saving, answering)
MIN_CALL_SECONDS = 0.1
TRIGGER_METHODS = frozenset({"views.open", "views.push"})  # a trigger id lasts about 3 s
UNREACHABLE_RETRY_AFTER = 60.0  # background sends to a workspace whose Slack hangs wait this long
WHAT = {
    "views.open": "open the form",
    "views.push": "open the form",
    "views.update": "update the form",
    "views.publish": "update your App Home",
    "chat.postMessage": "post the message",
    "chat.postEphemeral": "answer you",
    "chat.update": "update the message",
    "conversations.open": "open a direct message",
    "conversations.info": "check the channel",
    "users.info": "read a Slack profile",
}


@dataclass(frozen=True)
class AckClock:
    """A request whose ack Slack is waiting for: calls made before it must be done by `deadline`."""

    acked: Callable[[], bool]
    arrived: float
    deadline: float


awaiting_ack: ContextVar[AckClock | None] = ContextVar("awaiting_ack", default=None)


def start_ack_clock(acked: Callable[[], bool], budget: float = ACK_BUDGET_SECONDS) -> None:
    """Mark the current request (and the listener it starts) as owing Slack an ack."""
    now = time.monotonic()
    awaiting_ack.set(AckClock(acked, now, now + budget))


def ack_time_left() -> float | None:
    """Seconds left for Slack calls before the pending ack; None when no ack is owed (any more)."""
    clock = awaiting_ack.get()
    if clock is None or clock.acked():
        return None
    now = time.monotonic()
    if now >= clock.arrived + ACK_WINDOW_SECONDS:
        return None  # Slack has given up on this request: nothing left to save
    return max(MIN_CALL_SECONDS, clock.deadline - now)


def call_timeout(timeout: float | None) -> float | None:
    """The client's `timeout`, cut to what is left before a pending ack."""
    left = ack_time_left()
    if left is None:
        return timeout
    return left if timeout is None else min(timeout, left)


def timed_out(error: BaseException) -> bool:
    """True for a call that got no answer in time (urllib wraps the socket's timeout in `URLError`)."""
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, TimeoutError)


def api_method(request: HttpRequest) -> str:
    return urlsplit(request.url).path.rsplit("/", 1)[-1]


class SlackUnreachable(RateLimited):
    """Slack did not answer (in time, or at all) after the client's retries. A `RateLimited`: the
    outbox holds that workspace's other sends until a later tick instead of waiting on each."""

    def __init__(self, method: str, error: BaseException, timeout: float | None) -> None:
        if timed_out(error) and timeout is not None:
            head = f"Slack didn't answer within {round(timeout, 1):g} s"
        else:
            head = "I couldn't reach Slack"
        what = f", so I couldn't {WHAT[method]}" if method in WHAT else ""
        super().__init__(f"{head}{what}. Please try again in a moment.", UNREACHABLE_RETRY_AFTER)
        self.method = method


class KeptConnections:
    """Idle HTTP/1.1 connections per host, reused by every call (thread-safe).

    slack_sdk's `urllib` transport opens a new connection (and, against slack.com, a new TLS
    session) for every call; this keeps them open between calls, as a browser does."""

    def __init__(self, limit: int = 16, total: int = 32) -> None:
        self._idle: dict[Host, list[HTTPConnection]] = {}  # hosts in order of use, the latest last
        self._lock = threading.Lock()
        self._limit = limit  # idle connections kept per host
        self._total = total  # and in all: the hosts used longest ago give theirs up first

    def request(self, req: Request, *, timeout: float | None) -> tuple[int, str, HTTPMessage, bytes]:
        """Send `req`; returns status, reason, headers and body. A connection failure or a time-out is
        raised as `URLError`, as `urllib` raises it (so slack_sdk's retry handlers treat both alike),
        and its connection is closed: a late answer must never be read as the next call's."""
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
        else:
            conn.timeout = timeout
            assert conn.sock is not None
            conn.sock.settimeout(timeout)  # this call's timeout, not the one it was opened with
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
            idle = self._idle[key] = self._idle.pop(key, [])  # now the host used last
            closing = [conn] if len(idle) >= self._limit else []
            if not closing:
                idle.append(conn)
            closing += self._over_total()
        for extra in closing:
            extra.close()

    def _over_total(self) -> list[HTTPConnection]:
        """Idle connections beyond the total, taken from the hosts used longest ago (a host that is
        gone, e.g. a test's server, never holds file descriptors for long)."""
        total = sum(len(idle) for idle in self._idle.values())
        closing: list[HTTPConnection] = []
        for host in list(self._idle):
            if total <= self._total:
                break
            gone = self._idle.pop(host)
            closing += gone
            total -= len(gone)
        return closing


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
        timeout = call_timeout(req.timeout)
        status, reason, headers, body = self.connections.request(req, timeout=timeout)
        return KeptAliveResponse(body, headers, req.full_url, status, reason)

    https_open = http_open


@functools.cache
def keep_connections_alive() -> None:
    """Install the kept-alive handler as this process's `urllib` opener (once)."""
    install_opener(build_opener(KeptAliveHandler(KeptConnections())))


class ConnectionRetries(ConnectionErrorRetryHandler):
    """Retries dropped connections `max_retry_count` times, but a call that timed out only
    `timeout_retries` times (Slack may have carried it out and only been slow to say so) and never
    a `views.open` / `views.push` (its trigger id has expired by then)."""

    def __init__(self, max_retry_count: int = 2, timeout_retries: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.timeout_retries = timeout_retries

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if error is not None and timed_out(error):
            once_too_many = state.current_attempt >= self.timeout_retries
            if once_too_many or api_method(request) in TRIGGER_METHODS:
                return False
        return super().can_retry(state=state, request=request, response=response, error=error)


class NotBeforeAck(RetryHandler):
    """Wraps a retry handler: nothing is retried while Slack waits for the request's ack (the
    user would see Slack's error after 3 s); the caller explains the failure instead."""

    def __init__(self, inner: RetryHandler) -> None:
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self.inner = inner

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if ack_time_left() is not None:
            return False
        return self.inner.can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        self.inner.prepare_for_next_attempt(state=state, request=request, response=response, error=error)


class CountingWebClient(WebClient):
    """A WebClient that counts every call by method and outcome, and turns a Slack that does not
    answer into `SlackUnreachable`."""

    metrics: Metrics | None = None

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        limit = call_timeout(self.timeout)
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as err:
            code = err.response.get("error", "error") if err.response is not None else "error"
            self._count(api_method, str(code))
            raise
        except OSError as err:  # urllib's URLError included
            self._count(api_method, "timeout" if timed_out(err) else "unreachable")
            raise SlackUnreachable(api_method, err, limit) from err
        except Exception:
            self._count(api_method, "unreachable")
            raise
        self._count(api_method, "ok")
        return response

    def _count(self, method: str, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.slack_calls.labels(method, outcome).inc()


def make_client(
    token: str | None, base_url: str, *, timeout: float = 5.0, metrics: Metrics | None = None
) -> WebClient:
    """A WebClient whose calls are cut at `timeout` seconds, that honours `Retry-After` on 429 and
    retries 5xx, dropped connections and (once) time-outs, never while an ack is owed."""
    # slack_sdk hands `timeout` to urllib, which takes seconds as a float (its hint says int).
    client = CountingWebClient(token=token, base_url=base_url, timeout=timeout)  # type: ignore[arg-type]
    client.metrics = metrics
    keep_connections_alive()
    retries: list[RetryHandler] = [
        ConnectionRetries(max_retry_count=2, timeout_retries=1),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]
    client.retry_handlers = [NotBeforeAck(handler) for handler in retries]
    return client
