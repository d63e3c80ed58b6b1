from __future__ import annotations

import pytest

from jobs.context import JobContext
from store.uow import UnitOfWorkFactory
from tests.world import Chat, World, build_world, join_all


@pytest.fixture
async def world(uows: UnitOfWorkFactory) -> World:
    return await build_world(uows)


@pytest.fixture
async def people(world: World) -> dict[str, Chat]:
    """Everyone joined, Chinese speakers."""
    return await join_all(world)


@pytest.fixture
def jobs(world: World) -> JobContext:
    """Jobs on the same clock as the chat: move world.clock and both see it."""
    return JobContext(world.uows, world.clock, instance="test")
