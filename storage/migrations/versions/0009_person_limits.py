"""person limits

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 13:20:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """A person's own daily and weekly interview limits (None: their pool's, else the default)."""
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("daily_limit", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("weekly_limit", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Forget people's own limits (pools' and the default stay)."""
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("weekly_limit")
        batch_op.drop_column("daily_limit")
