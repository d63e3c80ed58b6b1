"""inbox keeps what is still to handle; seen nonces; binding attempts per follower

A WeChat callback is answered `success` only once what it carries is committed: the inbox row
then keeps the decrypted message (payload) and when to try it next, until its handling commits
and clears both. A partial index finds those few rows without reading the whole inbox.
seen_nonce remembers the nonces of signed callbacks for the freshness window, so a replayed
request is refused on every instance. customer_link counts failed binding attempts.

Revision ID: 0005_inbound
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision: str = '0005_inbound'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
PENDING = sa.text('next_attempt_at IS NOT NULL')


def upgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column('attempts', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=True))
    op.create_index(
        'ix_inbox_pending',
        'inbox',
        ['next_attempt_at'],
        unique=False,
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )
    op.create_table(
        'seen_nonce',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('seen_at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seen_nonce')),
        sa.UniqueConstraint('channel', 'nonce', name=op.f('uq_seen_nonce_channel')),
    )
    op.create_index(op.f('ix_seen_nonce_seen_at'), 'seen_nonce', ['seen_at'], unique=False)
    with op.batch_alter_table('customer_link', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('bind_failures', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('bind_failed_since', UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customer_link', schema=None) as batch_op:
        batch_op.drop_column('bind_failed_since')
        batch_op.drop_column('bind_failures')
    op.drop_index(op.f('ix_seen_nonce_seen_at'), table_name='seen_nonce')
    op.drop_table('seen_nonce')
    op.drop_index('ix_inbox_pending', table_name='inbox')
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('payload')
