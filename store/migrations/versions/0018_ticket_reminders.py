"""reminder.ticket_id: the desk's reminder to handle a ticket knows its ticket

Closing a ticket marks its reminder done (handlers/chat/tickets.py), so /today and the 07:00
reminder stop asking for it. A ticket and its reminder were written in one transaction with
one `now`, for the ticket's assignee and customer, so the upgrade links those already there.
Downgrade drops the column; nothing else changes.

Revision ID: 0018_ticket_reminders
Revises: 0017_scope_stats
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_ticket_reminders"
down_revision: str | None = "0017_scope_stats"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.add_column(sa.Column("ticket_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_reminder_ticket_id_ticket"), "ticket", ["ticket_id"], ["id"]
        )
        batch.create_index(op.f("ix_reminder_ticket_id"), ["ticket_id"], unique=False)
    op.execute(
        "UPDATE reminder SET ticket_id = (SELECT min(t.id) FROM ticket t"
        " WHERE t.assignee_id = reminder.user_id AND t.created_at = reminder.created_at"
        " AND t.customer_id IS NOT DISTINCT FROM reminder.customer_id"
        " AND t.due_by = reminder.due_at)"
        " WHERE kind = 'follow_up'"
    )


def downgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.drop_index(op.f("ix_reminder_ticket_id"))
        batch.drop_constraint(op.f("fk_reminder_ticket_id_ticket"), type_="foreignkey")
        batch.drop_column("ticket_id")
