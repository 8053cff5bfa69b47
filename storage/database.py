"""Engine creation (SQLite pragmas, PostgreSQL via psycopg 3), the database URL check and Alembic."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_MMAP_BYTES = 256 * 2**20
DEFAULT_URL = "sqlite:///loopbot.db"
SUPPORTED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")
EXAMPLES = "sqlite:///loopbot.db or postgresql+psycopg://user:password@host:5432/loopbot"


class DatabaseUrlError(Exception):
    """DATABASE_URL is unusable: one line saying what is wrong and what to set (no password)."""


class _UrlSettings(BaseSettings):
    """DATABASE_URL read as the app reads it (the environment, then `.env`)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = DEFAULT_URL


def configured_url() -> str:
    """The DATABASE_URL in effect (used when Alembic runs without the app, e.g. `alembic upgrade`)."""
    return _UrlSettings().database_url


def parse_url(url: str) -> URL:
    """The parsed, normalised URL (psycopg 3 for `postgresql://` and `postgres://`); raises
    `DatabaseUrlError` for text that is not a URL or names a database Loopbot does not support."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseUrlError(f"DATABASE_URL is not a database URL; set it to e.g. {EXAMPLES}.") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(
            f"DATABASE_URL names {parsed.drivername}, which Loopbot does not support; "
            f"set it to a SQLite or PostgreSQL URL, e.g. {EXAMPLES}."
        )
    return parsed


def normalise_url(url: str) -> str:
    """`url` with psycopg 3 for PostgreSQL URLs given without a driver (see `parse_url`)."""
    return parse_url(url).render_as_string(hide_password=False)


def masked_url(url: str) -> str:
    """`url` with its password replaced by `***`, fit to print."""
    return parse_url(url).render_as_string(hide_password=True)


def check_database(url: str) -> None:
    """Open the database once; raise `DatabaseUrlError` with the reason (password masked) if it fails."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as err:
        raise DatabaseUrlError(
            f"Cannot reach the database at {masked_url(url)}: {error_reason(err, url)}; "
            "check DATABASE_URL and that the database exists and accepts connections."
        ) from None
    finally:
        engine.dispose()


def error_reason(err: BaseException, url: str) -> str:
    """The driver's first line for `err`, without psycopg's 'connection … failed: FATAL:' preamble
    and with the URL's password masked."""
    cause = getattr(err, "orig", None) or err
    lines = str(cause).strip().splitlines() or [type(cause).__name__]
    reason = re.split(r"FATAL:\s*", lines[0])[-1].strip().rstrip(".")
    password = parse_url(url).password
    return reason.replace(str(password), "***") if password else reason


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite connections get WAL, foreign keys and a busy timeout."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            # Read through a memory map (shared by every connection) instead of a read call per
            # page: the periodic tick reads tens of thousands of rows at random.
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # Sessions in UTC: what we store, and psycopg then returns values in `datetime.UTC` as they are.
    kwargs.setdefault("connect_args", {"options": "-c TimeZone=UTC"})
    # Enough connections for the listener and background pools (48 threads) without queueing.
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 40)
    return create_engine(url, **kwargs)


def alembic_config(engine: Engine | None = None, *, url: str | None = None) -> Config:
    """Alembic's configuration for our migrations, run on `engine`; without one, on `url`
    (offline `--sql` mode only needs its dialect), else on DATABASE_URL (see `migrations/env.py`)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (Alembic is the only way the schema is created). A database
    already at head is left as it is without loading Alembic (most starts: a third of a second)."""
    if revision == "head" and at_head(engine):
        return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(.+?)\s*$", re.MULTILINE)


def head_revisions() -> frozenset[str]:
    """The heads of our migration scripts, read from their `revision` and `down_revision` lines; empty
    when a script is not in the simple form (then `upgrade` asks Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = {m.group(1): m.group(2) for m in REVISION_LINE.finditer(script.read_text())}
        revision, parent = found.get("revision", ""), found.get("down_revision", "")
        if not re.fullmatch(r'"[^"]+"', revision) or not re.fullmatch(r'None|"[^"]+"', parent):
            return frozenset()
        revisions.add(revision.strip('"'))
        if parent != "None":
            parents.add(parent.strip('"'))
    return frozenset(revisions - parents)


def at_head(engine: Engine) -> bool:
    """True when the database's Alembic revisions are exactly the scripts' heads."""
    heads = head_revisions()
    try:
        with engine.connect() as conn:
            current = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError:
        return False
    return bool(heads) and current == heads


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to `revision` (`base` drops every table Loopbot created)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None when it has no Loopbot tables (or cannot be read)."""
    from alembic.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError:
        return None


def ping(engine: Engine) -> bool:
    """True when the database answers a trivial query."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
