"""Alembic environment, for `loopbot db …`, the app's start-up and the plain `alembic` command.

The database: the engine `storage.database` hands in, else the URL it hands in, else
`sqlalchemy.url` from alembic.ini, else DATABASE_URL (the environment, then `.env`, as the app
reads it), normalised as the app does. Offline (`--sql`) the SQL is written out for that URL's
dialect and no database is touched.
"""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Engine
from sqlalchemy.types import TypeDecorator

from storage.database import configured_url, make_engine, normalise_url, parse_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    """The URL to migrate when no engine was handed in."""
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url") or configured_url()
    return normalise_url(url)


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes our column types (e.g. `UTCDateTime`) as the SQLAlchemy type they
    store, so migrations never import the application."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def options(dialect: str) -> dict[str, Any]:
    """What both modes configure: our metadata, batch operations on SQLite, type comparison."""
    return {
        "target_metadata": target_metadata,
        "render_as_batch": dialect == "sqlite",
        "compare_type": True,
        "render_item": render_item,
    }


def run_migrations_offline() -> None:
    """Write the SQL (`--sql`) for the configured URL's dialect to standard output."""
    url = database_url()
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **options(parse_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the database: the engine handed in, or one built (and disposed of) here."""
    handed_in: Engine | None = config.attributes.get("engine")
    engine = handed_in or make_engine(database_url())
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **options(connection.dialect.name))
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        if handed_in is None:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
