"""import duplicates by email: a case-blind index on (org_id, email)

The import's duplicate check reads each batch's phones, emails and names through indexes
(store/repos/ops_data.py import_matches); phones and names have theirs from 0008_search.
Emails compare case-blind, so the index is dialect-specific (SQLite: email COLLATE NOCASE,
PostgreSQL: lower(email)) and, like 0008's trigram indexes, not described by the models.

Revision ID: 0009_dedupe
Revises: 0008_search
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009_dedupe'
down_revision: str | None = '0008_search'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("CREATE INDEX ix_customer_email_ci ON customer (org_id, email COLLATE NOCASE)")
    else:
        op.execute("CREATE INDEX ix_customer_email_ci ON customer (org_id, lower(email))")


def downgrade() -> None:
    op.execute("DROP INDEX ix_customer_email_ci")
