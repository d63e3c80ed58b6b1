from __future__ import annotations

import pytest

from jobs.context import JobContext
from tests.world import World


@pytest.fixture
def jobs(world: World) -> JobContext:
    """Jobs on the same clock as the chat: move world.clock and both see it."""
    return JobContext(world.uows, world.clock, instance="test")
