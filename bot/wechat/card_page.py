"""GET /wechat/work/card/<link>: the whole message a WeCom text card stands for, read-only.

It only reads (no state, no audit row, no cookie), escapes every character that came from a
user, and runs no script: the CSP allows nothing but its one inline style, by hash. Bad and
expired links get a page in both languages, since we can't know whose they were.
"""

from __future__ import annotations

import base64
import hashlib
import html

from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.wechat.card_links import CardLinks, LinkRefused
from bot.wechat.cards import recipient_lang
from bot.wechat.inbound import WECOM_CHANNEL
from bot.wechat.render import render_body
from handlers.i18n import add_texts, t
from store.uow import UnitOfWorkFactory

add_texts(
    {
        "wxc.read_only": (
            "只读页面。要操作，请在企业微信里回复对应的数字。",
            "Read-only page. To act, reply in WeCom with the number.",
        ),
        "wxc.invalid_title": ("链接无效", "Invalid link"),
        "wxc.invalid": (
            "这个链接无效或不完整。请从企业微信里的原消息打开。",
            "This link is not valid or is incomplete. Open it from the message in WeCom.",
        ),
        "wxc.expired_title": ("链接已过期", "Link expired"),
        "wxc.expired": (
            "这个链接已过期（有效 {hours} 小时）。消息本身仍在企业微信里。",
            "This link has expired (links last {hours} hours). The message is still in WeCom.",
        ),
        "wxc.gone_title": ("内容不存在", "Not found"),
        "wxc.gone": ("这条消息已不存在。", "This message no longer exists."),
    }
)

_STYLE = (
    "body{font:16px/1.6 -apple-system,'PingFang SC','Microsoft YaHei',sans-serif;"
    "margin:0 auto;max-width:40rem;padding:1rem;color:#222}"
    "h1{font-size:1.15rem}.text{white-space:pre-wrap;overflow-wrap:anywhere}"
    ".note{color:#888;font-size:.85rem;border-top:1px solid #eee;padding-top:.5rem}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


class CardPage:
    def __init__(self, links: CardLinks, uows: UnitOfWorkFactory) -> None:
        self.links, self.uows = links, uows

    async def show(self, request: Request) -> HTMLResponse:
        """The message behind a valid link (200); else 403 (bad, expired) or 404 (gone)."""
        try:
            entry_id = self.links.check(str(request.path_params.get("link", "")))
        except LinkRefused as refused:
            return self._refusal(403, refused.why)
        async with self.uows() as uow:
            entry = await uow.wecom.outbox_entry(entry_id, WECOM_CHANNEL)
            if entry is None:
                return self._refusal(404, "gone")
            lang = await recipient_lang(uow, entry.body, entry.recipient)
        title, _, rest = render_body({**entry.body, "lang": lang}).partition("\n")
        parts = [f'<div class="text">{_escape(rest.strip())}</div>', _note(lang, "read_only")]
        return _page(200, lang, title, parts)

    def _refusal(self, status: int, why: str) -> HTMLResponse:
        hours = int(self.links.ttl.total_seconds() // 3600)
        title = " / ".join(t(lang, f"wxc.{why}_title") for lang in ("zh", "en"))
        parts = [f"<p>{_escape(t(lang, f'wxc.{why}', hours=hours))}</p>" for lang in ("zh", "en")]
        return _page(status, "zh", title, parts)


def _note(lang: str, key: str) -> str:
    return f'<p class="note">{_escape(t(lang, f"wxc.{key}"))}</p>'


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _page(status: int, lang: str, title: str, parts: list[str]) -> HTMLResponse:
    document = (
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="robots" content="noindex,nofollow"><title>{_escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{_escape(title)}</h1>{''.join(parts)}"
        "</body></html>"
    )
    return HTMLResponse(document, status_code=status, headers=HEADERS)
