"""The HTTP surface: Slack's endpoint, health, metrics and invites, served by waitress (WSGI)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from bot.candidate_web import create_app
from bot.ics_route import Route, ics_route
from storage.database import ping

log = logging.getLogger(__name__)


class WebApp:
    """A small WSGI router in front of Bolt's handler."""

    def __init__(self, loopbot: Any, *, slack: bool = True, warm: threading.Event | None = None) -> None:
        """`slack=False`: health, metrics and invites only (the worker, Socket Mode). `warm`: set once
        the process has warmed up; until then `/healthz` answers 503 (not ready)."""
        self.loopbot = loopbot
        self.slack_enabled = slack
        self.warm = warm
        self.slack = SlackRequestHandler(loopbot.app, path=SLACK_PATH)
        secret = loopbot.settings.slack_signing_secret
        self.verifier = SignatureVerifier(secret.get_secret_value() if secret else "")
        self.routes: dict[str, Route] = {
            "/healthz": self.healthz,
            "/metrics": self.metrics,
            "/ics/": ics_route(loopbot.db),  # built-in calendar invites
        }
        candidate = create_app(
            loopbot.services,
            public_url=loopbot.settings.public_url,
            signing_secret=secret.get_secret_value() if secret else None,
        )
        # The candidate's scheduling page (Flask) under /candidate; everything else as before.
        self.dispatch = DispatcherMiddleware(self.route, {"/candidate": candidate})

    def healthz(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        """200 once warm with the database answering; 503 while warming up or with the database down."""
        json_type = [("Content-Type", "application/json")]
        if self.warm is not None and not self.warm.is_set():
            return "503 Service Unavailable", json_type, b'{"ok": false, "warming": true}'
        up = ping(self.loopbot.db.engine)
        body = json.dumps({"ok": up, "database": "up" if up else "down"}).encode()
        return ("200 OK" if up else "503 Service Unavailable"), [("Content-Type", "application/json")], body

    def metrics(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        metrics = self.loopbot.metrics
        metrics.queue_depth.set(self.loopbot.background.pending)
        content_type, body = metrics.exposition()
        return "200 OK", [("Content-Type", content_type)], body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self.dispatch(environ, start_response)  # type: ignore[no-any-return]

    def route(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Health, metrics, invites and (unless disabled) Slack's endpoint."""
        path = environ.get("PATH_INFO", "")
        route = self.routes.get(path)
        if route is None:
            route = next((r for p, r in self.routes.items() if p.endswith("/") and path.startswith(p)), None)
        if route is not None and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, headers, body = route(environ)
            start_response(status, [*headers, ("Content-Length", str(len(body)))])
            return [body]
        if not self.slack_enabled:
            start_response("404 Not Found", [("Content-Type", "application/json"), ("Content-Length", "21")])
            return [b'{"error":"not_found"}']
        if environ.get("REQUEST_METHOD") != "POST" or path != SLACK_PATH:
            return self.slack(environ, start_response)  # Bolt's 404, or its OAuth pages in OAuth mode
        started = time.perf_counter()
        try:
            return self.events(environ, start_response)
        finally:
            self.loopbot.metrics.acks.observe(time.perf_counter() - started)

    def events(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Slack's endpoint: Bolt parses the body once; a body it cannot parse, or whose parsed shape
        Slack never sends, is refused (401 unsigned, 400 signed) instead of reaching the listeners."""
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        refused = None if _plausible_timestamp(environ) else "401 Unauthorized"
        if refused is None:
            try:
                request = BoltRequest(
                    body=raw.decode(), query=environ.get("QUERY_STRING"), headers=_headers(environ)
                )
                reason = malformed(request)
                if reason is None:
                    answer = self.loopbot.app.dispatch(request)
                    response = WsgiHttpResponse(answer.status, answer.headers, answer.body)
                    start_response(response.status, response.get_headers())
                    return response.get_body()
            except (TypeError, ValueError, LookupError, AttributeError) as err:
                # Some shapes Slack never sends break Bolt's reading of them (UnicodeDecodeError and
                # JSONDecodeError are ValueErrors): refuse them as malformed.
                reason = f"Bolt could not read it ({type(err).__name__})"
            refused = self.verdict(environ, raw, reason)
        start_response(refused, [("Content-Type", "application/json"), ("Content-Length", "27")])
        return [b'{"error":"invalid_request"}']

    def verdict(self, environ: dict[str, Any], body: bytes, reason: str) -> str:
        """401 for a malformed body that is not signed; 400, logged in one line, for a signed one."""
        headers = {
            "x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
            "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", ""),
        }
        if not headers["x-slack-request-timestamp"] or not self.verifier.is_valid_request(body, headers):
            return "401 Unauthorized"
        log.warning("refused a signed request with a malformed body: %s", reason)
        return "400 Bad Request"


SLACK_PATH = "/slack/events"
CONTENT_HEADERS = ("CONTENT_LENGTH", "CONTENT_TYPE")
COMMAND_FIELDS = ("team_id", "channel_id", "user_id", "command", "response_url", "trigger_id")


def malformed(request: BoltRequest) -> str | None:
    """Why a Slack request cannot be handled, or None when its shape (as Bolt parsed it) is sound: a
    JSON object (an event callback with an event object), a slash command with the fields Slack
    always sends, or a form whose `payload` is a JSON object with a type and a user."""
    body, raw = request.body, request.raw_body
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if request.content_type == "application/json" or raw.startswith("{"):
        return malformed_event(body)
    if raw.startswith("payload=") or "&payload=" in raw:  # Bolt's body is then the payload
        return malformed_payload(body)
    if "command" in body:
        missing = [name for name in COMMAND_FIELDS if not body.get(name)]
        return f"a slash command without {', '.join(missing)}" if missing else None
    return None


def malformed_payload(data: Any) -> str | None:
    """Why an interaction payload cannot be handled (the parts Bolt's matchers read), or None."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return "the payload is not a JSON object with a type"
    user = data.get("user")
    if not (isinstance(user, dict) and isinstance(user.get("id"), str)):
        return "a payload without a user"
    actions = data.get("actions", [])
    if not (
        isinstance(actions, list)
        and all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
    ):
        return "actions without action ids"
    view = data.get("view", {})
    if not (isinstance(view, dict) and isinstance(view.get("callback_id", ""), str)):
        return "a view without a callback id"
    return None


def malformed_event(data: Any) -> str | None:
    """Why an Events API body cannot be handled, or None."""
    if not isinstance(data, dict):
        return "the body is not a JSON object"
    event = data.get("event")
    if data.get("type") == "event_callback" and not (
        isinstance(event, dict) and isinstance(event.get("type"), str)
    ):
        return "an event callback without an event object"
    return None


def _headers(environ: dict[str, Any]) -> dict[str, str | Sequence[str]]:
    """The request's headers as Bolt's WSGI adapter hands them to Bolt (lower case, dashes)."""
    headers: dict[str, str | Sequence[str]] = {
        name.lower().replace("_", "-"): environ[name] for name in CONTENT_HEADERS if name in environ
    }
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].lower().replace("_", "-")] = value
    return headers


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
            wsgi,
            map=self._channels,
            host=host,
            port=port,
            threads=threads,
            ident="loopbot",
            asyncore_use_poll=True,  # select() refuses file descriptors above 1023
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
