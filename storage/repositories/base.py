"""The repository base class and the SQL that differs between SQLite and PostgreSQL.

A repository holds the queries of one capability, scoped to one workspace. It adds and queries;
it never commits (the unit of work does)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


class Repository:
    """Queries of one workspace (`team_id`) in one session."""

    def __init__(self, session: Session, team_id: str) -> None:
        self.session = session
        self.team_id = team_id

    def add(self, obj: Any) -> Any:
        self.session.add(obj)
        self.session.flush()
        return obj


def insert_ignoring(session: Session, table: Table | type[Any]) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for the session's database (SQLite or PostgreSQL)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()
