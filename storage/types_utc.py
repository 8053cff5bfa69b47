"""A timezone-aware datetime column that always stores UTC (SQLite drops offsets otherwise)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Refuses naive datetimes, stores UTC and returns aware UTC values on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused: {value!r}; pass a timezone-aware value")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name == "sqlite":
            # One step from SQLite's text (`2026-11-24 10:00:00.000000`) to an aware UTC value:
            # the periodic tick reads tens of thousands of these.
            def from_sqlite(value: str | datetime | None) -> datetime | None:
                if isinstance(value, str):
                    value = datetime.fromisoformat(value)
                return self.process_result_value(value, dialect)

            return from_sqlite

        # PostgreSQL sessions run in UTC (see `storage.database.make_engine`), so psycopg's values
        # usually carry `datetime.UTC` already and pass through untouched.
        def from_driver(value: datetime | None) -> datetime | None:
            if value is None or value.tzinfo is UTC:
                return value
            return self.process_result_value(value, dialect)

        return from_driver

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
