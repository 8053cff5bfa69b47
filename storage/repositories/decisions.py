"""Typed queries for debriefs, decisions, pivots and feedback reports of one workspace. Adds and queries; never commits."""

from __future__ import annotations

from storage.repositories.base import Repository


class DecisionsRepository(Repository):
    """Typed queries for debriefs, decisions, pivots and feedback reports (scoped to one workspace)."""
