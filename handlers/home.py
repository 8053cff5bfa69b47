"""The App Home tab: published when someone opens it, paged with "More" buttons, and re-published
whenever the domain says something on it changed (`services.home.refresh`).

An interviewer's load chart is uploaded privately (only the app can see the file) and shown through
an image block's `slack_file`; it is drawn and uploaded again only when its figures change, and the
previous upload is deleted. While Slack is still processing a new upload it refuses the block: the
tab is then published with the figures in words, and once more with the chart a moment later."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.background import Coalescer
from handlers.charts.files import delete_quietly, upload_private
from handlers.charts.load_chart import render_load_chart
from handlers.common import on_action
from handlers.context import HandlerContext
from handlers.feedback.feedback import action_value
from handlers.home_blocks import HOME_MORE, home_view
from handlers.router import CommandRouter
from hiring.errors import DomainError
from hiring.home import HomeCursor, HomePage, InterviewLoad
from hiring.permissions import Actor

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0  # how long Slack gets to process a new upload before the chart is shown again


class LoadCharts:
    """Each person's current load chart upload: (their figures, the file id), per process."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, str], tuple[InterviewLoad, str]] = {}
        self._lock = threading.Lock()

    def file_for(
        self, client: WebClient, team_id: str, user_id: str, load: InterviewLoad
    ) -> tuple[str, bool]:
        """The file id of `load`'s chart and whether it was uploaded just now (when figures changed)."""
        key = (team_id, user_id)
        with self._lock:
            current = self._files.get(key)
        if current is not None and current[0] == load:
            return current[1], False
        file_id = upload_private(client, render_load_chart(load))
        with self._lock:
            self._files[key] = (load, file_id)
        if current is not None:
            delete_quietly(client, current[1])
        return file_id, True

    def forget(self, team_id: str, user_id: str) -> None:
        """Upload afresh next time (Slack refused the file, e.g. someone deleted it)."""
        with self._lock:
            self._files.pop((team_id, user_id), None)


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services
    charts = LoadCharts()

    def chart_of(client: WebClient, page: HomePage) -> tuple[str | None, bool]:
        if page.load is None:
            return None, False
        try:
            return charts.file_for(client, page.team_id, page.user_id, page.load)
        except (SlackApiError, DomainError) as err:
            log.warning("load chart of %s not uploaded: %s", page.user_id, err)
            return None, False

    def publish(team_id: str, user_id: str, cursor: HomeCursor | None = None) -> None:
        page = services.home.build(team_id, user_id, cursor)
        client = ctx.client_for(team_id)
        file_id, fresh = chart_of(client, page)
        try:
            client.views_publish(user_id=user_id, view=home_view(page, file_id))
        except SlackApiError as err:  # e.g. a deactivated user: nothing to show, nothing to retry
            if file_id is None or err.response.get("error") != "invalid_blocks":
                log.warning("App Home of %s not published: %s", user_id, err.response.get("error"))
                return
            retry_with_chart(client, page, file_id, fresh)

    def retry_with_chart(client: WebClient, page: HomePage, file_id: str, fresh: bool) -> None:
        """Slack refused the chart (a new upload it is still processing): words now, the chart soon."""
        try:
            client.views_publish(user_id=page.user_id, view=home_view(page))
            if not fresh:
                charts.forget(page.team_id, page.user_id)
                return
            time.sleep(RETRY_SECONDS)
            client.views_publish(user_id=page.user_id, view=home_view(page, file_id))
        except SlackApiError as err:
            log.warning("App Home of %s shown without its chart: %s", page.user_id, err.response.get("error"))

    refreshes = Coalescer(ctx.background, lambda key: publish(*key))
    services.home.attach(lambda team_id, user_id: refreshes.ask((team_id, user_id)))

    @app.event("app_home_opened")
    def home_opened(ack: Ack, body: dict[str, Any], event: dict[str, Any]) -> None:
        ack()
        if event.get("tab", "home") != "home":
            return
        actor = ctx.actor(body)
        ctx.background.submit(publish, actor.team_id, actor.user_id)

    def more(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        publish(actor.team_id, actor.user_id, HomeCursor.decode(action_value(body)))

    on_action(app, ctx, HOME_MORE, more)
