"""The composition root's parts: settings in, a running object graph out. Tests use it too."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.metrics import MeteredRouter
from bot.settings import Settings
from handlers.chat.app import build_router
from handlers.chat.context import ChatConfig
from handlers.chat.router import Router
from handlers.clock import Clock, SystemClock
from store.db import make_engine, make_sessions
from store.migrate import upgrade
from store.uow import UnitOfWorkFactory


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    uows: UnitOfWorkFactory
    router: Router
    clock: Clock

    async def close(self) -> None:
        await self.engine.dispose()


def chat_config(settings: Settings) -> ChatConfig:
    return ChatConfig(
        default_lang=settings.default_lang,
        default_tz=settings.default_tz,
        default_hour=settings.default_reminder_hour,
    )


def chat_router(uows: UnitOfWorkFactory, clock: Clock, settings: Settings) -> Router:
    """The router every channel feeds, counted and timed for /metrics."""
    return MeteredRouter.around(build_router(uows, clock, chat_config(settings)))


async def build_app(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> App:
    """Engine, schema, units of work and the router, wired from settings."""
    engine = make_engine(
        settings.database_url,
        sqlite_synchronous=settings.sqlite_synchronous,
        pool_size=settings.db_pool_size,
    )
    if migrate:
        await upgrade(engine)
    uows = UnitOfWorkFactory(make_sessions(engine))
    clock = clock or SystemClock()
    router = chat_router(uows, clock, settings)
    return App(settings, engine, uows, router, clock)
