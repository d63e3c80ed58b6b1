"""Assembles every feature's routes into one Router; the single place features are listed."""

from __future__ import annotations

from handlers.chat import (
    activity_edit,
    agenda,
    bind,
    book,
    card_scan,
    contact_edit,
    contacts,
    customers,
    data,
    deals,
    digest,
    dupes,
    fields,
    files_import,
    find,
    forwarded,
    funnel,
    help,
    history,
    intents,
    onboarding,
    paging,
    payments,
    pool,
    receivables,
    reminder_list,
    reminders,
    segments,
    settings,
    team,
    tickets,
    transfer,
    visits,
    voice,
)
from handlers.chat.context import ChatConfig
from handlers.chat.router import Router
from handlers.chat.routes import Routes
from handlers.clock import Clock
from handlers.i18n import add_texts
from store.uow import UnitOfWorkFactory

add_texts(
    {
        "error.internal": (
            "抱歉，出了点问题，这次没有保存任何内容。请稍后再试。",
            "Sorry, something went wrong and nothing was saved. Please try again shortly.",
        ),
        "error.too_long": (
            "消息太长了（{size} 字，最多 {limit} 字），没有保存。请分几条发送。",
            "That message is too long ({size} characters, at most {limit}); nothing was saved. "
            "Please split it up.",
        ),
        "error.stale_button": (
            "这个按钮已经失效了。发送 /help 查看可用命令。",
            "That button is no longer valid. Send /help to see what I can do.",
        ),
        "cancel.done": ("已取消，没有保存。", "Cancelled; nothing was saved."),
        "cancel.nothing": ("现在没有进行中的操作。", "There's nothing in progress to cancel."),
    }
)

FEATURES = (
    onboarding,
    help,
    customers,
    find,
    contacts,  # a company's people
    visits,
    deals,
    activity_edit,  # correcting records
    reminders,
    bind,
    digest,
    payments,
    transfer,  # team operations
    pool,  # team operations
    dupes,  # team operations
    segments,  # team operations
    team,  # team operations
    history,  # team operations
    settings,  # team operations
    funnel,  # team operations
    data,  # team operations
    files_import,  # files in and out of chat
    voice,
    reminder_list,  # views (#22)
    book,  # views
    agenda,  # views
    receivables,  # views
    tickets,  # views
    paging,  # views: 更多 with nothing to page
    forwarded,
    card_scan,  # after visits: takes photos first, hands the rest to visits
    fields,  # profile edits: /edit, /notes, /tag
    contact_edit,  # a company's contacts, from its edit menu
    intents,
)


def build_routes() -> Routes:
    routes = Routes()
    for feature in FEATURES:
        feature.register(routes)
    return routes


def build_router(uows: UnitOfWorkFactory, clock: Clock, config: ChatConfig) -> Router:
    return Router(uows, clock, config, build_routes())
