"""Lists longer than one screen: one page of items and a ▶ more (更多) button for the next.

No list stops silently at 8 or 20 items. Paging is stateless: the button carries the list's own
payload prefix plus the next page number, and the feature's payload handler loads that page
again from the database. A list feature does three things:

    number = paging.page_arg(parts, 2)                    # from its button; 0 when absent
    page = await paging.load(lambda off, n: repo.q(..., off, n), number)   # or paging.cut(...)
    choices = (*item_choices, *paging.more(ctx, "bk:7:l:-:", page))

`load` asks for one item more than a page to know whether another page follows, so no count
query is needed; pass `total` when the list has one anyway and it is shown by `position`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from handlers.chat.context import Ctx, UserError
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.numbers import parse_small_int

T = TypeVar("T")
PAGE_SIZE = 8  # what fits on a phone screen with a button each
MAX_PAGE = 10_000  # a page number beyond this comes from a forged button

add_texts(
    {
        "pg.more": ("▶ 更多", "▶ more"),
        "pg.position": ("（第 {first}–{last} 条，共 {total} 条）", " ({first}–{last} of {total})"),
        "pg.position_open": ("（第 {first}–{last} 条）", " ({first}–{last})"),
        # /help's lines for the lists of #22 (chat/help.py shows them)
        "help.views": (
            "查看：\n"
            "• /mine 我的客户 — 我的客户（可按最近联系、等级、商机金额排序）\n"
            "• /agenda 日程 — 接下来 7 天的提醒、拜访、回款和生日\n"
            "• /reminders 提醒列表 — 14 天内的提醒，可改时间或取消\n"
            "• /receivables 应收 — 逾期和 30 天内到期的回款；「应收款 张三」看某位客户\n"
            "• /tickets 工单 — 客户的投诉和回电请求，可回复、关闭\n"
            "列表较长时回复「更多」翻页。",
            "Lists:\n"
            "• /mine — my customers (sort by last contact, tier or deal amount)\n"
            "• /agenda — the next 7 days: reminders, visits, payments due, birthdays\n"
            "• /reminders — reminders of the next 14 days, to re-time or cancel\n"
            '• /receivables — money overdue and due in 30 days; "/receivables Li" for one\n'
            "• /tickets — customers' complaints and call-back requests: reply, close\n"
            'Long lists page: reply "more".',
        ),
        "help.views_team": (
            "• /team 团队客户 — 每位销售的客户和商机，「团队客户 李娜」看某人的客户",
            "• /team — each rep's customers and deals; \"/team Na\" opens one rep's book",
        ),
        "pg.nothing": (
            "现在没有可以翻页的列表。发送 /mine、/reminders、/tickets 等打开一个。",
            "There's no list to page through now. Open one with /mine, /reminders, /tickets….",
        ),
        "pg.past_end": (
            "这个列表已经没有更多内容了，请重新打开它。",
            "That list has no more items now; open it again.",
        ),
    }
)


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items `number * size` to `number * size + len(items) - 1` of a list (0 = first page)."""

    items: Sequence[T]
    number: int
    size: int
    has_more: bool
    total: int | None = None

    @property
    def first(self) -> int:
        """Where the page starts in the whole list, counting from 1."""
        return self.number * self.size + 1

    @property
    def last(self) -> int:
        return self.number * self.size + len(self.items)

    @property
    def only(self) -> bool:
        """The whole list fits on this one page."""
        return self.number == 0 and not self.has_more


def cut(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """A page of a list already in memory."""
    start = number * size
    return Page(items[start : start + size], number, size, len(items) > start + size, len(items))


async def load(
    fetch: Callable[[int, int], Awaitable[Sequence[T]]],
    number: int,
    size: int = PAGE_SIZE,
    total: int | None = None,
) -> Page[T]:
    """A page read by `fetch(offset, limit)`; it is asked for one more item than fits."""
    rows = await fetch(number * size, size + 1)
    return Page(list(rows[:size]), number, size, len(rows) > size, total)


def more(ctx: Ctx, payload_prefix: str, page: Page[T]) -> tuple[Choice, ...]:
    """The ▶ more button (payload = prefix + next page number), or nothing on the last page.
    Typing 更多 / more picks it too: a choice is picked by its label."""
    if not page.has_more:
        return ()
    payload = f"{payload_prefix}{page.number + 1}"
    if len(payload.encode()) > 64:  # Telegram drops longer callback data
        raise ValueError(f"page payload too long: {payload!r}")
    return (Choice(ctx.t("pg.more"), payload),)


def position(ctx: Ctx, page: Page[T]) -> str:
    """The "(9–16 of 35)" of a list of several pages; "" when it fits on one."""
    if page.only or not page.items:
        return ""
    if page.total is None:
        return ctx.t("pg.position_open", first=page.first, last=page.last)
    return ctx.t("pg.position", first=page.first, last=page.last, total=page.total)


def page_arg(parts: Sequence[str], index: int) -> int:
    """The page number a button carries at `index` (0 when it carries none); a forged one is
    a stale button."""
    if index >= len(parts):
        return 0
    number = parse_small_int(parts[index])
    if number is None or not 0 <= number <= MAX_PAGE:
        raise UserError("error.stale_button")
    return number


def check_not_past_end(page: Page[T]) -> None:
    """A later page that came back empty: the list shrank since the button was sent."""
    if page.number > 0 and not page.items:
        raise UserError("pg.past_end")


async def nothing_to_page(ctx: Ctx, _args: str) -> list[Reply]:
    """更多 / more typed with no ▶ more on screen (on screen, the router picks the button)."""
    return [Reply(ctx.t("pg.nothing"))]


def register(routes: Routes) -> None:
    routes.command(nothing_to_page, "更多", "more")
