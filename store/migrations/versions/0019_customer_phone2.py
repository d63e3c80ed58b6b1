"""customer.phone2: a person customer's second number (an office line beside the mobile)

Contacts had two phones; a person customer had one, so a business card's second number went
to the notes. Found by exact number like the first (ix_customer_org_phone2), checked as a
duplicate, masked, exported, merged and anonymised with it. Existing customers have none;
downgrade drops the column.

Revision ID: 0019_customer_phone2
Revises: 0018_ticket_reminders
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_customer_phone2"
down_revision: str | None = "0018_ticket_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Not batch mode: on SQLite that copies the table, and the copy would lose the customer
# table's triggers that keep the text-search tables in step (0008_search, 0010_text_search).
# A plain ADD COLUMN / DROP COLUMN (SQLite 3.35+) keeps them.


def upgrade() -> None:
    op.add_column("customer", sa.Column("phone2", sa.String(length=40), nullable=True))
    op.create_index("ix_customer_org_phone2", "customer", ["org_id", "phone2"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_customer_org_phone2", table_name="customer")
    op.drop_column("customer", "phone2")
