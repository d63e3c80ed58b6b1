"""A rep's WeCom message through the same router as every channel; the answer via the outbox,
queued in the router's own transaction: the change and its reply commit together."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.wechat.files import Remembered, WeComMedia
from bot.wechat.inbound import WECOM_CHANNEL
from bot.wechat.media import PhotoKeeper
from handlers.chat.router import Router
from handlers.clock import Clock
from handlers.desk.notify import numbered_bodies
from handlers.media import NO_MEDIA, MediaReader
from handlers.messages import InboundMessage, Reply
from store.uow import UnitOfWork, UnitOfWorkFactory


class WeComInbox:
    def __init__(
        self,
        router: Router,
        uows: UnitOfWorkFactory,
        clock: Clock,
        default_lang: str,
        on_enqueued: Callable[[], None] = lambda: None,
        photos: PhotoKeeper | None = None,
        media: MediaReader = NO_MEDIA,
    ) -> None:
        self.router, self.uows, self.clock = router, uows, clock
        self.default_lang, self.on_enqueued, self.photos = default_lang, on_enqueued, photos
        self.media = media

    async def __call__(self, msg: InboundMessage) -> list[Reply]:
        """Handle (deduplicated by the router's inbox) with the replies queued for
        message/send in the same transaction, then keep the photo, if one came: the answer
        doesn't wait for the download, and a failed download can't undo what was recorded."""

        async def queue(uow: UnitOfWork, replies: list[Reply]) -> None:
            await self._queue(uow, msg, replies, "")

        media = Remembered(self.media) if isinstance(self.media, WeComMedia) else self.media
        replies = await self.router.handle(msg, queue, media)
        self.on_enqueued()
        if self.photos is not None:
            seen = media.seen if isinstance(media, Remembered) else None
            note = await self.photos.keep(msg, seen)
            if note is not None:
                async with self.uows() as uow:
                    await self._queue(uow, msg, [note], "photo:")
                    await uow.commit()
                self.on_enqueued()
        return replies

    async def _queue(
        self, uow: UnitOfWork, msg: InboundMessage, replies: Sequence[Reply], part: str
    ) -> None:
        """The keys carry the dedupe key, so even a handling that is somehow repeated cannot
        queue the same answer twice."""
        if not replies:
            return
        user = await uow.users.by_identity(WECOM_CHANNEL, msg.user_id)
        lang = user.lang if user is not None else self.default_lang
        ref, now = msg.dedupe_key or msg.message_id, self.clock.now()
        for i, body in enumerate(numbered_bodies(replies, lang)):
            key = f"wecom:{ref}:{part}{i}"
            await uow.outbox.enqueue(WECOM_CHANNEL, msg.user_id, body, key, now)
