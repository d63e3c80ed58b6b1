"""contacts: a customer may be a company with people (客户 / 联系人)

A `contact` table (the people of a company customer), `customer.kind` ("person" for every
customer there is: each stays exactly as it was, a person with the firm as text), and a
nullable `contact_id` on activities and deals. Contacts are found through indexes of their
own, shaped like 0008_search's and 0009_dedupe's for customers: B-tree (org_id, name),
(org_id, phone), (org_id, phone2) and (customer_id, name); PostgreSQL pg_trgm GIN indexes over
the padded search key and the phones; SQLite a contentless FTS5 trigram table kept in step by
triggers; a case-blind email index. store/repos/contact_search.py holds the queries.

Revision ID: 0011_contacts
Revises: 0010_text_search
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_contacts'
down_revision: str | None = "0010_text_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FTS_ROW = (
    "' ' || {t}.search_key || ' ', coalesce({t}.phone, '') || ' ' || coalesce({t}.phone2, '')"
)
_SQLITE = [
    "CREATE VIRTUAL TABLE contact_fts USING fts5(words, phone, content='', tokenize='trigram')",
    "CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact BEGIN"
    f" INSERT INTO contact_fts(rowid, words, phone) VALUES (new.id, {_FTS_ROW.format(t='new')});"
    " END",
    "CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact BEGIN"
    " INSERT INTO contact_fts(contact_fts, rowid, words, phone)"
    f" VALUES ('delete', old.id, {_FTS_ROW.format(t='old')}); END",
    "CREATE TRIGGER contact_fts_update AFTER UPDATE OF search_key, phone, phone2 ON contact BEGIN"
    " INSERT INTO contact_fts(contact_fts, rowid, words, phone)"
    f" VALUES ('delete', old.id, {_FTS_ROW.format(t='old')});"
    f" INSERT INTO contact_fts(rowid, words, phone) VALUES (new.id, {_FTS_ROW.format(t='new')});"
    " END",
    "CREATE INDEX ix_contact_email_ci ON contact (org_id, email COLLATE NOCASE)",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column(
        'customer',
        sa.Column('kind', sa.String(length=8), server_default='person', nullable=False),
    )
    op.create_table(
        'contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('phone2', sa.String(length=40), nullable=True),
        sa.Column('email', sa.String(length=200), nullable=True),
        sa.Column('birthday', sa.Date(), nullable=True),
        sa.Column('birthday_lunar', sa.Boolean(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('care_consent', sa.Boolean(), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=True),
        sa.Column('search_key', sa.Text(), nullable=False),
        sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['customer_id'], ['customer.id'], name=op.f('fk_contact_customer_id_customer')
        ),
        sa.ForeignKeyConstraint(['org_id'], ['org.id'], name=op.f('fk_contact_org_id_org')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact')),
    )
    op.create_index('ix_contact_customer_name', 'contact', ['customer_id', 'name'])
    op.create_index('ix_contact_org_name', 'contact', ['org_id', 'name'])
    op.create_index('ix_contact_org_phone', 'contact', ['org_id', 'phone'])
    op.create_index('ix_contact_org_phone2', 'contact', ['org_id', 'phone2'])
    for table in ('activity', 'deal'):
        _add_contact_id(table, sqlite)
    if sqlite:
        for statement in _SQLITE:
            op.execute(statement)
        return
    ops = f"{_trgm_schema()}.gin_trgm_ops"
    op.execute(
        "CREATE INDEX ix_contact_search_trgm ON contact"
        f" USING gin ((' ' || search_key || ' ') {ops})"
    )
    op.execute(
        "CREATE INDEX ix_contact_phone_trgm ON contact"
        f" USING gin ((coalesce(phone, '') || ' ' || coalesce(phone2, '')) {ops})"
    )
    op.execute("CREATE INDEX ix_contact_email_ci ON contact (org_id, lower(email))")


def _add_contact_id(table: str, sqlite: bool) -> None:
    """SQLite adds the column with its reference in one ALTER (it cannot add a constraint
    later, and a batch copy of the table is not needed for a nullable column)."""
    fk = f'fk_{table}_contact_id_contact'
    if sqlite:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN contact_id INTEGER"
            f" CONSTRAINT {fk} REFERENCES contact (id)"
        )
        return
    op.add_column(table, sa.Column('contact_id', sa.Integer(), nullable=True))
    op.create_foreign_key(fk, table, 'contact', ['contact_id'], ['id'])


def _without_contact_id(table: str) -> None:
    """Copy the table without the column, and put back the triggers the copy loses (the
    activity's text-search upkeep from 0010_text_search)."""
    triggers = op.get_bind().exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).scalars().all()
    with op.batch_alter_table(table) as batch:
        batch.drop_column('contact_id')
    for sql in triggers:
        op.execute(sql)


def _trgm_schema() -> str:
    """Where pg_trgm lives (0008_search made sure it is installed)."""
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    found = op.get_bind().exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = 'pg_trgm'"
    )
    return '"' + str(found.scalar_one()).replace('"', '""') + '"'


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER contact_fts_{trigger}")
        op.execute("DROP TABLE contact_fts")
    else:
        op.execute("DROP INDEX ix_contact_phone_trgm")
        op.execute("DROP INDEX ix_contact_search_trgm")
    op.execute("DROP INDEX ix_contact_email_ci")
    for table in ('deal', 'activity'):
        if sqlite:  # SQLite drops a referencing column only by copying the table
            _without_contact_id(table)
            continue
        op.drop_constraint(f'fk_{table}_contact_id_contact', table, type_='foreignkey')
        op.drop_column(table, 'contact_id')
    op.drop_index('ix_contact_org_phone2', table_name='contact')
    op.drop_index('ix_contact_org_phone', table_name='contact')
    op.drop_index('ix_contact_org_name', table_name='contact')
    op.drop_index('ix_contact_customer_name', table_name='contact')
    op.drop_table('contact')
    op.drop_column('customer', 'kind')
