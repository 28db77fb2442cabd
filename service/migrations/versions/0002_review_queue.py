"""The review desk's queue and decisions (service/review.py, issue #13).

Revision 0002, written 2026-11-30. The desk's release made these with ``metadata.create_all``:
:mod:`service.migrate` takes such a database over at this revision. One index per listing of
``review.queue_page``; ``usefulness DESC`` is an expression, written as such for both databases.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("complaint_id", sa.String(length=200), nullable=True),
        sa.Column("dedupe_key", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("category_confidence", sa.Float(), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("urgency_confidence", sa.Float(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("safety_signals", sa.JSON(), nullable=False),
        sa.Column("cues", sa.JSON(), nullable=False),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("duplicate_of", sa.JSON(), nullable=True),
        sa.Column("usefulness", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_category_oldest",
            ["status", "category", "id", "urgency", "unit_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_review_category_useful",
            [
                "status",
                "category",
                sa.literal_column("usefulness DESC"),
                "id",
                "urgency",
                "unit_id",
            ],
            unique=False,
        )
        batch_op.create_index("ix_review_claimed_by", ["claimed_by"], unique=False)
        batch_op.create_index("ix_review_status_oldest", ["status", "id"], unique=False)
        batch_op.create_index(
            "ix_review_status_useful",
            ["status", sa.literal_column("usefulness DESC"), "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_review_unit_id_oldest",
            ["status", "unit_id", "id", "category", "urgency"],
            unique=False,
        )
        batch_op.create_index(
            "ix_review_unit_id_useful",
            [
                "status",
                "unit_id",
                sa.literal_column("usefulness DESC"),
                "id",
                "category",
                "urgency",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_review_urgency_oldest",
            ["status", "urgency", "id", "category", "unit_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_review_urgency_useful",
            [
                "status",
                "urgency",
                sa.literal_column("usefulness DESC"),
                "id",
                "category",
                "unit_id",
            ],
            unique=False,
        )
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_items.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_decisions_item_id"), ["item_id"], unique=False)
        batch_op.create_index("ix_review_decisions_reviewer", ["reviewer", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_review_decisions_reviewer")
        batch_op.drop_index(batch_op.f("ix_review_decisions_item_id"))

    op.drop_table("review_decisions")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index("ix_review_urgency_useful")
        batch_op.drop_index("ix_review_urgency_oldest")
        batch_op.drop_index("ix_review_unit_id_useful")
        batch_op.drop_index("ix_review_unit_id_oldest")
        batch_op.drop_index("ix_review_status_useful")
        batch_op.drop_index("ix_review_status_oldest")
        batch_op.drop_index("ix_review_claimed_by")
        batch_op.drop_index("ix_review_category_useful")
        batch_op.drop_index("ix_review_category_oldest")

    op.drop_table("review_items")
