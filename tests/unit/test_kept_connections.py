"""The Web API client keeps its HTTP connections open between calls (through the `urllib` opener that
slack_sdk's transport uses, a public interface: these tests fail if a slack_sdk release stops using it)
and still behaves as slack_sdk's own transport does: rate limits retried after `Retry-After`, errors
raised, a connection closed by the server replaced without the caller noticing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from bot.slack_client import make_client


class Server:
    """A tiny HTTP/1.1 Slack stand-in: answers `ok`, or what `script` says for the next calls."""

    def __init__(self) -> None:
        self.peers: list[int] = []
        self.calls: list[str] = []
        self.script: list[tuple[int, dict[str, str], dict[str, Any]]] = []
        self.close_after_next = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.peers.append(self.client_address[1])
                outer.calls.append(self.path)
                status, headers, body = outer.script.pop(0) if outer.script else (200, {}, {"ok": True})
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if outer.close_after_next:
                    outer.close_after_next = False
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.stop()


def test_calls_share_one_connection(server: Server) -> None:
    client = make_client("xoxb-test", server.url)
    for _ in range(5):
        assert client.api_test()["ok"] is True
    assert len(server.calls) == 5
    assert len(set(server.peers)) == 1


def test_a_connection_the_server_closed_is_replaced(server: Server) -> None:
    client = make_client("xoxb-test", server.url)
    server.close_after_next = True
    client.api_test()
    client.api_test()
    client.api_test()
    assert len(server.calls) == 3
    assert len(set(server.peers)) == 2


def test_rate_limits_are_retried_after_retry_after_and_errors_raised(server: Server) -> None:
    client = make_client("xoxb-test", server.url)
    server.script = [(429, {"Retry-After": "0"}, {"ok": False, "error": "ratelimited"})]
    assert client.api_test()["ok"] is True
    assert len(server.calls) == 2
    server.script = [(200, {}, {"ok": False, "error": "channel_not_found"})]
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="CNOPE", text="hi")
    assert raised.value.response["error"] == "channel_not_found"
    server.script = [(500, {}, {"ok": False, "error": "fatal_error"})] * 3
    with pytest.raises(SlackApiError):
        client.api_test()
    assert len(server.calls) == 2 + 1 + 3  # two retries of the server error, then it gives up


def test_an_unreachable_server_is_a_connection_error() -> None:
    from urllib.error import URLError

    from bot.slack_client import SlackUnreachable

    client = make_client("xoxb-test", "http://127.0.0.1:9/api/")
    client.retry_handlers = []
    with pytest.raises(SlackUnreachable) as raised:
        client.api_test()
    assert isinstance(raised.value.__cause__, URLError)
    assert raised.value.message == "I couldn't reach Slack. Please try again in a moment."


def test_an_idle_connection_is_checked_whatever_its_file_descriptor() -> None:
    """Long-running processes hold many files: select() refuses descriptors from 1024 up."""
    import os
    import socket

    from bot.slack_client import quiet

    ours, peer = socket.socketpair()
    high = socket.socket(fileno=os.dup2(ours.fileno(), 1500))
    ours.close()
    assert quiet(high)
    peer.close()
    assert not quiet(high)
    high.close()


def test_idle_connections_are_bounded_in_all_the_hosts_used_longest_ago_giving_theirs_up_first() -> None:
    """A process that talks to many hosts (every test's fake Slack has its own port) keeps at most
    `total` idle connections, so file descriptors never pile up."""
    from urllib.request import Request

    from bot.slack_client import KeptConnections

    servers = [Server() for _ in range(3)]
    pool = KeptConnections(limit=2, total=2)

    def call(server: Server) -> None:
        status, *_ = pool.request(Request(server.url + "api.test", data=b"", method="POST"), timeout=5)
        assert status == 200

    try:
        first, second, third = servers
        call(first)
        call(first)  # the same kept connection
        call(second)
        call(third)  # over the total: the first host, used longest ago, closes its idle connection
        call(second)  # still kept
        call(first)  # a new connection
        assert len(set(first.peers)) == 2 and first.peers[0] == first.peers[1]
        assert len(set(second.peers)) == 1 and len(third.peers) == 1
    finally:
        for server in servers:
            server.stop()
