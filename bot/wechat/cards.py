"""WeCom text cards for the messages a rep reads again later: reminders and customer profiles.

The card shows a title, the start of the content and the numbered choices (the rep still
answers "1"); its button opens the whole message on a read-only page of ours. Cards go out
only when CHATCRM_PUBLIC_URL is set: without a page to open, the message stays plain text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from bot.wechat.card_links import CardLinks
from bot.wechat.inbound import WECOM_CHANNEL
from bot.wechat.render import choice_lines
from handlers.i18n import add_texts, t
from store.models import OutboxEntry
from store.uow import UnitOfWork

TITLE_BYTES, DESCRIPTION_BYTES = 128, 512  # WeCom cuts longer ones off (message/send docs)
ELLIPSIS = "…"

add_texts({"wxc.button": ("查看全文", "View")})  # WeCom shows at most 4 characters


@dataclass(frozen=True)
class TextCard:
    title: str
    description: str  # WeCom's card markup: <div class="gray|normal|highlight">, <br>
    url: str
    button: str


def card_worthy(entry: OutboxEntry) -> bool:
    """Reminders (the jobs' `reminder:` keys) and profiles (the one reply that offers a new
    deal for its customer): long, private, and looked at again before a call."""
    if entry.idempotency_key.startswith("reminder:"):
        return True
    choices = entry.body.get("choices") or []
    return any(str(payload).startswith("dl:new:") for _label, payload in choices)


def text_card(entry: OutboxEntry, body: dict[str, Any], links: CardLinks) -> TextCard | None:
    """The card for `body` (whose `lang` is set), or None when its choices alone would not fit:
    a rep must always see every number they can answer."""
    lines = [line for line in str(body.get("text", "")).split("\n") if line.strip()]
    if not lines:
        return None
    choices = _markup("highlight", [html.escape(c) for c in choice_lines(body)])
    room = DESCRIPTION_BYTES - _size(choices) - _size(_markup("normal", ["x"])) + 1
    if room < 0:
        return None
    content = _fit(lines[1:], room)
    description = _markup("normal", content) + choices if content else choices
    button = t(str(body.get("lang", "zh")), "wxc.button")
    return TextCard(cut(lines[0], TITLE_BYTES), description, links.url(entry.id), button)


async def recipient_lang(uow: UnitOfWork, body: dict[str, Any], recipient: str) -> str:
    """The body's language, or its reader's: jobs queue bodies without one."""
    if body.get("lang") in ("zh", "en"):
        return str(body["lang"])
    user = await uow.users.by_identity(WECOM_CHANNEL, recipient)
    return user.lang if user is not None else "zh"


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` UTF-8 bytes, ending in … when shortened."""
    if _size(text) <= limit:
        return text
    room = limit - _size(ELLIPSIS)
    return text.encode()[:room].decode(errors="ignore").rstrip() + ELLIPSIS


def _fit(lines: list[str], room: int) -> list[str]:
    """The lines, escaped and joined by <br>, in at most `room` bytes; the first line that
    doesn't fit whole is cut and ends the list."""
    kept: list[str] = []
    for raw in lines:
        left = room - _size("<br>".join(kept)) - (4 if kept else 0)
        whole = html.escape(raw)
        if _size(whole) <= left:
            kept.append(whole)
            continue
        part = _cut_escaped(raw, left)
        if part:
            kept.append(part)
        break
    return kept


def _cut_escaped(raw: str, limit: int) -> str:
    """The longest start of `raw`, plus …, whose escaped form fits `limit` bytes; "" if none.
    Cut before escaping, so that no entity (&amp;) is ever split."""
    low, high = 0, len(raw)  # binary search: the escaped size grows with the prefix
    while low < high:
        mid = (low + high + 1) // 2
        if _size(html.escape(raw[:mid] + ELLIPSIS)) <= limit:
            low = mid
        else:
            high = mid - 1
    return html.escape(raw[:low].rstrip() + ELLIPSIS) if low else ""


def _markup(kind: str, lines: list[str]) -> str:
    return f'<div class="{kind}">{"<br>".join(lines)}</div>' if lines else ""


def _size(text: str) -> int:
    return len(text.encode())
