"""Bootstrap: settings → database → services → gateways → Bolt app → handlers, in one place."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore

from bot.engine import Engine
from bot.mailer import make_mailer
from bot.observability import Metrics, install_redaction, request_id, request_kind, team_id
from bot.settings import Settings
from bot.slack_client import make_client, start_ack_clock
from handlers import register
from handlers.background import Background
from handlers.context import HandlerContext
from handlers.router import CommandRouter
from handlers.slack_gateway import SlackDirectory, SlackNotifier
from hiring.clock import Clock, SystemClock
from hiring.errors import WorkspaceUnavailable
from hiring.services import Services, build_services
from scheduling.calendar_factory import make_calendar
from scheduling.calendar_protocol import CalendarGateway
from storage.database import upgrade
from storage.uow import Database

log = logging.getLogger(__name__)


BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "files:write",
    "users:read",
    "users:read.email",
    "channels:read",
    "groups:read",
)
CLIENT_TTL = 300.0


class ClientPool:
    """One Web API client per workspace: the bot token in single-workspace mode, or each
    workspace's installation (slack_sdk's installation store) in multi-workspace OAuth mode."""

    def __init__(
        self, settings: Settings, metrics: Metrics, installations: InstallationStore | None = None
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.installations = installations
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        self.default = self._client(token)
        self._clients: dict[str, tuple[float, WebClient]] = {}
        self._lock = threading.Lock()
        self.removed: frozenset[str] = frozenset()  # uninstalled workspaces: no client for them

    def __call__(self, team_id: str) -> WebClient:
        if team_id in self.removed:
            raise NotInstalled(team_id)
        if self.installations is None:
            return self.default
        with self._lock:
            cached = self._clients.get(team_id)
        if cached is not None and time.monotonic() - cached[0] < CLIENT_TTL:
            return cached[1]
        bot = self.installations.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            raise NotInstalled(team_id)
        client = self._client(bot.bot_token)
        with self._lock:
            self._clients[team_id] = (time.monotonic(), client)
        return client

    def _client(self, token: str | None) -> WebClient:
        return make_client(
            token,
            self.settings.slack_api_url,
            timeout=self.settings.slack_timeout_seconds,
            metrics=self.metrics,
        )

    def set_removed(self, teams: frozenset[str]) -> None:
        """The removed workspaces (each tick reads them): calls for them are refused before Slack."""
        self.removed = teams
        with self._lock:
            for team in teams:
                self._clients.pop(team, None)


class NotInstalled(WorkspaceUnavailable):
    def __init__(self, team_id: str) -> None:
        super().__init__(
            "Loopbot is not installed in this workspace; an admin can install it at /slack/install."
        )
        self.team_id = team_id


@dataclass
class Loopbot:
    """Everything a running Loopbot holds."""

    settings: Settings
    db: Database
    clock: Clock
    services: Services
    app: App
    ctx: HandlerContext
    router: CommandRouter
    background: Background
    listeners: Background
    clients: ClientPool
    calendar: CalendarGateway
    metrics: Metrics
    engine: Engine

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every listener and every piece of work after an ack has finished."""
        deadline = time.monotonic() + timeout
        while True:
            for pool in (self.listeners, self.background):
                if not pool.wait_idle(max(0.0, deadline - time.monotonic())):
                    return False
            if self.listeners.pending == 0 and self.background.pending == 0:
                return True

    def close(self, grace: float = 10.0) -> None:
        """Stop the scheduler (a tick under way finishes), let work after the ack finish for up to
        `grace` seconds, then release the database."""
        self.engine.stop()
        self.wait_idle(timeout=grace)
        self.listeners.shutdown()
        self.background.shutdown()
        self.db.dispose()


class RequestContext(Middleware):
    """Gives every request an id and its workspace for the logs, counts it, starts its ack clock,
    and hands listeners the workspace's instrumented client (so every Slack call is counted and
    retried alike)."""

    def __init__(
        self, metrics: Metrics, clients: ClientPool, installed: Callable[[str], object] = lambda team: None
    ) -> None:
        self.metrics = metrics
        self.clients = clients
        self.installed = installed

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        request_id.set(uuid.uuid4().hex[:12])
        team_id.set(req.context.team_id or "-")
        ack = req.context.ack
        start_ack_clock(lambda: ack.response is not None)  # Slack calls before the ack fit its 3 s
        self.metrics.requests.labels(request_kind(req.body)).inc()
        team = req.context.team_id
        if team and team in self.clients.removed and not is_removal(req.body):
            # Slack only sends a workspace's requests while the app is installed there (and with
            # OAuth, Bolt has found its installation): it was installed again.
            self.installed(team)
        if team:
            try:
                req.context["client"] = self.clients(team)
            except NotInstalled:
                pass  # an uninstalled workspace's last events (Bolt's authorization refuses the rest)
        return next()


REMOVAL_EVENTS = frozenset({"app_uninstalled", "tokens_revoked"})


def is_removal(body: dict[str, Any]) -> bool:
    """Whether a request body is Slack's `app_uninstalled` or `tokens_revoked` event."""
    event = body.get("event")
    return (
        body.get("type") == "event_callback"
        and isinstance(event, dict)
        and event.get("type") in REMOVAL_EVENTS
    )


def oauth_settings(settings: Settings, db: Database, installed: Callable[[str], object]) -> OAuthSettings:
    """Multi-workspace installs: slack_sdk's SQLAlchemy installation and state stores on our database
    (imported here: they load SQLAlchemy's asyncio extension, which only this mode needs)."""
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    from bot.oauth_store import Installations

    assert settings.slack_client_id and settings.slack_client_secret
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        installation_store=Installations(
            client_id=settings.slack_client_id, engine=db.engine, installed=installed
        ),
        installation_store_bot_only=True,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine),
        authorization_url=settings.slack_oauth_authorize_url,
        redirect_uri=f"{settings.public_url.rstrip('/')}/slack/oauth_redirect",
    )


def bolt_app(
    settings: Settings, clients: ClientPool, oauth: OAuthSettings | None, listeners: Background
) -> App:
    """The Bolt app: signed requests, OAuth when enabled, listeners run on `listeners`."""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    # Bolt reads SLACK_BOT_TOKEN from the environment itself and warns at every start that the client
    # we hand it wins; it does (the client carries that token), so the notice says nothing: dropped.
    logging.getLogger("slack_bolt.App").addFilter(
        lambda record: "`token` will be unused" not in record.getMessage()
    )
    return App(
        name="loopbot",  # without a name Bolt takes its caller's file name from inspect.stack(): ~30 ms
        client=clients.default,
        signing_secret=secret,
        oauth_settings=oauth,
        installation_store_bot_only=True if oauth else None,
        # Bolt's threaded runner with our tracked executor: the listener acks, Bolt answers Slack,
        # and the same worker thread goes on with the slow part (measured: the fastest path from
        # a command to its modal; see benchmarks/command_to_modal.py).
        process_before_response=False,
        listener_executor=listeners,
        token_verification_enabled=False,
        ssl_check_enabled=True,
        url_verification_enabled=True,
    )


def workspace_removed(clients: ClientPool, metrics: Metrics, team: str, reason: str) -> None:
    """A workspace uninstalled Loopbot or revoked its token: drop its cached client, count it."""
    clients.set_removed(clients.removed | {team})
    metrics.workspaces_removed.labels(reason).inc()


def build(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Loopbot:
    """Build the whole application from settings. Applies migrations first unless told not to."""
    install_redaction(settings.secret_values())
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    if migrate:
        upgrade(db.engine)
    metrics = Metrics()

    def installed(team: str) -> None:
        services.workspaces.installed(team)
        clients.set_removed(clients.removed - {team})

    oauth = oauth_settings(settings, db, installed) if settings.oauth_enabled else None
    clients = ClientPool(settings, metrics, oauth.installation_store if oauth else None)
    calendar = make_calendar(settings, db, clock)
    services = build_services(
        db,
        clock,
        SlackDirectory(clients),
        SlackNotifier(clients),
        calendar,
        public_url=settings.public_url.rstrip("/"),
        mailer=make_mailer(settings),
        video_link_template=settings.video_link_template,
    )
    # Two pools: Bolt runs listeners (which ack first) on one; slow work after the ack (posts, DMs,
    # Home tabs) goes to the other, so a burst of follow-ups never delays the next request's ack.
    # The second is small on purpose: under load its threads get a small share of the interpreter,
    # and the acks a large one (measured in tests/integration/test_load.py).
    listeners = Background(workers=32)
    background = Background(workers=6)
    app = bolt_app(settings, clients, oauth, listeners)
    ctx = HandlerContext(
        services=services,
        background=background,
        clock=clock,
        admins=frozenset(settings.admins),
        client_for=clients,
        public_url=settings.public_url.rstrip("/"),
        default_tz=settings.default_timezone,
        workspace_removed=lambda team, reason: workspace_removed(clients, metrics, team, reason),
    )
    app.use(RequestContext(metrics, clients, installed))
    router = register(app, ctx)
    return Loopbot(
        settings=settings,
        db=db,
        clock=clock,
        services=services,
        app=app,
        ctx=ctx,
        router=router,
        background=background,
        listeners=listeners,
        clients=clients,
        calendar=calendar,
        metrics=metrics,
        engine=scheduler(settings, services, metrics, clients),
    )


def scheduler(settings: Settings, services: Services, metrics: Metrics, clients: ClientPool) -> Engine:
    """The scheduler (the tick and the daily retention job) with the settings' timings and pacing."""
    return Engine(
        services,
        tick_seconds=settings.tick_seconds,
        metrics=metrics,
        retention_days=settings.retention_days,
        on_removed=clients.set_removed,
        replica_timeout_seconds=settings.replica_timeout,
        send_workers=settings.slack_send_workers,
        spacing_seconds=settings.slack_channel_spacing_seconds,
    )
