"""Alembic is the only way the schema is created: the migrations must match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.database import make_engine
from storage.models import Base


def test_migrations_match_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_utc_datetimes_round_trip_and_naive_ones_are_refused(database_url: str) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    import pytest
    from sqlalchemy.exc import StatementError

    from storage.models import BusyBlock
    from storage.uow import Database

    db = Database(database_url)
    local = datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2)))
    with db.uow("T1") as uow:
        uow.session.add(
            BusyBlock(
                team_id="T1",
                owner="U1",
                start_at=local,
                end_at=local + timedelta(hours=1),
                label="x",
                created_at=local,
            )
        )
        uow.commit()
    with db.uow("T1") as uow:
        block = uow.session.query(BusyBlock).one()
        assert block.start_at == local and block.start_at.tzinfo is not None
        assert block.start_at.utcoffset() == timedelta(0) and block.start_at.hour == 0
        uow.session.add(
            BusyBlock(
                team_id="T1",
                owner="U1",
                start_at=datetime(2026, 1, 1),
                end_at=local,
                label="naive",
                created_at=datetime.now(UTC),
            )
        )
        with pytest.raises(StatementError, match="naive datetime refused"):
            uow.flush()
    db.dispose()
