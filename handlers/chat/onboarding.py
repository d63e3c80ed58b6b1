"""Strangers get a join prompt and nothing else; an invite code makes them a user."""

from __future__ import annotations

from datetime import datetime

from handlers.chat.context import ChatConfig, Ctx
from handlers.chat.routes import Routes
from handlers.i18n import add_texts, pick_lang, t
from handlers.messages import InboundMessage, Reply
from handlers.services.org import Newcomer, join
from store.uow import UnitOfWork

add_texts(
    {
        "join.prompt": (
            "你好！这是公司的客户管理助手。请向管理员索取邀请码，然后发送：/start 邀请码",
            "Hi! This is your company's CRM assistant. Ask your admin for an invite code, "
            "then send: /start CODE",
        ),
        "join.bad_code": (
            "邀请码无效，请检查后重试：/start 邀请码",
            "That invite code is not valid. Check it and try again: /start CODE",
        ),
        "join.used_code": (
            "这个邀请码已经用过了，请向管理员要一个新的。",
            "That invite code has already been used; ask your admin for a new one.",
        ),
        "join.expired_code": (
            "这个邀请码已过期，请向管理员要一个新的。",
            "That invite code has expired; ask your admin for a new one.",
        ),
        "join.welcome": (
            "欢迎加入，{name}！你的角色：{role}。发送 /help 查看我能做什么。",
            "Welcome aboard, {name}! Your role: {role}. Send /help to see what I can do.",
        ),
        "join.again": (
            "你已经加入了，{name}。发送 /help 查看我能做什么。",
            "You're already set up, {name}. Send /help to see what I can do.",
        ),
        "role.rep": ("销售", "sales rep"),
        "role.manager": ("经理", "manager"),
        "role.admin": ("管理员", "admin"),
        "nothing.to_do": (
            "我收到了，但没有可处理的文字。发送 /help 查看用法。",
            "Got it, but there was no text to act on. Send /help to see what I can do.",
        ),
    }
)


async def stranger(
    uow: UnitOfWork, msg: InboundMessage, now: datetime, config: ChatConfig
) -> list[Reply]:
    lang = pick_lang(msg.locale, config.default_lang)
    text = (msg.text or "").strip()
    if not text.lower().startswith("/start "):
        return [Reply(t(lang, "join.prompt"))]
    who = Newcomer(
        channel=msg.channel,
        external_id=msg.user_id,
        chat_id=msg.chat_id,
        display_name=(msg.display_name or msg.user_id)[:200],
        lang=lang,
        tz=config.default_tz,
    )
    result = await join(uow, text.split(maxsplit=1)[1], who, now)
    if result.user is None:
        return [Reply(t(lang, result.error or "join.bad_code"))]
    role = t(lang, f"role.{result.user.role}")
    return [Reply(t(lang, "join.welcome", name=result.user.name, role=role))]


async def start_again(ctx: Ctx, _args: str) -> list[Reply]:
    """/start from someone who already joined."""
    return [Reply(ctx.t("join.again", name=ctx.user.name))]


async def nothing_to_do(ctx: Ctx, _msg: InboundMessage) -> list[Reply]:
    return [Reply(ctx.t("nothing.to_do"))]


def register(routes: Routes) -> None:
    routes.command(start_again, "/start")
