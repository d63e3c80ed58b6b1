"""Schema migrations with Alembic, callable from the CLI and from tests.

Several hosts starting together must not migrate at once: on PostgreSQL each migration runs
inside a transaction that first takes an advisory lock, so the others wait for it and then
find nothing left to do. `schema_status` tells `serve` whether this code and the database
agree before it starts answering anyone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str = "") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database to `revision` on the engine's own connection."""
    async with engine.begin() as conn:
        await conn.run_sync(_run, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_run, "downgrade", revision)


@dataclass(frozen=True)
class SchemaStatus:
    current: tuple[str, ...]  # the database's revisions (empty: never migrated)
    head: tuple[str, ...]  # what this code needs

    @property
    def ok(self) -> bool:
        return self.current == self.head

    def explain(self) -> str:
        """One line for an operator."""
        have = ", ".join(self.current) or "empty"
        need = ", ".join(self.head)
        if set(self.current) <= _known():
            return (
                f"database schema is behind: it is at {have}, this version needs {need}; "
                "run `python main.py migrate` (or start with CHATCRM_MIGRATE_ON_START=true)"
            )
        return (
            f"database schema {have} is not one this version knows (it needs {need}): "
            "a newer version migrated it; deploy that version here too"
        )


async def schema_status(engine: AsyncEngine) -> SchemaStatus:
    async with engine.connect() as conn:
        current = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_heads())
    return SchemaStatus(tuple(sorted(current)), tuple(sorted(_script().get_heads())))


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def _known() -> set[str]:
    """Every revision this code has a migration for."""
    return {rev.revision for rev in _script().walk_revisions("base", "heads")}


def _run(connection: Connection, action: str, revision: str) -> None:
    if connection.dialect.name == "postgresql":  # released when this transaction ends
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(connection)})
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    getattr(command, action)(cfg, revision)


def _lock_key(connection: Connection) -> int:
    """One lock per schema: test runs in schemas of one database do not wait for each other."""
    schema = connection.execute(text("SELECT current_schema()")).scalar()
    digest = hashlib.blake2b(f"{schema}:chatcrm:migrate".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
