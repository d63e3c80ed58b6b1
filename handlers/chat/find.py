"""/find 普洱 (搜索): customers whose visits, calls or notes mention some words, with the
matching snippet and date, a page at a time; a customer's button opens the profile (cu:show).

`fd:more:<page>:<words>` carries everything the next page needs: the search runs again in the
presser's own scope, so a forged or old button can show no more than /find would, and
changes nothing. Words too long for a 64-byte payload get no ▶ button, only a hint.
"""

from __future__ import annotations

from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError
from handlers.chat.routes import Routes
from handlers.chat.titled import Titled
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.services import text_search as svc
from handlers.services.activities import KINDS as ACTIVITY_KINDS

MORE = "fd:more:"
LABEL = 40  # characters of a button's label
KINDS = {f"kind.{k}" for k in ACTIVITY_KINDS}
MAX_PAYLOAD = 64
MAX_PAGE = svc.HITS * 2 // svc.PAGE  # no more pages than the records read can fill

add_texts(
    {
        "fd.ask": (
            "要找哪些字？例如「/find 普洱」「搜索 报价单」：\n"
            "会列出拜访记录或备注里提到它们的客户。",
            'Which words? E.g. "/find tea" or "/find quote sample": I list the customers whose '
            "visits, calls or notes mention them.",
        ),
        "fd.none": (
            "没有哪位客户的拜访记录或备注提到「{q}」。",
            'No customer\'s visits or notes mention "{q}".',
        ),
        "fd.head": (
            "🔎 拜访记录或备注提到「{q}」的客户（第 {page}/{pages} 页）：",
            '🔎 Customers whose visits or notes mention "{q}" (page {page} of {pages}):',
        ),
        "fd.fallback": (
            "没有叫「{q}」的客户。下面是拜访记录或备注里提到「{q}」的客户"
            "（文字匹配，第 {page}/{pages} 页）：",
            'No customer is called "{q}". These customers\' visits or notes mention it '
            "(text matches, page {page} of {pages}):",
        ),
        "fd.line": (
            "{who} — {when}{what}：{snippet}{more}",
            "{who} — {when}{what}: {snippet}{more}",
        ),
        "fd.note": ("备注", "note"),
        "fd.activity": ("记录", "record"),
        "fd.more_hits": ("（另有 {n} 条）", " (+{n} more)"),
        "fd.btn_more": ("▶ 更多", "▶ More"),
        "fd.capped": (
            "只查了最近的 {n} 条记录；加几个字可以找得更准。",
            "Only the newest {n} records were searched; add a word to narrow it down.",
        ),
        "fd.long": (
            "结果较多：加几个字可以缩小范围。",
            "Many matches: add a word to narrow them down.",
        ),
        "fd.no_more": ("没有更多结果了。", "There are no more results."),
    }
)


async def find(ctx: Ctx, query: str) -> list[Reply]:
    """/find <words>: customers whose records mention them."""
    words = svc.words_of(query)
    if not words:
        return [Reply(ctx.t("fd.ask"))]
    replies = await matches(ctx, words, 0, "fd.head")
    if replies is None:
        raise UserError("fd.none", q=" ".join(words)[:40])
    return replies


async def fallback(ctx: Ctx, query: str) -> list[Reply] | None:
    """/customer 普洱 when no customer is called so: the text matches, said to be such."""
    words = svc.words_of(query)
    return await matches(ctx, words, 0, "fd.fallback") if words else None


async def matches(ctx: Ctx, words: tuple[str, ...], page: int, head: str) -> list[Reply] | None:
    found = await svc.find(ctx.uow, ctx.scope, words, page)
    if not found.matches:
        return None
    q = " ".join(words)
    lines = [ctx.t(head, q=q[:40], page=page + 1, pages=found.pages)]
    # Bulleted, not numbered: the buttons below are numbered on channels without buttons.
    lines += [f"• {_line(ctx, m)}" for m in found.matches]
    choices = [Choice(_label(m.customer), f"cu:show:{m.customer.id}") for m in found.matches]
    more = f"{MORE}{page + 1}:{q}"
    if page + 1 < found.pages:
        if len(more.encode()) <= MAX_PAYLOAD:
            choices.append(Choice(ctx.t("fd.btn_more"), more))
        else:
            lines.append(ctx.t("fd.long"))
    if found.capped and page + 1 >= found.pages:
        lines.append(ctx.t("fd.capped", n=svc.HITS))
    return [Reply("\n".join(lines), tuple(choices), private=True)]


def _label(customer: Titled) -> str:
    title = customer_title(customer)
    return title if len(title) <= LABEL else title[: LABEL - 1] + "…"


def _line(ctx: Ctx, match: svc.Match) -> str:
    kind = f"kind.{match.kind}" if f"kind.{match.kind}" in KINDS else "fd.activity"
    what = ctx.t("fd.note" if match.source == "notes" else kind)
    when = f"{ctx.when(match.at, with_time=False)} " if match.at else ""
    more = ctx.t("fd.more_hits", n=match.more) if match.more else ""
    who = customer_title(match.customer)
    return ctx.t("fd.line", who=who, when=when, what=what, snippet=match.snippet, more=more)


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """fd:more:<page>:<words>; anything else, or a page out of range, is answered plainly."""
    if parts[:1] != ["more"] or len(parts) < 3 or not parts[1].isdigit():
        raise UserError("error.stale_button")
    page = int(parts[1]) if len(parts[1]) <= 3 else MAX_PAGE + 1
    words = svc.words_of(":".join(parts[2:]))
    if not words or not 0 < page <= MAX_PAGE:
        raise UserError("fd.no_more")
    replies = await matches(ctx, words, page, "fd.head")
    if replies is None:
        raise UserError("fd.no_more")
    return replies


def register(routes: Routes) -> None:
    routes.command(find, "/find", "/search", "搜索", prefix=("搜索", "找记录"))
    routes.payloads["fd"] = on_payload
