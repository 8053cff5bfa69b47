"""Throw-away, migrated databases for the benchmarks: a SQLite file and a fresh PostgreSQL database.

PostgreSQL comes from `LOOPBOT_BENCH_DATABASE_URL` (default: the local server); a database is
created for the run and dropped afterwards. `--sqlite-only` skips it.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.database import make_engine, normalise_url, upgrade
from storage.uow import Database

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="loopbot-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@contextmanager
def postgres_database() -> Iterator[str]:
    base = make_url(normalise_url(os.environ.get("LOOPBOT_BENCH_DATABASE_URL", DEFAULT_PG)))
    name = f"loopbot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def analyze(db: Database) -> None:
    """Table statistics after a bulk load, as PostgreSQL's autovacuum would have them by the time a
    real workspace got this big (SQLite keeps none unless asked, and Loopbot does not ask)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def databases(sqlite_only: bool = False) -> list[tuple[str, object]]:
    """(backend name, context manager yielding a URL) for each backend to measure."""
    found: list[tuple[str, object]] = [("sqlite", sqlite_database)]
    if not sqlite_only:
        found.append(("postgresql", postgres_database))
    return found
