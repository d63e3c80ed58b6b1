"""customer (org_id, owner_id): statistics that tell PostgreSQL an owner implies the org

With several companies in one database, the planner multiplied the two columns'
selectivities, so a rep's 10,000 customers looked like 100. /find then chose to walk the
rep's book and compute each activity's text grams (text_search_grams) row by row: 2.4 s for
a two-character word, against 0.05-0.2 s through the grams index. Extended statistics
(dependencies) keep the estimate right. SQLite has no such statistics; nothing to do there.

Revision ID: 0017_scope_stats
Revises: 0016_audit_index
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017_scope_stats"
down_revision: str | None = "0016_audit_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE STATISTICS st_customer_org_owner (dependencies) ON org_id, owner_id FROM customer"
    )
    op.execute("ANALYZE customer")  # the new statistics count from the next ANALYZE


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP STATISTICS IF EXISTS st_customer_org_owner")
