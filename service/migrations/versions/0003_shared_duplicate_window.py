"""The duplicate window shared by every process on the database (service.duplicates).

Revision 0003, written 2026-11-30. ``duplicate_clock`` starts with its one row: the last sequence
number given is 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    clock = op.create_table(
        "duplicate_clock",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(clock, [{"id": 1, "last_seq": 0}])
    op.create_table(
        "duplicate_signatures",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("complaint_id", sa.Text(), nullable=False),
        sa.Column("features", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )


def downgrade() -> None:
    op.drop_table("duplicate_signatures")
    op.drop_table("duplicate_clock")
