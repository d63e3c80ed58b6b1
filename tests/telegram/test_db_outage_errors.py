"""A database that is away is told apart from a bug by what the driver says, not by luck of
the class SQLAlchemy wraps it in: the webhook answers the first with 503 (Telegram resends)."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError

from bot.settings import Settings
from bot.telegram.runtime import poll
from store.db import make_engine
from store.errors import is_unavailable
from store.migrate import upgrade
from tests.fakes.telegram_api import TOKEN, Updates
from tests.own_postgres import own_postgres
from tests.telegram.harness import seed
from tests.telegram.test_telegram_run import REP, _app, fake_api

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


async def test_polling_keeps_an_update_fetched_while_the_database_is_away() -> None:
    """getUpdates has moved past it (Telegram will not give it again): handled once the
    database is back, not dropped."""
    with own_postgres() as pg:
        engine = make_engine(pg.url, pool_size=2)
        try:
            await upgrade(engine)
            async with fake_api() as api:
                settings = Settings(
                    database_url=pg.url,
                    telegram_token=SecretStr(TOKEN),
                    telegram_api_url=api.base_url,
                )
                app = _app(engine, settings)
                invites = await seed(app)
                polling = asyncio.create_task(poll(app))
                try:
                    await pg.astop()
                    update = Updates().message(REP, f"/start {invites['rep_b']}")
                    api.push_update(update)
                    past = lambda: any(  # noqa: E731
                        int(c.params.get("offset") or 0) > update["update_id"]
                        for c in api.called("getUpdates")
                    )
                    await api.wait_for(past)
                    assert not api.sent(REP.id)
                    await pg.astart()
                    await api.wait_for(lambda: api.sent(REP.id), within=30)
                finally:
                    polling.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await polling
            [welcome] = api.sent(REP.id)
            assert "欢迎加入" in welcome.text
        finally:
            await engine.dispose()
