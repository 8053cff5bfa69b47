"""candidate phone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:00:00.000000

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
    """Candidates get a phone number (phone interviews say who calls whom on which number)."""
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=40), server_default="", nullable=False))


def downgrade() -> None:
    """Drop the candidates' phone numbers."""
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("phone")
