"""Slack adapters for the domain's gateways: the workspace directory and the notifier."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.charts.files import Chart, share
from handlers.render import as_file, render
from hiring.errors import ExternalServiceError, RateLimited, WorkspaceUnavailable
from hiring.ports import Profile, Sent

log = logging.getLogger(__name__)

ClientFor = Callable[[str], WebClient]

CHANNEL_PROBLEMS = {
    "channel_not_found": "I can't find that channel. If it is private, invite me with `/invite @Loopbot` first.",
    "not_in_channel": "I'm not a member of that channel. Invite me with `/invite @Loopbot` and try again.",
    "is_archived": "That channel is archived. Choose an active channel.",
}
# Slack's answers when the workspace no longer accepts Loopbot's token (uninstalled, revoked, deleted).
TOKEN_REFUSED = frozenset(
    {"account_inactive", "invalid_auth", "token_revoked", "not_authed", "team_access_revoked"}
)


def explain(error: SlackApiError) -> str:
    """A sentence for a Slack API error that a user can act on."""
    code = error.response.get("error", "unknown_error") if error.response is not None else "unknown_error"
    if code in CHANNEL_PROBLEMS:
        return CHANNEL_PROBLEMS[code]
    if code == "ratelimited":
        return "Slack is rate-limiting me right now; I'll try again shortly."
    return f"Slack answered “{code}”. Please try again in a moment."


def service_error(error: SlackApiError) -> ExternalServiceError:
    """The domain error for a Slack failure; a 429 keeps its `Retry-After` so a later tick honours it."""
    response = error.response
    if response is not None and (response.status_code == 429 or response.get("error") == "ratelimited"):
        raw = (response.headers or {}).get("Retry-After") or (response.headers or {}).get("retry-after")
        try:
            retry_after = float(raw) if raw is not None else 30.0
        except ValueError:
            retry_after = 30.0
        return RateLimited(explain(error), retry_after, per_destination=True)
    if response is not None and response.get("error") in TOKEN_REFUSED:
        return WorkspaceUnavailable(f"Slack refused Loopbot's token ({response.get('error')}).")
    return ExternalServiceError(explain(error))


class SlackDirectory:
    """Reads people and channels through the Web API, caching profiles briefly."""

    def __init__(self, client_for: ClientFor, ttl_seconds: float = 300.0) -> None:
        self.client_for = client_for
        self.ttl = ttl_seconds
        self._profiles: dict[tuple[str, str], tuple[float, Profile | None]] = {}
        self._lock = threading.Lock()

    def profile(self, team_id: str, user_id: str) -> Profile | None:
        key = (team_id, user_id)
        with self._lock:
            cached = self._profiles.get(key)
        if cached and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        try:
            user = self.client_for(team_id).users_info(user=user_id)["user"]
        except WorkspaceUnavailable:  # uninstalled: nothing of it is sent, nobody is known
            return None
        except SlackApiError as err:
            code = err.response.get("error") if err.response is not None else None
            if code == "user_not_found" or code in TOKEN_REFUSED:  # the tick's sends pause quietly
                return None
            raise ExternalServiceError(explain(err)) from err
        profile = Profile(
            user_id=user_id,
            name=user.get("real_name") or user.get("name") or user_id,
            tz=user.get("tz") or "UTC",
            email=(user.get("profile") or {}).get("email"),
        )
        with self._lock:
            self._profiles[key] = (time.monotonic(), profile)
        return profile

    def channel_problem(self, team_id: str, channel_id: str) -> str | None:
        try:
            info = self.client_for(team_id).conversations_info(channel=channel_id)["channel"]
        except SlackApiError as err:
            return explain(err)
        except ExternalServiceError as err:  # Slack did not answer in time
            return err.message
        if info.get("is_archived"):
            return CHANNEL_PROBLEMS["is_archived"]
        if not info.get("is_member") and not info.get("is_im"):
            return CHANNEL_PROBLEMS["not_in_channel"]
        return None


class SlackNotifier:
    """Renders domain messages to Block Kit and posts them; Slack errors become domain errors."""

    def __init__(self, client_for: ClientFor) -> None:
        self.client_for = client_for
        self._dm_channels: dict[tuple[str, str], str] = {}  # (team, user) → their DM with Loopbot

    def _dm_channel(self, client: WebClient, team_id: str, user_id: str) -> str:
        """The DM channel with a person (opened once; it never changes)."""
        channel = self._dm_channels.get((team_id, user_id))
        if channel is None:
            channel = client.conversations_open(users=user_id)["channel"]["id"]
            self._dm_channels[(team_id, user_id)] = channel
        return channel

    def send(self, team_id: str, to: str, content: object, *, thread_ts: str | None = None) -> Sent:
        chart = as_file(content)
        if chart is not None:
            return self._share(team_id, to, chart, thread_ts)
        text, blocks = render(content)
        client = self.client_for(team_id)
        try:
            if to.startswith(("U", "W")):
                to = self._dm_channel(client, team_id, to)
            response = client.chat_postMessage(
                channel=to,
                text=text,
                blocks=[b.to_dict() for b in blocks],
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as err:
            raise service_error(err) from err
        return Sent(channel_id=response["channel"], ts=response["ts"])

    def _share(self, team_id: str, to: str, chart: Chart, thread_ts: str | None) -> Sent:
        """Upload a chart into a channel, a thread or a DM. A shared file has no message ts until Slack
        has processed it, so its file id stands in for one."""
        client = self.client_for(team_id)
        try:
            if to.startswith(("U", "W")):
                to = self._dm_channel(client, team_id, to)
            return Sent(channel_id=to, ts=share(client, to, chart, thread_ts=thread_ts))
        except SlackApiError as err:
            raise service_error(err) from err

    def update(self, team_id: str, sent: Sent, content: object) -> None:
        text, blocks = render(content)
        try:
            self.client_for(team_id).chat_update(
                channel=sent.channel_id, ts=sent.ts, text=text, blocks=[b.to_dict() for b in blocks]
            )
        except SlackApiError as err:
            raise ExternalServiceError(explain(err)) from err
