"""The HTTP surface: Slack's endpoint, health, metrics and invites, served by waitress (WSGI)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from bot.ics_route import Route, ics_route
from storage.database import ping


class WebApp:
    """A small WSGI router in front of Bolt's handler."""

    def __init__(self, loopbot: Any) -> None:
        self.loopbot = loopbot
        self.slack = SlackRequestHandler(loopbot.app, path="/slack/events")
        self.routes: dict[str, Route] = {
            "/healthz": self.healthz,
            "/metrics": self.metrics,
            "/ics/": ics_route(loopbot.db),  # built-in calendar invites
        }

    def healthz(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        up = ping(self.loopbot.db.engine)
        body = json.dumps({"ok": up, "database": "up" if up else "down"}).encode()
        return ("200 OK" if up else "503 Service Unavailable"), [("Content-Type", "application/json")], body

    def metrics(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        metrics = self.loopbot.metrics
        metrics.queue_depth.set(self.loopbot.background.pending)
        content_type, body = metrics.exposition()
        return "200 OK", [("Content-Type", content_type)], body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        route = self.routes.get(path)
        if route is None:
            route = next((r for p, r in self.routes.items() if p.endswith("/") and path.startswith(p)), None)
        if route is not None and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, headers, body = route(environ)
            start_response(status, [*headers, ("Content-Length", str(len(body)))])
            return [body]
        if not _plausible_timestamp(environ):
            # slack_sdk's verifier raises on a non-numeric timestamp (a 500); refuse it as forged.
            start_response(
                "401 Unauthorized", [("Content-Type", "application/json"), ("Content-Length", "27")]
            )
            return [b'{"error":"invalid_request"}']
        started = time.perf_counter()
        try:
            return self.slack(environ, start_response)
        finally:
            self.loopbot.metrics.acks.observe(time.perf_counter() - started)


def _plausible_timestamp(environ: dict[str, Any]) -> bool:
    """Requests to the Slack endpoint carry a whole-number timestamp, or none (then verification
    refuses them by itself)."""
    if environ.get("REQUEST_METHOD") != "POST":
        return True
    value = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    return value is None or (value.isascii() and value.isdigit() and len(value) <= 12)


class WebServer:
    """A waitress server on a thread (tests, the demo) or in the foreground (`loopbot run`)."""

    def __init__(self, wsgi: Callable[..., Any], host: str, port: int, threads: int = 16) -> None:
        self._channels: dict[int, Any] = {}  # waitress's socket map, ours so that `stop` can close them
        self.server = create_server(
            wsgi, map=self._channels, host=host, port=port, threads=threads, ident="loopbot"
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server.effective_port)  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WebServer:
        self._thread = threading.Thread(target=self.server.run, name="loopbot-web", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: finish in-flight requests, then close every channel from inside the
        server's own loop (closing them from another thread races its select and its wake-up pipe)."""
        server: Any = self.server
        if self._thread is None:
            server.close()
            return
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        done = threading.Event()

        def close_all() -> None:
            for channel in list(self._channels.values()):
                if channel is not server.trigger:
                    channel.close()
            done.set()

        try:
            server.trigger.pull_trigger(close_all)
        except OSError:
            # The loop has closed its wake-up pipe already (it does when poll reports it hung up):
            # nothing else will run the thunk, so close the channels from here.
            close_all()
        done.wait(timeout=5)
        self._thread.join(timeout=5)
        # A straggling worker may still try to wake the (finished) loop: let that be a no-op.
        server.trigger.pull_trigger = lambda *args, **kwargs: None
        server.trigger.close()
