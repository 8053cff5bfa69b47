"""The repository base class and the SQL that differs between SQLite and PostgreSQL.

A repository holds the queries of one capability, scoped to one workspace. It adds and queries;
it never commits (the unit of work does)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Integer, Table, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

StorageError = SQLAlchemyError  # what a failed query raises (callers outside storage/ catch this name)
M = TypeVar("M")
T = TypeVar("T")


class Repository:
    """Queries of one workspace (`team_id`) in one session."""

    def __init__(self, session: Session, team_id: str) -> None:
        self.session = session
        self.team_id = team_id

    def add(self, obj: Any) -> Any:
        self.session.add(obj)
        self.session.flush()
        return obj

    def owned(self, model: type[M], key: int | str) -> M | None:
        """The workspace's `model` row with primary key `key` (None if absent or another workspace's)."""
        row: Any = self.session.get(model, key)
        return row if row is not None and row.team_id == self.team_id else None

    def add_unless_taken(self, *objs: Any) -> bool:
        """Add `objs` and write pending changes; False when another transaction took one of their
        unique keys first (then nothing may be committed: let the unit of work end)."""
        self.session.add_all(objs)
        try:
            self.session.flush()
        except IntegrityError:
            return False
        return True


def again_if_duplicate(write: Callable[[], T]) -> T:
    """Run `write` (a whole unit of work); once more if it broke a unique constraint, i.e. a
    concurrent first insert of the same row won the race (which makes the second run an update)."""
    try:
        return write()
    except IntegrityError:
        return write()


def unless_duplicate(write: Callable[[], None]) -> None:
    """Run `write`; a broken unique constraint means a concurrent writer stored the same: nothing to do."""
    try:
        write()
    except IntegrityError:
        pass


def dialect_insert(db: Session | Connection, table: Table | type[Any]) -> Any:
    """The database's own `INSERT` (with `ON CONFLICT`), SQLite's or PostgreSQL's; the dialect module
    is imported here, so a process loads only the one its database uses."""
    if dialect_of(db) == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def insert_ignoring(session: Session, table: Table | type[Any]) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for the session's database (SQLite or PostgreSQL)."""
    return dialect_insert(session, table).on_conflict_do_nothing()


def dialect_of(db: Session | Connection) -> str:
    """The database's dialect name ("sqlite" or "postgresql")."""
    return db.dialect.name if isinstance(db, Connection) else db.get_bind().dialect.name


def among(db: Session | Connection, column: Any, values: Sequence[Any], *, name: str | None = None) -> Any:
    """`column IN values`, the values passed as one JSON parameter and unpacked by the database
    (`json_each` on SQLite, `json_array_elements_text` on PostgreSQL): thousands of placeholders
    cost more to build, send and plan than the lookups themselves, and there is no limit to hit.
    `name` names the parameter (give one if the same column is used twice in a statement)."""
    param = name or f"among_{column.key}"
    data = json.dumps(list(values))
    if dialect_of(db) == "postgresql":
        as_type = "bigint" if isinstance(column.type, Integer) else "text"
        sub = text(f"SELECT CAST(json_array_elements_text(CAST(:{param} AS json)) AS {as_type}) AS value")
    else:
        sub = text(f"SELECT value FROM json_each(:{param})")
    return column.in_(sub.bindparams(**{param: data}).columns(value=column.type))
