"""audit trail by record: an index on audit_log (entity, entity_id)

/history reads one customer's changes and those of its deals, visits, reminders and tickets;
without this index that is a scan of the whole audit log, which only grows.

Revision ID: 0016_audit_index
Revises: 0013_records
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0016_audit_index'
down_revision: str | None = "0013_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_entity", "audit_log", ["entity", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_entity", table_name="audit_log")
