"""Workspaces that uninstalled Loopbot or revoked its bot token.

A removed workspace keeps its data (an admin may install Loopbot again), but nothing is sent to it:
the tick drops its due notifications and the digest and retention jobs pass it by, quietly. Installing
Loopbot again makes it active."""

from __future__ import annotations

import logging

from hiring.clock import Clock
from storage.uow import Database

log = logging.getLogger(__name__)


class WorkspaceService:
    """Marks workspaces removed or active again and says which are removed."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def removed(self, team_id: str, reason: str) -> bool:
        """Record that `team_id` uninstalled Loopbot or revoked its token (`reason`: the Slack event);
        True when it was active until now."""
        now = self.clock.now()
        with self.db.uow(team_id) as uow:
            changed = uow.workspaces.mark_removed(reason, now)
            if changed:
                uow.audit.record(
                    at=now, actor_id="slack", action="workspace.removed", subject_type="workspace",
                    subject_id=team_id, after={"reason": reason},
                )  # fmt: skip
            uow.commit()
        return changed

    def installed(self, team_id: str) -> bool:
        """Record that Loopbot is installed in `team_id` (again); True when it had been removed."""
        now = self.clock.now()
        with self.db.uow(team_id) as uow:
            changed = uow.workspaces.mark_active(now)
            if changed:
                uow.audit.record(
                    at=now, actor_id="slack", action="workspace.reinstalled", subject_type="workspace",
                    subject_id=team_id,
                )  # fmt: skip
            uow.commit()
        if changed:
            log.info("workspace %s installed Loopbot again; its jobs resume", team_id)
        return changed

    def is_removed(self, team_id: str) -> bool:
        """Whether `team_id` is removed (uninstalled or its bot token revoked)."""
        with self.db.uow(team_id) as uow:
            return uow.workspaces.is_removed()

    def removed_teams(self) -> frozenset[str]:
        """Every removed workspace."""
        with self.db.uow("") as uow:
            return uow.workspaces.removed_teams()
