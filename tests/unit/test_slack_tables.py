"""storage/slack_tables.py declares slack_sdk's installation and OAuth state store tables itself (so a
single-workspace process never loads slack_sdk's stores): they must stay what slack_sdk builds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table
from sqlalchemy.schema import CreateIndex, CreateTable

from storage import models
from storage.slack_tables import bots_table, installations_table, oauth_states_table


def shape(table: Table) -> list[object]:
    """Everything that matters of a table: its DDL, indexes and column defaults."""
    return [
        str(CreateTable(table)),
        sorted(str(CreateIndex(index)) for index in table.indexes),
        [(c.name, c.default is not None, c.autoincrement) for c in table.columns],
    ]


@pytest.mark.parametrize(
    ("ours", "theirs", "name"),
    [
        (installations_table, SQLAlchemyInstallationStore.build_installations_table, "slack_installations"),
        (bots_table, SQLAlchemyInstallationStore.build_bots_table, "slack_bots"),
        (oauth_states_table, SQLAlchemyOAuthStateStore.build_oauth_states_table, "slack_oauth_states"),
    ],
)
def test_tables_are_the_ones_slack_sdk_builds(
    ours: Callable[[MetaData, str], Table], theirs: Callable[[MetaData, str], Table], name: str
) -> None:
    assert shape(ours(MetaData(), name)) == shape(theirs(MetaData(), name))
    convention = MetaData(naming_convention=models.Base.metadata.naming_convention)
    assert shape(models.Base.metadata.tables[name]) == shape(theirs(convention, name))
