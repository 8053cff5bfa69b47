"""The Web API client's deliberate retries: rate limits retried after `Retry-After`, server errors
retried then raised, other errors raised at once, an unreachable server a connection error."""

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
        self.calls: list[str] = []
        self.script: list[tuple[int, dict[str, str], dict[str, Any]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.calls.append(self.path)
                status, headers, body = outer.script.pop(0) if outer.script else (200, {}, {"ok": True})
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
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

    client = make_client("xoxb-test", "http://127.0.0.1:9/api/")
    client.retry_handlers = []
    with pytest.raises(URLError):
        client.api_test()
