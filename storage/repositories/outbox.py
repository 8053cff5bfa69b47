"""The notification outbox: claims, marks and sent keys of one workspace. Adds and queries; never commits."""

from __future__ import annotations

from storage.repositories.base import Repository


class OutboxRepository(Repository):
    """The notification outbox: claims, marks and sent keys (scoped to one workspace)."""
