"""reminder.activity_id: a visit's follow-up reminder knows its visit

Editing a logged visit's follow-up moves its reminder, deleting the visit cancels it
(handlers/services/records.py). Reminders written before carry no link; a follow-up made
with its visit has the same customer, user, created_at (one transaction, one `now`) and
text (the visit's first 200 characters), so the upgrade links those. Downgrade drops the column; nothing else changes.

Revision ID: 0013_records
Revises: 0011_contacts
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_records"
down_revision: str | None = "0011_contacts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_reminder_activity_id_activity"), "activity", ["activity_id"], ["id"]
        )
        batch.create_index(op.f("ix_reminder_activity_id"), ["activity_id"], unique=False)
    op.execute(
        "UPDATE reminder SET activity_id = (SELECT min(a.id) FROM activity a"
        " WHERE a.customer_id = reminder.customer_id AND a.user_id = reminder.user_id"
        " AND a.created_at = reminder.created_at AND substr(a.summary, 1, 200) = reminder.text)"
        " WHERE kind = 'follow_up' AND customer_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.drop_index(op.f("ix_reminder_activity_id"))
        batch.drop_constraint(op.f("fk_reminder_activity_id_activity"), type_="foreignkey")
        batch.drop_column("activity_id")
