"""text search: indexes over activity text (summary, outcome, next step) and customer notes

/find 普洱 reads these (store/repos/text_search.py). Chinese words are mostly two characters,
which trigrams cannot serve, so each text has two indexes:
- words of three characters or more: trigrams. SQLite: FTS5 tables with the trigram tokenizer;
  PostgreSQL: pg_trgm GIN indexes over the same expressions (ILIKE '%word%').
- words of one or two characters: SQLite: FTS5 tables (unicode61) over the text with a space
  after every character, so each character is a token and 普洱 is the phrase "普 洱";
  PostgreSQL: GIN over text_search_grams(text), the text's distinct one- and two-character
  substrings, lower-cased (@> ARRAY['普洱']).
SQLite's tables are kept in step by triggers, not by the application: every writer (the chat,
imports, anonymisation's raw UPDATEs, merges, a hand-run fix) then keeps them right, and the
tables keep their own copy of the text, so a delete needs only the rowid. PostgreSQL's are
expression indexes and need no upkeep. Like 0008's, these objects are not in the models.

Also, PostgreSQL only: ix_customer_search_words, a GIN over the words of customer.search_key,
for customer search's typo tier (one exact-word lookup per variant instead of a trigram scan).

Revision ID: 0010_text_search
Revises: 0009_dedupe
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_text_search"
down_revision: str | None = "0009_dedupe"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Characters indexed for one- and two-character words (SQLite); notes keep at most 4,000.
POSITIONS = 8192
# One text per activity; the expression PostgreSQL's indexes are built on, written as queries
# write it (store/repos/text_search.py).
_ACTIVITY = "(summary || ' ' || coalesce(outcome, '') || ' ' || coalesce(next_step, ''))"
_SQLITE_ACTIVITY = (
    "({t}.summary || ' ' || coalesce({t}.outcome, '') || ' ' || coalesce({t}.next_step, ''))"
)
_SQLITE_NOTES = "coalesce({t}.notes, '')"
_SPACED = (
    "(SELECT coalesce(group_concat(substr({x}, n, 1), ' '), '') FROM"
    " (SELECT n FROM text_search_pos WHERE n <= length({x}) ORDER BY n))"
)
# (source table, FTS table stem, text expression, the columns whose change moves the text)
_SOURCES = (
    ("activity", "text_search_activity", _SQLITE_ACTIVITY, "summary, outcome, next_step"),
    ("customer", "text_search_notes", _SQLITE_NOTES, "notes"),
)


def _sqlite_statements() -> list[str]:
    out = [
        "CREATE TABLE text_search_pos (n INTEGER PRIMARY KEY)",
        "INSERT INTO text_search_pos (n) WITH RECURSIVE s(n) AS"
        f" (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {POSITIONS}) SELECT n FROM s",
    ]
    for source, stem, expr, columns in _SOURCES:
        new, old = expr.format(t="new"), expr.format(t="old")
        # Empty text (most customers have no notes) is not indexed: a customer's insert then
        # costs the notes tables nothing.
        insert = (
            f"INSERT INTO {stem}(rowid, body) SELECT new.id, {new} WHERE {new} <> '';"
            f" INSERT INTO {stem}_chars(rowid, body) SELECT new.id, {_SPACED.format(x=new)}"
            f" WHERE {new} <> '';"
        )
        delete = (
            f"DELETE FROM {stem} WHERE rowid = old.id;"
            f" DELETE FROM {stem}_chars WHERE rowid = old.id;"
        )
        out += [
            f"CREATE VIRTUAL TABLE {stem} USING fts5(body, tokenize='trigram')",
            f"CREATE VIRTUAL TABLE {stem}_chars USING fts5(body, tokenize='unicode61')",
            f"INSERT INTO {stem}(rowid, body) SELECT id, {expr.format(t=source)} FROM {source}"
            f" WHERE {expr.format(t=source)} <> ''",
            f"INSERT INTO {stem}_chars(rowid, body) SELECT id,"
            f" {_SPACED.format(x=expr.format(t=source))} FROM {source}"
            f" WHERE {expr.format(t=source)} <> ''",
            f"CREATE TRIGGER {stem}_insert AFTER INSERT ON {source} BEGIN {insert} END",
            f"CREATE TRIGGER {stem}_delete AFTER DELETE ON {source} BEGIN {delete} END",
            f"CREATE TRIGGER {stem}_update AFTER UPDATE OF {columns} ON {source}"
            f" WHEN {old} IS NOT {new} BEGIN {delete} {insert} END",
        ]
    return out


# Distinct one- and two-character substrings, lower-cased, without whitespace: the 2-gram
# 普洱 is in the array exactly when the text contains 普洱 (any case).
_GRAMS = r"""
CREATE FUNCTION text_search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
    SELECT substr(lower(t), i, k) AS g
    FROM generate_series(1, 2) AS k, generate_series(1, char_length(t) - k + 1) AS i
  ) AS s WHERE g !~ '\s'
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _sqlite_statements():
            op.execute(statement)
        return
    ops = f"{_trgm_schema()}.gin_trgm_ops"
    op.execute(_GRAMS)
    op.execute(
        f"CREATE INDEX ix_text_search_activity_trgm ON activity USING gin ({_ACTIVITY} {ops})"
    )
    op.execute(
        "CREATE INDEX ix_text_search_activity_grams ON activity"
        f" USING gin (text_search_grams{_ACTIVITY})"
    )
    op.execute(f"CREATE INDEX ix_text_search_notes_trgm ON customer USING gin (notes {ops})")
    # Customer search's typo tier (store/repos/customer_search.py _pg_words): whole words.
    op.execute(
        "CREATE INDEX ix_customer_search_words ON customer"
        " USING gin (string_to_array(search_key, ' '))"
    )
    op.execute(
        "CREATE INDEX ix_text_search_notes_grams ON customer USING gin (text_search_grams(notes))"
    )


def _trgm_schema() -> str:
    """Where pg_trgm lives (0008_search installed it; as there, a new install goes to public)."""
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    found = op.get_bind().exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = 'pg_trgm'"
    )
    return '"' + str(found.scalar_one()).replace('"', '""') + '"'


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for _source, stem, _expr, _columns in _SOURCES:
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {stem}_{trigger}")
            op.execute(f"DROP TABLE {stem}_chars")
            op.execute(f"DROP TABLE {stem}")
        op.execute("DROP TABLE text_search_pos")
        return
    op.execute("DROP INDEX ix_customer_search_words")
    for index in ("activity_trgm", "activity_grams", "notes_trgm", "notes_grams"):
        op.execute(f"DROP INDEX ix_text_search_{index}")
    op.execute("DROP FUNCTION text_search_grams(text)")
