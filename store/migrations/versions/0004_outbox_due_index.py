"""outbox: index (status, id), so a claim reads the first due rows in index order

A claim takes the first N due rows by id (a chat's messages go out in id order). Through
(status, next_attempt_at) SQLite and PostgreSQL sorted every due row to find them, so with
thousands waiting (a burst, a morning's reminders) each claim grew with the backlog.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next')
        batch_op.create_index('ix_outbox_due', ['status', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')
        batch_op.create_index(
            'ix_outbox_status_next', ['status', 'next_attempt_at'], unique=False
        )
