"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL runs when `LOOPBOT_TEST_DATABASE_URL` is set (CI sets it: an unreachable server then
fails the run). Each test session gets its own PostgreSQL database, so parallel runs never collide.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.observability import TOKEN_PATTERN
from bot.sandbox.harness import BOT_TOKEN, SIGNING_SECRET, Sandbox
from storage.database import make_engine, normalise_url, upgrade
from storage.models import Base

PG_ENV = "LOOPBOT_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        default=False,
        help="the candidate page's browser tests also write each page to docs/screenshots/",
    )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    url = make_url(normalise_url(base))
    name = f"loopbot_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # set but unreachable: fail, never skip
        pytest.fail(f"{PG_ENV} is set but PostgreSQL is unreachable: {type(exc).__name__}: {exc}")
    test_url = url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(test_url)
    upgrade(engine)
    engine.dispose()
    yield test_url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A clean, migrated database URL: SQLite (a file) and PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "loopbot.db"
        shutil.copy(sqlite_template, target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("postgres_url")
    _truncate_postgres(url)
    return url


@pytest.fixture
def sandbox(database_url: str) -> Iterator[Sandbox]:
    """The real app behind its real HTTP endpoint, a simulated Slack and a fixed clock."""
    box = Sandbox(database_url).start()
    try:
        yield box
    finally:
        box.stop()
    assert not box.fake.block_errors, f"Slack would reject these blocks: {box.fake.block_errors}"


class SecretWatch(logging.Handler):
    """Sees every log record of the run (at DEBUG) and remembers any that shows a secret."""

    SECRETS = (SIGNING_SECRET, BOT_TOKEN, "oauth-client-secret")

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text += " " + repr(record.exc_info[1])
        if any(secret in text for secret in self.SECRETS) or TOKEN_PATTERN.search(text):
            self.leaks.append(f"{record.name}: {text[:300]}")


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_log() -> Iterator[None]:
    """Secrets never appear in logs: every record of the whole run is checked."""
    watch = SecretWatch()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(watch)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(watch)
        root.setLevel(previous)
    assert not watch.leaks, f"secrets found in logs: {watch.leaks[:5]}"
