"""Start-up for `loopbot run` (web + scheduler) and `loopbot worker` (scheduler only)."""

from __future__ import annotations

import gc
import io
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from slack_sdk.errors import SlackApiError

from bot.observability import configure_logging, redact
from bot.settings import Settings

log = logging.getLogger(__name__)

MISSING_HELP = """Loopbot needs Slack credentials to run: {missing}.

  1. Create the Slack app from manifest.yml (api.slack.com/apps → Create New App → From a manifest).
  2. Install it to your workspace, then set:
       SLACK_BOT_TOKEN       the Bot User OAuth Token (xoxb-…)
       SLACK_SIGNING_SECRET  from Basic Information → App Credentials
     in the environment or a .env file (SLACK_APP_TOKEN=xapp-… switches to Socket Mode).

To see Loopbot work without Slack, run:  loopbot demo
"""


def _check_credentials(settings: Settings) -> int | None:
    missing = settings.missing_slack_credentials()
    if missing:
        print(MISSING_HELP.format(missing=", ".join(missing)), file=sys.stderr)
        return 2
    return None


def _verify_token(loopbot: object, settings: Settings) -> int | tuple[str, ...]:
    """auth.test once, with a clear error instead of a traceback when Slack can't be reached; returns
    an exit code, or the workspaces to warm up for (the bot token's; none in multi-workspace mode)."""
    if settings.oauth_enabled and settings.slack_bot_token is None:
        return ()
    client = loopbot.clients.default  # type: ignore[attr-defined]
    try:
        answer = client.auth_test()
    except SlackApiError as err:
        code = err.response.get("error") if err.response is not None else "error"
        print(
            f"Slack refused SLACK_BOT_TOKEN ({code}). Check the token and reinstall the app.", file=sys.stderr
        )
        return 2
    except Exception as err:
        print(
            f"Cannot reach Slack at {settings.slack_api_url} ({type(err).__name__}). "
            "Check the network or SLACK_API_URL.",
            file=sys.stderr,
        )
        return 2
    team = answer.get("team_id")
    return (team,) if isinstance(team, str) and team else ()


def _build(settings: Settings) -> Any:
    """Build the app, or print one clear sentence (no traceback) when the database or the calendar
    settings are unusable; returns an exit code then. The garbage collector is off meanwhile: the
    imports and the build allocate about a million objects that all live on, and the hundreds of
    collections they would set off walk them for nothing (the survivors are frozen at the end)."""
    gc.disable()
    try:
        return _build_and_freeze(settings)
    finally:
        gc.enable()


def _build_and_freeze(settings: Settings) -> Any:
    """`_build` with the collector off."""
    from sqlalchemy.exc import OperationalError

    from bot.container import build
    from scheduling.calendar_protocol import CalendarError

    try:
        loopbot = build(settings)
    except CalendarError as err:
        print(f"Calendar settings problem: {err.message}", file=sys.stderr)
    except OperationalError as err:
        reason = str(err.orig).splitlines()[0] if err.orig else type(err).__name__
        print(f"Cannot reach the database (DATABASE_URL): {redact(reason)}", file=sys.stderr)
    else:
        freeze_startup_objects()
        return loopbot
    return 2


def freeze_startup_objects() -> None:
    """Move everything built at start-up (modules, the app, its caches) out of the garbage
    collector's sight: they live as long as the process, and full collections then only walk what
    requests allocate (fewer and shorter pauses). No full collection first: at this point it finds
    about a hundred unreachable objects and costs tens of milliseconds of start-up (measured with
    benchmarks/startup_bench.py)."""
    gc.freeze()


def run_web(settings: Settings) -> int:
    """Serve Slack over HTTP (or Socket Mode, with a small HTTP listener for health and metrics) and
    run the scheduler in-process."""
    return _run(settings, "web")


def run_worker(settings: Settings) -> int:
    """Run only the scheduler (reminders, debriefs, digests), with a small HTTP listener for health
    and metrics."""
    return _run(settings, "worker")


def _run(settings: Settings, role: str) -> int:
    """Build, check Slack, then serve until SIGTERM/SIGINT and stop gracefully."""
    problem = _check_credentials(settings)
    if problem is not None:
        return problem
    configure_logging(settings.log_level, settings.log_format, settings.secret_values())
    loopbot = _build(settings)
    if isinstance(loopbot, int):
        return loopbot
    teams = _verify_token(loopbot, settings)
    if isinstance(teams, int):
        return teams
    for team in teams:  # the token works: a workspace removed before has installed Loopbot again
        loopbot.services.workspaces.installed(team)
    deadline = time.monotonic() + settings.shutdown_grace_seconds
    try:
        deadline = _serve(loopbot, settings, role, teams)
    finally:  # one grace for the whole stop: what the server and the tick took is not given again
        loopbot.close(grace=max(0.0, deadline - time.monotonic()))
    return 0


def warm_up(loopbot: Any, teams: Sequence[str], web: Callable[..., Any] | None = None) -> None:
    """Do now what the first requests would otherwise do: parse the built-in plans and each
    workspace's stored plans, seed the workspace's plans if needed, open a database connection,
    compile the queries listing them and build the "New role" modal from them; then push one
    signed request through `web` (the WSGI app) as Slack sends it."""
    from handlers.roles.roles import new_role_view

    for team in teams:
        plans = loopbot.services.plans.list(team)
        new_role_view(plans, "USLACKBOT", loopbot.settings.default_timezone)
        if web is not None:
            push_request(web, loopbot.settings, team)


def push_request(web: Callable[..., Any], settings: Settings, team: str) -> None:
    """A signed `view_closed` of Loopbot's notice modal through the WSGI app, the path every Slack
    request takes (body parsing, signature check, Bolt's authorization and its one `auth.test`, our
    middleware, listener matching, the ack on the listener pool), with no effect for anyone."""
    from slack_sdk.signature import SignatureVerifier

    payload = {
        "type": "view_closed",
        "team": {"id": team},
        "user": {"id": "USLACKBOT", "team_id": team},
        "view": {"id": "VWARMUP", "type": "modal", "callback_id": "notice"},
        "is_cleared": False,
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    stamp = str(int(time.time()))
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
        "HTTP_X_SLACK_SIGNATURE": SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body),
    }
    statuses: list[str] = []
    b"".join(web(environ, lambda status, headers: statuses.append(status)))
    if statuses != ["200 OK"]:
        log.warning("the warm-up request was answered %s", statuses)


FIRST_TICK_WAIT_SECONDS = 5.0  # a long catch-up tick after downtime does not hold readiness back longer


def start_warming(
    loopbot: Any,
    teams: Sequence[str],
    *,
    scheduler: bool = True,
    web: Callable[..., Any] | None = None,
    warm: threading.Event | None = None,
) -> threading.Event:
    """Warm up on a thread (through the WSGI app `web` too, when given), then start the scheduler
    and let its first tick (run at once) finish, so that it does not share the interpreter with the
    first requests; `warm` (or a new event) is set once done (whether or not the warm-up succeeded:
    a failure is logged, and requests then do the work)."""
    warm = warm or threading.Event()

    def run() -> None:
        started = time.perf_counter()
        try:
            warm_up(loopbot, teams, web)
            log.info("warmed up in %.0f ms", (time.perf_counter() - started) * 1000)
        except Exception:
            log.exception("warm-up failed; the first requests will be slower")
        try:
            if scheduler:
                loopbot.engine.start()
                loopbot.engine.runner.ticked.wait(timeout=FIRST_TICK_WAIT_SECONDS)
        finally:
            warm.set()

    threading.Thread(target=run, name="loopbot-warm-up", daemon=True).start()
    return warm


def prepare_to_serve(
    loopbot: Any, settings: Settings, role: str, teams: Sequence[str] = ()
) -> tuple[Any, threading.Event]:
    """The web server for `role` (bound, not serving yet; `/healthz` answers 503 until the warm-up
    for `teams` is done) and the event set once warm."""
    from bot.web import WebApp, WebServer

    slack_over_http = role == "web" and not settings.socket_mode
    warm = threading.Event()
    web = WebApp(loopbot, slack=slack_over_http, warm=warm)
    start_warming(loopbot, teams, web=web if slack_over_http else None, warm=warm)
    server = WebServer(web, settings.host, settings.port, threads=settings.web_threads)
    routes = "POST /slack/events, " if slack_over_http else ""
    log.warning(
        "Loopbot %s listening on %s:%s (%sGET /healthz, GET /metrics)",
        role,
        settings.host,
        server.port,
        routes,
    )
    return server, warm


def _serve(loopbot: Any, settings: Settings, role: str, teams: Sequence[str]) -> float:
    """HTTP (and Socket Mode) plus the scheduler, until a stop signal; then in-flight requests finish.
    Returns when the stop's grace ends (`time.monotonic()`)."""
    stop = _stop_on_signals()
    socket_mode = _connect_socket_mode(loopbot, settings) if role == "web" and settings.socket_mode else None
    server, warm = prepare_to_serve(loopbot, settings, role, teams)
    server.start()
    if role == "worker":
        log.warning(
            "Loopbot worker running: a tick every %s s (replica %s)",
            settings.tick_seconds,
            loopbot.engine.replica,
        )
    while not stop.wait(1.0):
        pass
    log.warning("Loopbot stopping: finishing the requests and work in flight")
    deadline = time.monotonic() + settings.shutdown_grace_seconds
    loopbot.engine.stopping()  # the tick ends after its send in flight and releases its other claims
    # Once warm, the scheduler is started: closing stops it.
    warm.wait(timeout=max(0.0, deadline - time.monotonic()))
    if socket_mode is not None:
        socket_mode.close()
    server.stop()
    return deadline


def _connect_socket_mode(loopbot: Any, settings: Settings) -> Any:
    """Receive Slack's requests over Socket Mode (the app-level token) instead of HTTP."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert settings.slack_app_token is not None
    handler = SocketModeHandler(loopbot.app, settings.slack_app_token.get_secret_value())
    handler.connect()
    return handler


def _stop_on_signals() -> threading.Event:
    """An event set by SIGTERM (how platforms stop a process) or SIGINT (Ctrl-C), installed before
    serving starts. Both are handled here explicitly, so a signal that the parent process ignored is
    not ignored by Loopbot too."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop
