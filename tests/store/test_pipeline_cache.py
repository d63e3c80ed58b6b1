"""Stages come from memory while unchanged, and a committed change shows at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from store.models import Identity, Org, PipelineStage, User
from store.repos.pipelines import Stage
from store.uow import UnitOfWork, UnitOfWorkFactory

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
ADDRESS = ("telegram", "42", "42")


async def _org(uows: UnitOfWorkFactory) -> int:
    async with uows() as uow:
        org = Org(name="o", settings={}, created_at=NOW)
        await uow.users.add(org)
        user = User(org_id=org.id, name="a", role="rep", lang="en", tz="UTC", created_at=NOW)
        await uow.users.add(user)
        await uow.users.add(Identity(user_id=user.id, channel="telegram", external_id="42"))
        for position, key in enumerate(("met", "proposal")):
            stage = PipelineStage(
                org_id=org.id, key=key, name_zh=key, name_en=key.title(), position=position,
                probability=10 * position,
            )  # fmt: skip
            await uow.users.add(stage)
        await uow.commit()
        return org.id


async def _as_sender(uow: UnitOfWork, org_id: int) -> tuple[Stage, ...]:
    """What a message's transaction reads: the sender first, then the pipeline."""
    assert await uow.chat.sender(*ADDRESS) is not None
    return await uow.users.pipeline(org_id)


@contextmanager
def _statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def _rename(uows: UnitOfWorkFactory, org_id: int, name: str, commit: bool) -> None:
    async with uows() as uow:
        stage = next(s for s in await uow.users.stages(org_id) if s.key == "proposal")
        stage.name_en = name
        await uow.users.pipeline_changed(org_id)
        assert (await _as_sender(uow, org_id))[1].name_en == name  # its own change, at once
        if commit:
            await uow.commit()


async def test_unchanged_stages_are_read_once(
    engine: AsyncEngine, uows: UnitOfWorkFactory
) -> None:
    org_id = await _org(uows)
    async with uows() as uow:
        assert [s.name_en for s in await _as_sender(uow, org_id)] == ["Met", "Proposal"]
    with _statements(engine) as seen:
        async with uows() as uow:
            assert [s.key for s in await _as_sender(uow, org_id)] == ["met", "proposal"]
    assert not any("pipeline_stage" in sql for sql in seen), seen


async def test_a_committed_change_shows_and_a_rolled_back_one_never(
    uows: UnitOfWorkFactory,
) -> None:
    org_id = await _org(uows)
    async with uows() as uow:
        await _as_sender(uow, org_id)  # cached
    await _rename(uows, org_id, "Quote", commit=True)
    async with uows() as uow:
        assert (await _as_sender(uow, org_id))[1].name_en == "Quote"
    await _rename(uows, org_id, "Ghost", commit=False)
    async with uows() as uow:
        assert (await _as_sender(uow, org_id))[1].name_en == "Quote"
    async with uows() as uow:  # a job's transaction, without a sender: read from the table
        assert (await uow.users.pipeline(org_id))[1].name_en == "Quote"
