"""Typed queries for reminders and digests of one workspace. Adds and queries; never commits."""

from __future__ import annotations

from storage.repositories.base import Repository


class ChasingRepository(Repository):
    """Typed queries for reminders and digests (scoped to one workspace)."""
