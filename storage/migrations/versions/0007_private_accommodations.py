"""private accommodations

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Candidates get accommodations for two audiences at once: `accommodations` (interviewers, in
    briefings) and `private_accommodations` (hiring manager and recruiters). Text that was not
    marked shareable moves to the private one; the `accommodations_shareable` flag goes. Columns are
    added and dropped in place on both databases (a SQLite batch copy of `candidates` would fail
    its rows' foreign keys)."""
    op.add_column(
        "candidates", sa.Column("private_accommodations", sa.Text(), server_default="", nullable=False)
    )
    op.execute(
        "UPDATE candidates SET private_accommodations = accommodations, accommodations = '' "
        "WHERE accommodations_shareable = false AND accommodations <> ''"
    )
    op.execute("ALTER TABLE candidates DROP COLUMN accommodations_shareable")


def downgrade() -> None:
    """Back to one text and a flag: a candidate with private accommodations keeps them private (the
    interviewers' text joins them, unshared); otherwise the interviewers' text stays shared."""
    op.add_column(
        "candidates",
        sa.Column("accommodations_shareable", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(
        "UPDATE candidates SET accommodations_shareable = true "
        "WHERE accommodations <> '' AND private_accommodations = ''"
    )
    op.execute(
        "UPDATE candidates SET accommodations = CASE WHEN accommodations = '' THEN private_accommodations "
        "ELSE accommodations || '\n' || private_accommodations END "
        "WHERE private_accommodations <> ''"
    )
    op.execute("ALTER TABLE candidates DROP COLUMN private_accommodations")
