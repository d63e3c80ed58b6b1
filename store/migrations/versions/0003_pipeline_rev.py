"""org.pipeline_rev: a random token that changes with the org's pipeline, so every instance
can keep the stages in memory and still never show an old pipeline

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('org', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pipeline_rev', sa.String(length=32), nullable=True))
    org = sa.table('org', sa.column('id', sa.Integer), sa.column('pipeline_rev', sa.String))
    conn = op.get_bind()
    for (org_id,) in conn.execute(sa.select(org.c.id)).all():
        conn.execute(
            org.update().where(org.c.id == org_id).values(pipeline_rev=uuid.uuid4().hex)
        )


def downgrade() -> None:
    with op.batch_alter_table('org', schema=None) as batch_op:
        batch_op.drop_column('pipeline_rev')
