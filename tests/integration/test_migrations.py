"""Alembic is the only way the schema is created: the migrations must match the models exactly,
revert cleanly with data in the tables, and ship with the package."""

from __future__ import annotations

import tomllib
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, func, inspect, select, text

from bot.sandbox.harness import START
from hiring.clock import FixedClock
from storage.database import alembic_config, current_revision, downgrade, make_engine, upgrade
from storage.models import AuditEvent, Base, BusyBlock, IdempotencyKey
from storage.uow import Database
from tests.factories import TEAM, make_booked_panel, make_candidate, make_person, make_role, make_scorecard

ROOT = Path(__file__).resolve().parents[2]


def schema_diff(engine: Engine) -> list[object]:
    """What autogenerate would still write: nothing when the database matches the models."""
    with engine.connect() as conn:
        return list(
            compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        )


def test_migrations_match_models(database_url: str) -> None:
    engine = make_engine(database_url)
    diff = schema_diff(engine)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with nothing in it: a new SQLite file, or a new schema (first on the search path)
    in the test session's PostgreSQL database, dropped afterwards."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
        yield db
        db.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    schema = f"migrate_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(url, connect_args={"options": f"-c TimeZone=UTC -c search_path={schema}"})
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def fill(db: Database) -> set[str]:
    """Rows in most tables (a role to scorecards, audit, busy time, Slack's OAuth stores); returns
    the names of the tables that have rows."""
    clock = FixedClock(START)
    now = clock.now()
    role = make_role(db, clock)
    candidate = make_candidate(db, clock, role)
    make_person(db, clock, "UPRIYA")
    panel = make_booked_panel(db, clock, candidate, start=now + timedelta(days=2), interviewers=["UPRIYA"])
    make_scorecard(db, clock, panel.interviews[0], "UPRIYA", ratings={"coding": 3}, evidence="x" * 60)
    with db.uow(TEAM) as uow:
        uow.session.add(
            BusyBlock(
                team_id=TEAM, owner="upriya@example.com", start_at=now, end_at=now, label="x", created_at=now
            )
        )
        uow.session.add(IdempotencyKey(team_id=TEAM, key="view:V1", created_at=now))
        uow.session.add(
            AuditEvent(
                team_id=TEAM, at=now, actor_id="UHANA", action="test", subject_type="role", subject_id="1"
            )
        )
        uow.commit()
    installation = Installation(
        app_id="A1", team_id=TEAM, user_id="UHANA", bot_token="bot-token-for-tests", bot_id="B1"
    )
    SQLAlchemyInstallationStore(client_id="C1", engine=db.engine).save(installation)
    SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine).issue()
    with db.engine.connect() as conn:
        return {
            t.name
            for t in Base.metadata.sorted_tables
            if conn.execute(select(func.count()).select_from(t)).scalar()
        }


def leftovers(engine: Engine) -> list[str]:
    """Tables (besides Alembic's own, now empty) and PostgreSQL sequences still in the database."""
    inspector = inspect(engine)
    tables = [t for t in inspector.get_table_names() if t != "alembic_version"]
    sequences = inspector.get_sequence_names() if engine.dialect.name == "postgresql" else []
    return tables + sequences


def test_upgrade_downgrade_to_base_and_upgrade_again_with_data(empty_db: Database) -> None:
    db = empty_db
    assert leftovers(db.engine) == []
    upgrade(db.engine)
    filled = fill(db)
    assert {"roles", "candidates", "panels", "seats", "scorecards", "audit_events"} <= filled
    assert {"slack_installations", "slack_bots", "slack_oauth_states", "busy_blocks"} <= filled

    downgrade(db.engine, "base")
    assert current_revision(db.engine) is None
    assert leftovers(db.engine) == []

    upgrade(db.engine)
    assert current_revision(db.engine) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert schema_diff(db.engine) == []
    assert fill(db) == filled  # the recreated schema takes the same rows again


def test_package_data_names_existing_files_and_ships_the_migrations() -> None:
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package, patterns in package_data.items():
        for pattern in patterns:
            assert list((ROOT / package).glob(pattern)), f"package data {package}: {pattern} names no file"
    shipped = {path for pattern in package_data["storage"] for path in (ROOT / "storage").glob(pattern)}
    migrations = {
        path
        for path in (ROOT / "storage" / "migrations").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert migrations - shipped == set()


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


def test_private_accommodations_migrate_both_ways_keeping_private_text_private(empty_db: Database) -> None:
    """0007: text not marked shareable becomes private; down again, private text stays unshared."""
    db = empty_db
    upgrade(db.engine)
    clock = FixedClock(START)
    role = make_role(db, clock)
    both = {
        "public": ("Needs captions", ""),
        "private": ("", "Medical detail"),
        "both": ("Needs captions", "Medical detail"),
    }
    for name, (public, private) in both.items():
        make_candidate(
            db, clock, role, name=name, email=f"{name}@example.com", accommodations=public,
            private_accommodations=private,
        )  # fmt: skip
    downgrade(db.engine, "0006")
    with db.engine.connect() as conn:
        old = dict(
            (row[0], (row[1], bool(row[2])))
            for row in conn.execute(
                text("SELECT name, accommodations, accommodations_shareable FROM candidates")
            )
        )
    assert old == {
        "public": ("Needs captions", True),
        "private": ("Medical detail", False),
        "both": ("Needs captions\nMedical detail", False),
    }
    upgrade(db.engine)
    with db.engine.connect() as conn:
        new = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                text("SELECT name, accommodations, private_accommodations FROM candidates")
            )
        }
    assert new == {
        "public": ("Needs captions", ""),
        "private": ("", "Medical detail"),
        "both": ("", "Needs captions\nMedical detail"),
    }
