from __future__ import annotations

import pytest

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
async def people_en(world: World) -> dict[str, Chat]:
    """Everyone joined, English speakers."""
    return await join_all(world, "en")
