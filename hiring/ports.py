"""Gateways the domain talks through. Slack and Google implementations live outside `hiring`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from storage.uow import Database


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


def record_sent(
    db: Database, team_id: str, sent: Sent, kind: str, candidate_id: int | None, at: datetime
) -> None:
    """Remember a posted message (in its own transaction), so it can be updated, erased or counted later."""
    with db.uow(team_id) as uow:
        uow.messages.record(
            channel_id=sent.channel_id, ts=sent.ts, kind=kind, candidate_id=candidate_id, at=at
        )
        uow.commit()


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


class Mailer(Protocol):
    """Sends a plain-text e-mail; raises `MailError` (a domain error) when it could not."""

    def send(self, to: str, subject: str, body: str) -> None: ...
