"""The one entry point of every channel: an InboundMessage in, Replies out, state saved."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from handlers.chat import dates, forwarded, interrupt, onboarding
from handlers.chat.context import ChatConfig, Conversation, Ctx, UserError
from handlers.chat.routes import Routes, TextHandler
from handlers.clock import Clock
from handlers.i18n import add_texts, t
from handlers.media import NO_MEDIA, MediaReader, NeedsOutside, OutsideWork
from handlers.messages import InboundMessage, Reply, numbered_choices
from handlers.numbers import oversized_number, parse_small_int
from handlers.services.access import scope_for
from store.errors import is_unavailable
from store.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
OnReplies = Callable[[UnitOfWork, list[Reply]], Awaitable[None]]
CANCEL_WORDS = {"/cancel", "取消", "cancel"}
# Attempts of one message that may each ask for slow work outside the transaction (a
# download, then reading it, ...); the last does what is left in place.
OUTSIDE_ROUNDS = 6
_NOT_LABEL = re.compile(r"[^\w]+")
_CONTROL = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]")

add_texts(
    {
        "error.pick_range": ("请回复 1–{n} 之间的数字。", "Please pick a number from 1 to {n}."),
        "error.nothing_to_pick": (
            "现在没有可以选的选项。发送 /today 看待办，或 /help 看我能做什么。",
            "There's nothing on screen to pick from. Send /today for your tasks or /help.",
        ),
        "error.number_overflow": (
            "有个数字超出了范围，没有保存任何内容。",
            "A number in that is out of range; nothing was saved.",
        ),
    }
)


class _OffScreen(UserError):
    """A number that is not among the choices on screen: those choices stay pickable."""


class _HandlerFailed(Exception):
    """A handler gave up: its transaction is undone and these replies are sent instead;
    `remember` goes into the conversation (a question asked instead of saving)."""

    def __init__(
        self, replies: list[Reply], remember: dict[str, Any] | None = None, keep: bool = False
    ) -> None:
        super().__init__()
        self.replies, self.remember, self.keep = replies, remember, keep


class Router:
    def __init__(
        self, uows: UnitOfWorkFactory, clock: Clock, config: ChatConfig, routes: Routes
    ) -> None:
        self.uows, self.clock, self.config, self.routes = uows, clock, config, routes

    async def handle(
        self,
        msg: InboundMessage,
        on_replies: OnReplies | None = None,
        media: MediaReader = NO_MEDIA,
    ) -> list[Reply]:
        """Answer one message; a redelivered one is ignored, a failed one changes nothing.

        `on_replies` runs in the same transaction (a channel queueing the replies in its
        outbox), so the change and the messages about it are committed together or not at all.
        A handler that fails has its whole transaction rolled back; a second, short one then
        records the message as seen and queues the apology. (A savepoint would do the same in
        one transaction, but costs two more round trips on every message that succeeds.)
        `media` reads the bytes of files the message carries, the channel's own way; those
        downloads and other slow work (OCR, parsing a table) run outside the transaction
        (handlers/media.py OutsideWork), the message handled again once they are done.
        """
        work = media if isinstance(media, OutsideWork) else OutsideWork(media)
        for round_ in range(OUTSIDE_ROUNDS):
            work.inline = round_ == OUTSIDE_ROUNDS - 1  # bounded: then do it in place
            try:
                try:
                    return await self._attempt(msg, on_replies, work)
                except _HandlerFailed as failure:
                    return await self._attempt(msg, on_replies, work, failure)
            except NeedsOutside as need:  # rolled back: do it with no lock held, then again
                await work.run(need)
        raise AssertionError("unreachable: the last round does its work in place")

    async def _attempt(
        self,
        msg: InboundMessage,
        on_replies: OnReplies | None,
        media: MediaReader,
        failed: _HandlerFailed | None = None,
    ) -> list[Reply]:
        async with self.uows() as uow:
            now = self.clock.now()
            if msg.dedupe_key and not await uow.chat.first_delivery(
                msg.channel, msg.dedupe_key, now, turn_of=msg.user_id
            ):
                return []
            key = (msg.channel, msg.chat_id, msg.user_id)
            found = await uow.chat.sender(*key)
            if found is None or not found.user.active:
                replies = await onboarding.stranger(uow, msg, now, self.config)
                await self._commit(uow, replies, on_replies)
                return replies
            if found.blocked:  # writing to us means they unblocked the bot
                await uow.chat.unblock(found.identity_id)
            row = found.state
            conv = Conversation(row.state or None, dict(row.data)) if row else Conversation()
            ctx = Ctx(
                uow, msg, found.user, await scope_for(uow, found.user), now, self.config, conv,
                media=media,
            )  # fmt: skip
            if failed is None:
                replies = await self._guarded(ctx)
                await self._save_conversation(uow, (key, row is not None), ctx, replies)
            elif failed.keep:  # the form and the choices on screen stay: answer again
                replies = failed.replies
            else:  # the form stays; a question asked instead is remembered with it
                replies = failed.replies
                ctx.conv.data.pop("_left", None)
                ctx.conv.data.update(failed.remember or {})
                await self._save_conversation(uow, (key, row is not None), ctx, replies)
            await self._commit(uow, replies, on_replies)
            return replies

    @staticmethod
    async def _commit(uow: UnitOfWork, replies: list[Reply], on_replies: OnReplies | None) -> None:
        if on_replies is not None:
            await on_replies(uow, replies)
        await uow.commit()

    async def _guarded(self, ctx: Ctx) -> list[Reply]:
        """The handler's replies; when it fails, _HandlerFailed with the answer to give instead."""
        try:
            return await self._dispatch(ctx)
        except dates.DateQuestion as question:
            remember = {"_date_ask": dates.remembered(ctx, question)}
            raise _HandlerFailed([dates.ask(ctx, question)], remember) from question
        except UserError as err:
            keep = isinstance(err, _OffScreen)
            raise _HandlerFailed([Reply(t(ctx.lang, err.key, **err.values))], keep=keep) from err
        except NeedsOutside:  # not a failure: the router does the work, then comes back
            raise
        except ArithmeticError as err:  # a number past what Decimal or the database holds
            log.warning("number out of range in a %s message: %r", ctx.msg.channel, err)
            raise _HandlerFailed([Reply(t(ctx.lang, "error.number_overflow"))]) from err
        except Exception as err:
            if is_unavailable(err):  # not the handler's fault: the message is tried again
                raise
            log.exception("handling %s message failed", ctx.msg.channel)
            raise _HandlerFailed([Reply(t(ctx.lang, "error.internal"))]) from err

    async def _dispatch(self, ctx: Ctx) -> list[Reply]:
        text = clean_text(ctx.msg.text)
        payload = ctx.msg.payload or self._chosen(ctx.conv, text)
        ctx.conv.data.pop("_choices", None)
        left = ctx.conv.data.pop("_left", None)  # a form set aside: only the next message
        asked = ctx.conv.data.pop("_date_ask", None)  # a date question: only the next message
        if len(text) > ctx.config.max_text:
            raise UserError("error.too_long", size=len(text), limit=ctx.config.max_text)
        huge = oversized_number(text)
        if huge is not None:
            raise UserError("error.number_range", text=huge[:24])
        if payload == interrupt.BACK:
            return await self._take_back(ctx, left)
        if payload and payload.split(":")[0] == dates.ASK:
            return await self._date_answer(ctx, asked, payload.split(":")[1:])
        if payload:
            return await self._route_payload(ctx, payload)
        by_kind = next((a.kind for a in ctx.msg.attachments if a.kind in self.routes.kinds), None)
        if by_kind == "voice":  # "please type it": a form in progress stays as it is
            return await self.routes.kinds[by_kind](ctx, text)
        if by_kind is not None:  # a file to import: whatever its caption says
            return await self._with_notice(ctx, self.routes.kinds[by_kind], text)
        if ctx.msg.forwarded:  # someone else's words: a note to file, not the rep's report
            return await self._with_notice(ctx, forwarded.offer, text)
        if not text and ctx.msg.attachments and self.routes.attachments is not None:
            return await self.routes.attachments(ctx, "")
        if not text:
            return await onboarding.nothing_to_do(ctx, ctx.msg)
        if text.lower() in CANCEL_WORDS:
            had_form = ctx.conv.state is not None
            ctx.conv.end()
            return [Reply(ctx.t("cancel.done" if had_form else "cancel.nothing"))]
        return await self._route_text(ctx, text)

    async def _route_text(self, ctx: Ctx, text: str) -> list[Reply]:
        """A command, a form's answer, or free text; a date in doubt remembers the text."""
        try:
            return await self._route(ctx, text)
        except dates.DateQuestion as question:
            question.text = text
            raise

    async def _route_payload(self, ctx: Ctx, payload: str) -> list[Reply]:
        """A button's handler; a date in doubt remembers the button to press it again."""
        try:
            return await self._on_payload(ctx, payload)
        except dates.DateQuestion as question:
            question.payload = payload
            raise

    async def _route(self, ctx: Ctx, text: str) -> list[Reply]:
        command = self.routes.split_command(text)
        assert self.routes.free_text is not None
        if command is None and ctx.conv.state is not None:
            if not await interrupt.is_new_intent(ctx, text):
                return await self.routes.states[ctx.conv.state.split(".")[0]](ctx, text)
            command = (self.routes.free_text, text)
        if command is None and parse_small_int(text) is not None:
            raise UserError("error.nothing_to_pick")  # a menu number with no menu on screen
        if command is None:
            return await self.routes.free_text(ctx, text)
        handler, args = command
        return await self._with_notice(ctx, handler, args, text[:1] != "/" and text)

    @staticmethod
    async def _with_notice(
        ctx: Ctx, handler: TextHandler, args: str, answer: str | Literal[False] = False
    ) -> list[Reply]:
        """Run `handler` after leaving the form in progress, and say it was left. A command
        word (拜访…, 提醒…) might have been meant as the answer: `answer` can be taken back."""
        aside = interrupt.set_aside(ctx) if ctx.conv.state is not None else None
        replies = await handler(ctx, args)
        if aside is None:
            return replies
        return [*replies, interrupt.notice(ctx, aside, answer or None)]

    async def _date_answer(
        self, ctx: Ctx, asked: dict[str, Any] | None, parts: list[str]
    ) -> list[Reply]:
        """The date meant: handle the message again with it; or wait for it typed again."""
        again = dates.answer(ctx, asked, parts)
        if again is None:
            return [Reply(ctx.t("dq.again"))]
        text, payload = again
        if payload:
            return await self._route_payload(ctx, payload)
        return await self._route_text(ctx, text)

    async def _take_back(self, ctx: Ctx, left: dict[str, Any] | None) -> list[Reply]:
        """The message that left a form was its answer after all: reopen the form with it."""
        if not left:
            raise UserError("error.stale_button")
        text = interrupt.take_back(ctx, left)
        return await self.routes.states[str(left["state"]).split(".")[0]](ctx, text)

    async def _on_payload(self, ctx: Ctx, payload: str) -> list[Reply]:
        parts = payload.split(":")
        handler = self.routes.payloads.get(parts[0])
        if handler is None:
            raise UserError("error.stale_button")
        return await handler(ctx, parts[1:])

    @staticmethod
    def _chosen(conv: Conversation, text: str) -> str | None:
        """A typed number or label of the last offered choices, as that choice's payload."""
        offered: list[list[str]] = conv.data.get("_choices", [])
        if not offered or not text:
            return None
        number = parse_small_int(text)
        if number is not None:
            if not 1 <= number <= len(offered):
                raise _OffScreen("error.pick_range", n=len(offered))
            return offered[number - 1][1]
        typed = _NOT_LABEL.sub("", text).casefold()
        for label, payload in offered:
            if typed and _NOT_LABEL.sub("", label).casefold() == typed:
                return payload
        return None

    @staticmethod
    async def _save_conversation(
        uow: UnitOfWork,
        stored: tuple[tuple[str, str, str], bool],
        ctx: Ctx,
        replies: list[Reply],
    ) -> None:
        key, had_state = stored
        offered = [[c.label, c.payload] for c in numbered_choices(replies)]
        if offered:
            ctx.conv.data["_choices"] = offered
        if ctx.conv.state is None and not offered:
            if had_state:
                await uow.chat.clear_state(key)
            return
        await uow.chat.save_state(key, ctx.conv.state or "", ctx.conv.data, ctx.now)


def clean_text(text: str | None) -> str:
    """Drop terminal escapes and control characters: they are never part of what was meant."""
    return _CONTROL.sub("", text or "").strip()
