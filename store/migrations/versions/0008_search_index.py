"""customer search: indexes that find a customer without reading the whole table

B-tree (org_id, name), (org_id, company, name) and (org_id, phone) answer exact names, name /
company prefixes, a company with a surname (美的赵总) and exact phones on both backends (phone
alone lost to org_id in SQLite's plans). PostgreSQL: pg_trgm GIN indexes over the padded search
key (names, companies, full pinyin, initials; padded with spaces so a whole short word such as
the initials "zs" has trigrams of its own) and over the phone. SQLite: a contentless FTS5 table with the trigram
tokenizer over the same padded key and the phone, kept in step by triggers.
store/repos/customer_search.py holds the queries that rely on these.

Revision ID: 0008_search
Revises: 0007_delivery
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0008_search'
down_revision: str | None = '0007_delivery'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FTS_ROW = "' ' || {t}.search_key || ' ', coalesce({t}.phone, '')"
_SQLITE = [
    "CREATE VIRTUAL TABLE customer_fts USING fts5(words, phone, content='', tokenize='trigram')",
    f"INSERT INTO customer_fts(rowid, words, phone) SELECT id, {_FTS_ROW.format(t='customer')}"
    " FROM customer",
    "CREATE TRIGGER customer_fts_insert AFTER INSERT ON customer BEGIN"
    f" INSERT INTO customer_fts(rowid, words, phone) VALUES (new.id, {_FTS_ROW.format(t='new')});"
    " END",
    "CREATE TRIGGER customer_fts_delete AFTER DELETE ON customer BEGIN"
    " INSERT INTO customer_fts(customer_fts, rowid, words, phone)"
    f" VALUES ('delete', old.id, {_FTS_ROW.format(t='old')}); END",
    "CREATE TRIGGER customer_fts_update AFTER UPDATE OF search_key, phone ON customer BEGIN"
    " INSERT INTO customer_fts(customer_fts, rowid, words, phone)"
    f" VALUES ('delete', old.id, {_FTS_ROW.format(t='old')});"
    f" INSERT INTO customer_fts(rowid, words, phone) VALUES (new.id, {_FTS_ROW.format(t='new')});"
    " END",
]


def upgrade() -> None:
    op.create_index('ix_customer_org_name', 'customer', ['org_id', 'name'], unique=False)
    op.create_index(
        'ix_customer_org_company', 'customer', ['org_id', 'company', 'name'], unique=False
    )
    op.create_index('ix_customer_org_phone', 'customer', ['org_id', 'phone'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        for statement in _SQLITE:
            op.execute(statement)
        return
    ops = f"{_trgm_schema()}.gin_trgm_ops"
    op.execute(
        "CREATE INDEX ix_customer_search_trgm ON customer"
        f" USING gin ((' ' || search_key || ' ') {ops})"
    )
    op.execute(f"CREATE INDEX ix_customer_phone_trgm ON customer USING gin (phone {ops})")


def _trgm_schema() -> str:
    """Where pg_trgm lives: an existing install is used as it is; a new one goes to public, so
    every schema of the database (one per test run) finds it by a qualified name."""
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    found = op.get_bind().exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = 'pg_trgm'"
    )
    return '"' + str(found.scalar_one()).replace('"', '""') + '"'


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER customer_fts_{trigger}")
        op.execute("DROP TABLE customer_fts")
    else:
        op.execute("DROP INDEX ix_customer_phone_trgm")
        op.execute("DROP INDEX ix_customer_search_trgm")
    op.drop_index('ix_customer_org_phone', table_name='customer')
    op.drop_index('ix_customer_org_company', table_name='customer')
    op.drop_index('ix_customer_org_name', table_name='customer')
