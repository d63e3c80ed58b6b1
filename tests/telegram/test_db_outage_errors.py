"""A database that is away is told apart from a bug by what the driver says, not by luck of
the class SQLAlchemy wraps it in: the webhook answers the first with 503 (Telegram resends)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError

from store.db import make_engine
from store.errors import is_unavailable
from tests.own_postgres import own_postgres

pytestmark = pytest.mark.postgres


async def test_a_server_shutting_down_mid_transaction_is_unavailable() -> None:
    """What asyncpg raises when the server goes away under an open transaction."""
    with own_postgres() as pg:
        engine = make_engine(pg.url, pool_size=1)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                await pg.astop()
                with pytest.raises(DBAPIError) as lost:
                    await conn.execute(text("SELECT 1"))
            assert is_unavailable(lost.value), repr(lost.value)
            await pg.astart()
            async with engine.connect() as conn:  # back: and a bug is still a bug
                with pytest.raises(ProgrammingError) as bug:
                    await conn.execute(text("SELEC 1"))
                await conn.rollback()
                await conn.execute(text("CREATE TEMP TABLE t (k int PRIMARY KEY)"))
                await conn.execute(text("INSERT INTO t VALUES (1)"))
                with pytest.raises(IntegrityError) as twice:
                    await conn.execute(text("INSERT INTO t VALUES (1)"))
            assert not is_unavailable(bug.value) and not is_unavailable(twice.value)
        finally:
            await engine.dispose()


@pytest.mark.parametrize(
    "driver_error",
    [
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed mid-operation"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        ConnectionResetError(104, "Connection reset by peer"),
    ],
)
def test_driver_errors_wrapped_as_a_plain_dbapi_error(driver_error: Exception) -> None:
    """SQLAlchemy's asyncpg adapter hands these on as a bare DBAPIError, the driver's error
    as its cause: the class says nothing, the SQLSTATE does."""
    adapted = Exception(str(driver_error))
    adapted.__cause__ = driver_error
    wrapped = DBAPIError("SELECT 1", {}, adapted)
    assert type(wrapped) is DBAPIError and is_unavailable(wrapped)


@pytest.mark.parametrize(
    "driver_error",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate key value"),
        asyncpg.exceptions.UndefinedColumnError("column does not exist"),
        asyncpg.exceptions.DataError("invalid input syntax"),
        ValueError("a bug of ours"),
    ],
)
def test_what_would_fail_again_is_not_unavailable(driver_error: Exception) -> None:
    adapted = Exception(str(driver_error))
    adapted.__cause__ = driver_error
    assert not is_unavailable(DBAPIError("SELECT 1", {}, adapted))
    assert not is_unavailable(driver_error)
