"""The notification outbox: claims, marks and sent keys of one workspace. Adds and queries; never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storage.models import Notification
from storage.repositories.base import Repository, among


class OutboxRepository(Repository):
    """The notification outbox: claims, marks and sent keys (scoped to one workspace)."""

    def sent_among(self, keys: Sequence[str]) -> set[str]:
        """The keys among `keys` whose notification has been sent."""
        if not keys:
            return set()
        return set(
            self.session.scalars(
                select(Notification.key).where(
                    among(self.session, Notification.key, keys), Notification.sent_at.is_not(None)
                )
            ).all()
        )

    def sent_notifications(self, keys: Sequence[str]) -> dict[str, Notification]:
        """Sent notification rows by key (sources use them to thread replies under a sent message)."""
        if not keys:
            return {}
        rows = self.session.scalars(
            select(Notification).where(
                among(self.session, Notification.key, keys), Notification.sent_at.is_not(None)
            )
        ).all()
        return {row.key: row for row in rows}
