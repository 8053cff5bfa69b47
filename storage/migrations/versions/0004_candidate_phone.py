"""candidate phone

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Candidates get a phone number (phone interviews say who calls whom on which number)."""
    op.add_column("candidates", sa.Column("phone", sa.String(length=40), server_default="", nullable=False))


def downgrade() -> None:
    """Drop the candidates' phone numbers, in place on both databases (a SQLite batch copy of
    `candidates` would fail its rows' foreign keys)."""
    op.execute("ALTER TABLE candidates DROP COLUMN phone")
