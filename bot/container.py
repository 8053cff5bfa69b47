"""Bootstrap: settings → database → services → gateways → Bolt app → handlers, in one place."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack_client import make_client
from handlers import register
from handlers.background import Background
from handlers.context import HandlerContext
from handlers.router import CommandRouter
from handlers.slack_gateway import SlackDirectory, SlackNotifier
from hiring.clock import Clock, SystemClock
from hiring.services import Services, build_services
from storage.database import upgrade
from storage.uow import Database

log = logging.getLogger(__name__)


class ClientPool:
    """One Web API client per workspace (one in single-workspace token mode)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        self.default = make_client(token, settings.slack_api_url)
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    def __call__(self, team_id: str) -> WebClient:
        return self.default


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
    clients: ClientPool
    extras: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        self.background.wait_idle(timeout=10)
        self.background.shutdown()
        self.db.dispose()


def build(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Loopbot:
    """Build the whole application from settings. Applies migrations first unless told not to."""
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    if migrate:
        upgrade(db.engine)
    clients = ClientPool(settings)
    directory = SlackDirectory(clients)
    notifier = SlackNotifier(clients)
    services = build_services(db, clock, directory, notifier)
    background = Background()
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    app = App(
        client=clients.default,
        signing_secret=secret,
        # Bolt's threaded runner with our tracked executor: the listener acks, Bolt answers Slack,
        # and the same worker thread goes on with the slow part (measured: the fastest path from
        # a command to its modal; see benchmarks/command_to_modal.py).
        process_before_response=False,
        listener_executor=background,
        token_verification_enabled=False,
        ssl_check_enabled=True,
        url_verification_enabled=True,
    )
    ctx = HandlerContext(
        services=services,
        background=background,
        clock=clock,
        admins=frozenset(settings.admins),
        client_for=clients,
        public_url=settings.public_url.rstrip("/"),
        default_tz=settings.default_timezone,
    )
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
        clients=clients,
    )
