"""Typed queries for the workspaces Loopbot knows of (removed ones: uninstalled or token revoked).
They add and query; they never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import Workspace
from storage.repositories.base import Repository


class WorkspaceRepository(Repository):
    def mark_removed(self, reason: str, now: datetime) -> bool:
        """Mark this workspace removed (`reason`: the Slack event); False when it already was."""
        row = self.session.get(Workspace, self.team_id)
        if row is None:
            row = self.add(Workspace(team_id=self.team_id, changed_at=now))
        elif row.removed_at is not None:
            return False
        row.removed_at = now
        row.reason = reason[:32]
        row.changed_at = now
        self.session.flush()
        return True

    def mark_active(self, now: datetime) -> bool:
        """Make this workspace active again (installed anew); False when it was not removed."""
        row = self.session.get(Workspace, self.team_id)
        if row is None or row.removed_at is None:
            return False
        row.removed_at = None
        row.reason = ""
        row.changed_at = now
        self.session.flush()
        return True

    def is_removed(self) -> bool:
        """Whether this workspace is marked removed."""
        row = self.session.get(Workspace, self.team_id)
        return row is not None and row.removed_at is not None

    def removed_teams(self) -> frozenset[str]:
        """Every removed workspace (the tick reads across workspaces)."""
        query = select(Workspace.team_id).where(Workspace.removed_at.is_not(None))
        return frozenset(self.session.scalars(query))
