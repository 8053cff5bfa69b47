"""Typed queries for erasure and data export of one workspace. Adds and queries; never commits."""

from __future__ import annotations

from storage.repositories.base import Repository


class PrivacyRepository(Repository):
    """Typed queries for erasure and data export (scoped to one workspace)."""
