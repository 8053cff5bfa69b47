"""role digest charts: the opt-in to weekly charts in a role's digest thread

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 09:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "roles", sa.Column("digest_charts", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    """Downgrade schema. In place on both databases (SQLite 3.35+ drops columns): a batch copy of
    `roles` would fail its rows' foreign keys on SQLite."""
    op.execute("ALTER TABLE roles DROP COLUMN digest_charts")
