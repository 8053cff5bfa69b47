"""Gateways the domain talks through. Slack and Google implementations live outside `hiring`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Profile:
    """What the workspace directory knows of a person."""

    user_id: str
    name: str
    tz: str
    email: str | None = None


@dataclass(frozen=True)
class Sent:
    """Where a message went: enough to update or delete it later."""

    channel_id: str
    ts: str


class Directory(Protocol):
    """The workspace's people and channels."""

    def profile(self, team_id: str, user_id: str) -> Profile | None: ...

    def channel_problem(self, team_id: str, channel_id: str) -> str | None:
        """None when Loopbot can post in the channel, else a sentence saying why not and what to do."""
        ...


class Notifier(Protocol):
    """Sends domain messages (dataclasses) to channels and people; rendering is the adapter's job."""

    def send(self, team_id: str, to: str, content: object, *, thread_ts: str | None = None) -> Sent: ...

    def update(self, team_id: str, sent: Sent, content: object) -> None: ...

    def delete(self, team_id: str, sent: Sent) -> None: ...


class Mailer(Protocol):
    """Sends a plain-text e-mail; raises `MailError` (a domain error) when it could not."""

    def send(self, to: str, subject: str, body: str) -> None: ...
