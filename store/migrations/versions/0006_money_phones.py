"""customer.phone: +86 numbers in the national form new writes use

Phones are now normalised on write (handlers/services/phones.py): a Chinese mobile as
13912345678, a landline with its trunk zero (01065521234), other countries as +CC…. Rows
written before kept "+8613912345678", which the same number typed today no longer equals, so
duplicate checks and customer links would miss them. Data only; the downgrade keeps the new
form (it is the same number).

Revision ID: 0006_money
Revises: 0005_inbound
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0006_money'
down_revision: str | None = '0005_inbound'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    mobile = "phone LIKE '+861%' AND length(phone) = 14"
    op.execute(f"UPDATE customer SET phone = substr(phone, 4) WHERE {mobile}")
    op.execute("UPDATE customer SET phone = substr(phone, 4) WHERE phone LIKE '+860%'")
    op.execute("UPDATE customer SET phone = '0' || substr(phone, 4) WHERE phone LIKE '+86%'")


def downgrade() -> None:
    pass
