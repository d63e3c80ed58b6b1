"""A rep's WeCom photo, downloaded while its MediaId lives (3 days) and kept in the database.

The activity keeps the MediaId as its photo (as Telegram's keep a file id); `media_file` holds
the bytes under that id. A photo that can't be kept never stops the message: the router has
handled it already, and the rep is told the photo itself was not saved, and why.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping

from bot.wechat.api import WeChatApi
from bot.wechat.http import Download, TooLarge
from bot.wechat.inbound import WECOM_CHANNEL
from handlers.clock import Clock
from handlers.i18n import add_texts, t
from handlers.messages import InboundMessage, Reply
from handlers.services.audit import record
from store.models import MediaFile, User
from store.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
MAX_PHOTO = 10 * 1024 * 1024  # WeCom's own limit for an image; anything larger is not one
DOWNLOAD_SECONDS = 30.0  # a 10 MB photo over a slow uplink, but not forever
Fetch = Callable[[str], Awaitable[Download]]  # access token -> the photo

add_texts(
    {
        "wxm.too_big": (
            "📷 这张照片超过 {mb} MB，没有保存；消息的其余内容已照常处理。可以压缩后再发一次。",
            "📷 That photo is over {mb} MB and was not saved; the rest of the message was "
            "handled as usual. You can send a smaller copy.",
        ),
        "wxm.failed": (
            "📷 这张照片没能从企业微信下载，没有保存；消息的其余内容已照常处理。"
            "需要的话请在 3 天内再发一次。",
            "📷 That photo could not be downloaded from WeCom and was not saved; the rest of "
            "the message was handled as usual. Send it again within 3 days if you need it.",
        ),
    }
)


class PhotoRefused(Exception):
    """The download is not a photo we keep: `why` is "too_big" or "failed"."""

    def __init__(self, why: str, detail: str) -> None:
        super().__init__(detail)
        self.why = why


def media_get(api: WeChatApi, media_id: str, limit: int, seconds: float) -> Fetch:
    """WeCom's media/get under the configured API base: an image of at most `limit` bytes,
    within `seconds` all told (a server dripping bytes is cut off too)."""

    async def run(token: str) -> Download:
        params = {"access_token": token, "media_id": media_id}
        try:
            return await api.http.download("media/get", params, "image/", limit, seconds)
        except TooLarge as exc:
            raise PhotoRefused("too_big", str(exc)) from exc
        except ValueError as exc:  # an answer that is neither the image nor WeChat's error
            raise PhotoRefused("failed", str(exc)) from exc

    return run


def _a_photo(got: Download, limit: int) -> bool:
    """What media_get would have taken: an image within the limit."""
    return got.content_type.startswith("image/") and len(got.data) <= limit


class PhotoKeeper:
    def __init__(
        self,
        api: WeChatApi,
        uows: UnitOfWorkFactory,
        clock: Clock,
        limit: int = MAX_PHOTO,
        seconds: float = DOWNLOAD_SECONDS,
    ) -> None:
        self.api, self.uows, self.clock, self.limit = api, uows, clock, limit
        self.seconds = seconds

    async def keep(
        self, msg: InboundMessage, fetched: Mapping[str, Download] | None = None
    ) -> Reply | None:
        """Download and store the message's photo (or take it from `fetched`, what handling
        the message downloaded already); a note for the rep when that failed."""
        media_id = next((a.value for a in msg.attachments if a.kind == "photo"), None)
        if not media_id:
            return None
        async with self.uows() as uow:
            user = await uow.users.by_identity(WECOM_CHANNEL, msg.user_id)
            if user is None or not user.active:  # strangers get the join prompt, we keep nothing
                return None
            if await uow.wecom.has_media(WECOM_CHANNEL, media_id):
                return None  # a retried callback, or another instance already has it
        got = (fetched or {}).get(media_id)
        if got is not None and _a_photo(got, self.limit):
            await self._store(user, media_id, got)
            return None
        fetch = media_get(self.api, media_id, self.limit, self.seconds)
        try:
            got = await self.api.call(fetch)
        except PhotoRefused as refused:
            log.warning("WeCom photo %s not kept: %s", media_id, refused)
            return self._note(user, refused.why)
        except Exception as exc:  # WeChat errors, timeouts, connection failures
            log.warning("WeCom photo %s not downloaded: %r", media_id, exc)
            return self._note(user, "failed")
        await self._store(user, media_id, got)
        return None

    def _note(self, user: User, why: str) -> Reply:
        return Reply(t(user.lang, f"wxm.{why}", mb=self.limit // (1024 * 1024)))

    async def _store(self, user: User, media_id: str, got: Download) -> None:
        now = self.clock.now()
        row = MediaFile(
            org_id=user.org_id,
            user_id=user.id,
            channel=WECOM_CHANNEL,
            external_id=media_id,
            content_type=got.content_type,
            size=len(got.data),
            sha256=hashlib.sha256(got.data).hexdigest(),
            data=got.data,
            created_at=now,
        )
        async with self.uows() as uow:
            kept = await uow.wecom.keep_media(row)
            if kept is not None:
                facts = ("org_id", "channel", "external_id", "content_type", "size", "sha256")
                after = {name: getattr(row, name) for name in facts}
                await record(uow, user, "media.keep", ("media_file", kept), now, after=after)
            await uow.commit()
