"""What the WeCom adapter keeps beyond the shared tables: downloaded photos, and the outbox
rows its text cards link to. Reached as `uow.wecom`, so it shares
the unit of work's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from store.models import MediaFile, OutboxEntry
from store.repos.once import insert_once


class WeComRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def has_media(self, channel: str, external_id: str) -> bool:
        found = await self.session.scalar(
            select(MediaFile.id).where(
                MediaFile.channel == channel, MediaFile.external_id == external_id
            )
        )
        return found is not None

    async def keep_media(self, media: MediaFile) -> int | None:
        """Store the photo once; its id, or None when the same media id was already kept
        (a retried callback, or another instance that got there first)."""
        values = {c.key: getattr(media, c.key) for c in MediaFile.__table__.columns}
        values.pop("id")
        if not await insert_once(self.session, MediaFile, values):
            return None
        return await self.session.scalar(
            select(MediaFile.id).where(
                MediaFile.channel == media.channel, MediaFile.external_id == media.external_id
            )
        )

    async def media(self, channel: str, external_id: str) -> MediaFile | None:
        """The kept photo, bytes included."""
        stmt = (
            select(MediaFile)
            .options(undefer(MediaFile.data))
            .where(MediaFile.channel == channel, MediaFile.external_id == external_id)
        )
        return (await self.session.scalars(stmt)).first()

    async def outbox_entry(self, entry_id: int, channel: str) -> OutboxEntry | None:
        """A message this channel sent (or will send), for the page its card links to."""
        stmt = select(OutboxEntry).where(
            OutboxEntry.id == entry_id, OutboxEntry.channel == channel
        )
        return (await self.session.scalars(stmt)).first()
