"""Outbox rows out through WeChat: app messages to reps (WeCom), customer-service or template
messages to customers (Official Account), and WeChat's error codes as delivery outcomes."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from wechatpy.exceptions import WeChatClientException

from bot.delivery import SendResult
from bot.rate_limit import MemberPacer
from bot.wechat.api import WeChatApi
from bot.wechat.card_links import CardLinks
from bot.wechat.cards import card_worthy, recipient_lang, text_card
from bot.wechat.files import upload_file, upload_image
from bot.wechat.inbound import WECOM_CHANNEL
from bot.wechat.render import MAX_BYTES, render_body, split_text
from handlers.clock import Clock
from handlers.desk.care import care_allowed, hand_to_rep
from handlers.desk.config import OA_CHANNEL, DeskConfig
from handlers.messages import Reply, reply_from_dict
from store.models import OutboxEntry
from store.uow import UnitOfWorkFactory

SERVICE_WINDOW = timedelta(hours=48)  # customer-service messages only this long after contact
OUTSIDE_WINDOW = {45015, 45047}  # "response out of time limit", "out of response count limit"
GONE = {43004, 43019, 40003, 81013}  # unfollowed, blacklisted, unknown openid / WeCom user
RATE_LIMITED = {45009, 45011, 45033}
MAX_INLINE_WAIT = 2.0  # seconds a send may wait for a member's window before going back


def _plain(body: dict[str, Any]) -> bool:
    return not (body.get("image_png") or body.get("document") or body.get("format") == "markdown")


def foldable(entries: Sequence[OutboxEntry], limit: int = MAX_BYTES) -> int:
    """How many of the first rows fit one text: plain ones, the last of them may carry
    choices (numbered from 1, as the chat then expects), within WeChat's size."""
    size = 0
    for n, entry in enumerate(entries):
        body = entry.body
        size += len(render_body(body).encode()) + 2
        if not _plain(body) or (n and size > limit):
            return max(1, n)
        if body.get("choices"):
            return n + 1
    return max(1, len(entries))


def fold_bodies(bodies: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One body for several: their texts one after another, the last one's choices."""
    text = "\n\n".join(str(b.get("text", "")) for b in bodies)
    return {**bodies[-1], "text": text}


def outcome_of(exc: Exception) -> SendResult:
    """What a failed call means for the row: wait, give up on the recipient, or retry."""
    code = exc.errcode if isinstance(exc, WeChatClientException) else None
    detail = f"{type(exc).__name__}: {code} {getattr(exc, 'errmsg', '') or exc}"
    if code in RATE_LIMITED:
        return SendResult.wait(60.0, detail)
    if code in GONE:
        return SendResult.blocked(detail)
    if code is not None and code not in (-1,):  # -1: WeChat's "system busy", worth a retry
        return SendResult.failed(detail)
    return SendResult.error(detail)  # timeouts, connection and HTTP errors


Call = tuple[str, dict[str, Any]]  # API path, JSON body: the messages wechatpy 1.8 built


def _wecom(agent_id: int, to: str, kind: str, part: dict[str, Any]) -> Call:
    """A WeCom app message (message/send) of one `kind` to one member."""
    body = {"touser": to, "toparty": "", "totag": "", "agentid": agent_id, "msgtype": kind}
    return "message/send", {**body, kind: part, **({"safe": 0} if kind == "text" else {})}


def _custom_text(openid: str, text: str) -> Call:
    """An OA customer-service text (inside the 48-hour window)."""
    return "message/custom/send", {"touser": openid, "msgtype": "text", "text": {"content": text}}


def _template(openid: str, template_id: str, data: dict[str, Any]) -> Call:
    return "message/template/send", {"touser": openid, "template_id": template_id, "data": data}


class WeComSender:
    """App messages (message/send) to a rep or manager, by WeCom UserID: text, markdown, or a
    text card linking to the whole message when `cards` is set (a public URL exists).

    Paced per member (bot/rate_limit.MemberPacer): WeCom silently drops what exceeds its
    limits. A short wait is waited here; a long one sends the row back to the table for
    later. A burst for one member (a morning of reminders) is folded into fewer messages.
    """

    channel = WECOM_CHANNEL

    def __init__(
        self,
        api: WeChatApi,
        agent_id: int,
        uows: UnitOfWorkFactory,
        cards: CardLinks | None = None,
        pacer: MemberPacer | None = None,
    ) -> None:
        self.api, self.agent_id, self.uows, self.cards = api, agent_id, uows, cards
        self.pacer = pacer or MemberPacer()

    def foldable(self, entries: Sequence[OutboxEntry]) -> int:
        """How many of a member's next rows go out as one text (see fold_bodies)."""
        return foldable(entries)

    async def send_folded(self, entries: Sequence[OutboxEntry]) -> SendResult:
        folded = OutboxEntry(
            id=entries[-1].id,
            channel=entries[-1].channel,
            recipient=entries[-1].recipient,
            body=fold_bodies([e.body for e in entries]),
            idempotency_key=entries[-1].idempotency_key,
            created_at=entries[-1].created_at,
            attempts=entries[-1].attempts,
        )
        return await self.send(folded)

    async def send(self, entry: OutboxEntry) -> SendResult:
        try:
            calls = await self._calls(entry)
        except (SQLAlchemyError, OSError) as exc:  # the database away: try again later
            return SendResult.error(f"{type(exc).__name__}: {exc}")
        reply = reply_from_dict(entry.body)
        wait = self.pacer.delay(entry.recipient)
        if wait > MAX_INLINE_WAIT:
            return SendResult.wait(wait, "WeCom: 30 a minute, 1,000 an hour a member")
        results: list[dict[str, Any]] = []
        try:
            # The chart or the file goes after its words, but is uploaded (media/upload)
            # before any of them: a failed upload then sends nothing, and the retry does not
            # repeat the words.
            steps = [*calls, *[await self._media_call(kind, entry.recipient, reply)
                               for kind in _extras(reply)]]  # fmt: skip
            for step in steps:
                wait = self.pacer.delay(entry.recipient)
                if wait > 0:
                    await asyncio.sleep(wait)
                self.pacer.record(entry.recipient)
                results.append(await self.api.post(*step))
        except Exception as exc:
            return outcome_of(exc)
        if any(r.get("invaliduser") for r in results):  # errcode 0, yet nobody received it
            return SendResult.blocked(f"not a member of the app: {entry.recipient}")
        return SendResult.sent(str(results[-1].get("msgid") or "") or None)

    async def _media_call(self, kind: str, to: str, reply: Reply) -> Call:
        """Upload the chart ("image") or the file; the app message that shows it."""
        if kind == "image" and reply.image_png is not None:
            media_id = await upload_image(self.api, reply.image_png)
        elif kind == "file" and reply.document is not None:
            media_id = await upload_file(self.api, reply.document)
        else:
            raise ValueError(kind)
        return _wecom(self.agent_id, to, kind, {"media_id": media_id})

    async def _calls(self, entry: OutboxEntry) -> list[Call]:
        body, to, agent = entry.body, entry.recipient, self.agent_id
        if body.get("format") == "markdown":
            return [_wecom(agent, to, "markdown", {"content": str(body["text"])})]
        if "lang" not in body:  # queued by a job: number the choices in the reader's language
            async with self.uows() as uow:
                body = {**body, "lang": await recipient_lang(uow, body, to)}
        worthy = card_worthy(entry) and not body.get("document")
        card = text_card(entry, body, self.cards) if self.cards and worthy else None
        if card is not None:
            part = {
                "title": card.title,
                "description": card.description,
                "url": card.url,
                "btntxt": card.button,
            }
            return [_wecom(agent, to, "textcard", part)]
        pieces = split_text(render_body(body))
        return [_wecom(agent, to, "text", {"content": piece}) for piece in pieces]


def _extras(reply: Reply) -> list[str]:
    return [kind for kind, has in (("image", reply.image_png), ("file", reply.document)) if has]


class OASender:
    """Customer-service messages inside the 48-hour window; otherwise the configured template
    message, or the rep gets it as a task. Consent is checked again here: an opt-out that came
    after a care message was queued still stops it."""

    channel = OA_CHANNEL

    def __init__(
        self,
        api: WeChatApi,
        uows: UnitOfWorkFactory,
        clock: Clock,
        desk: DeskConfig,
        template_id: str | None,
    ) -> None:
        self.api, self.uows, self.clock = api, uows, clock
        self.desk, self.template_id = desk, template_id

    async def send(self, entry: OutboxEntry) -> SendResult:
        async with self.uows() as uow:
            link = await uow.desk.link(OA_CHANNEL, entry.recipient)
        if link is None or not link.subscribed:
            return SendResult.blocked("not following the Official Account")
        if entry.body.get("care") and not care_allowed(link):
            return SendResult.failed("care message refused: no consent or opted out")
        text = render_body(entry.body)
        last = link.last_inbound_at
        if last is not None and self.clock.now() - last < SERVICE_WINDOW:
            try:
                return await self._custom(entry.recipient, text)
            except Exception as exc:
                code = getattr(exc, "errcode", None)
                if code not in OUTSIDE_WINDOW:
                    return outcome_of(exc)
        return await self._outside_window(entry, text)

    async def _custom(self, openid: str, text: str) -> SendResult:
        result: dict[str, Any] = {}
        for piece in split_text(text):
            result = await self.api.post(*_custom_text(openid, piece))
        return SendResult.sent(str(result.get("msgid") or "") or None)

    async def _outside_window(self, entry: OutboxEntry, text: str) -> SendResult:
        if self.template_id:
            data = {"content": {"value": text[:200]}}  # template fields hold short values
            tid = self.template_id
            try:
                result = await self.api.post(*_template(entry.recipient, tid, data))
            except Exception as exc:
                return outcome_of(exc)
            return SendResult.sent(str(result.get("msgid") or "") or None)
        async with self.uows() as uow:
            link = await uow.desk.link(OA_CHANNEL, entry.recipient)
            handed = link is not None and await hand_to_rep(
                uow, self.desk, link, text, "48h", self.clock.now()
            )
            await uow.commit()
        return SendResult.failed(
            "outside the 48-hour window; "
            + ("handed to the rep" if handed else "nobody to hand it to")
        )
