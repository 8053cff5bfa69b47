"""scheduling links

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 09:32:37

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Candidates' personal scheduling links (only the token's sha256 is stored), what candidates did
    through them, the rate limit's counters shared by replicas, and per role how long links last
    and the candidate's cancel cutoff."""
    op.create_table(
        "link_attempts",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_link_attempts")),
    )
    with op.batch_alter_table("link_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_attempts_window_start"), ["window_start"], unique=False)

    op.create_table(
        "scheduling_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("stage_key", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=32), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_scheduling_links_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_links")),
    )
    with op.batch_alter_table("scheduling_links", schema=None) as batch_op:
        batch_op.create_index("ix_scheduling_links_team_candidate", ["team_id", "candidate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scheduling_links_token_hash"), ["token_hash"], unique=True)

    op.create_table(
        "link_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["scheduling_links.id"],
            name=op.f("fk_link_actions_link_id_scheduling_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_actions")),
    )
    with op.batch_alter_table("link_actions", schema=None) as batch_op:
        batch_op.create_index("ix_link_actions_at", ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_link_actions_link_id"), ["link_id"], unique=False)

    op.add_column("roles", sa.Column("link_days", sa.Integer(), server_default="7", nullable=False))
    op.add_column(
        "roles", sa.Column("cancel_cutoff_hours", sa.Integer(), server_default="24", nullable=False)
    )


def downgrade() -> None:
    """Drop the links, their actions, the counters and the roles' two columns (in place on both databases: a SQLite
    batch copy of `roles` would fail its rows' foreign keys)."""
    op.execute("ALTER TABLE roles DROP COLUMN cancel_cutoff_hours")
    op.execute("ALTER TABLE roles DROP COLUMN link_days")

    with op.batch_alter_table("link_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_actions_link_id"))
        batch_op.drop_index("ix_link_actions_at")

    op.drop_table("link_actions")
    with op.batch_alter_table("scheduling_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduling_links_token_hash"))
        batch_op.drop_index("ix_scheduling_links_team_candidate")

    op.drop_table("scheduling_links")
    with op.batch_alter_table("link_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_attempts_window_start"))

    op.drop_table("link_attempts")
