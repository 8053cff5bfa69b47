"""slack_sdk's SQLAlchemy installation store for multi-workspace OAuth installs, in its own module
so that only OAuth mode loads it (it imports SQLAlchemy's asyncio extension): bot/container.py
imports it when OAuth is configured."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine as SqlEngine


class Installations(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy installation store, telling `installed(team_id)` of every installation
    saved (so a workspace that installs Loopbot again after removing it is active again)."""

    def __init__(self, *, client_id: str, engine: SqlEngine, installed: Callable[[str], object]) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.installed = installed

    def save(self, installation: Installation) -> None:
        super().save(installation)
        if installation.team_id:
            self.installed(installation.team_id)
