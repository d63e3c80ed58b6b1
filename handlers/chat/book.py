"""/mine (我的客户) and /team (团队客户): a rep's customers, 8 a page, sorted three ways.

Sorts: longest without contact first (`l`), tier A→C (`t`), largest open deal amount in one
currency (`a` + the currency: amounts in different currencies are never added or compared).
Buttons: bk:<rep>:<sort>:<currency or ->:<page>; a manager may open their team's reps, an
admin anyone's, a rep only their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from handlers.chat import paging
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.ops_util import colleague, require
from handlers.chat.routes import Routes
from handlers.i18n import add_texts, fmt_totals
from handlers.messages import Choice, Reply
from store.models import Customer, User
from store.repos.views import BookSort

SORTS: dict[str, BookSort] = {"l": "last", "t": "tier", "a": "amount"}
QUIET_DAYS = 30
_CURRENCY = re.compile(r"[A-Z]{3}")

add_texts(
    {
        "bk.mine": (
            "📒 我的客户（{total} 位，{sort}）{position}：",
            "📒 My customers ({total}, {sort}){position}:",
        ),
        "bk.theirs": (
            "📒 {rep} 的客户（{total} 位，{sort}）{position}：",
            "📒 {rep}'s customers ({total}, {sort}){position}:",
        ),
        "bk.empty": (
            "还没有客户。用 /newcustomer 新建一个。",
            "No customers yet. Add one with /newcustomer.",
        ),
        "bk.empty_rep": ("{rep} 名下没有客户。", "{rep} has no customers."),
        "bk.empty_lead": (
            "你名下还没有客户。团队的客户：/team（团队客户）。",
            "You have no customers of your own. Your team's: /team.",
        ),
        "bk.line": ("• {name} · {tier} · {last}{money}", "• {name} · {tier} · {last}{money}"),
        "bk.never": ("从未联系", "never contacted"),
        "bk.days": ("{days} 天前联系", "contacted {days}d ago"),
        "bk.today": ("今天联系过", "contacted today"),
        "bk.sort_last": ("最久未联系在前", "longest without contact first"),
        "bk.sort_tier": ("按等级", "by tier"),
        "bk.sort_amount": ("按 {currency} 商机金额", "by open {currency} deal amount"),
        "bk.btn_last": ("⏳ 按最近联系", "⏳ By last contact"),
        "bk.btn_tier": ("🏅 按等级", "🏅 By tier"),
        "bk.btn_amount": ("💰 按商机金额 {currency}", "💰 By deal amount {currency}"),
        "bk.no_deals": (
            "（没有进行中的商机，按最近联系排序）",
            " (no open deals; by last contact)",
        ),
        "bk.bad_sort": (
            "不认识排序方式「{text}」，先按最近联系排；也可以按等级或商机金额。",
            'I don\'t know the sort "{text}"; here they are by last contact (or sort by '
            "tier or deal amount).",
        ),
        "tm.header": ("👥 {scope}的销售{position}：", "👥 Reps, {scope}{position}:"),
        "tm.scope_team": ("团队", "your team"),
        "tm.scope_all": ("全公司", "whole company"),
        "tm.line": (
            "• {rep}：{n} 位客户 · {quiet} 位 {days} 天未联系 · 商机 {money}",
            "• {rep}: {n} customers · {quiet} quiet {days}+ days · open {money}",
        ),
        "tm.none": ("没有可以查看的销售。", "No reps to show."),
        "tm.btn": ("📒 {rep}", "📒 {rep}"),
        "tm.not_yours": ("{rep} 不在你的团队。", "{rep} is not in your team."),
    }
)


async def mine_command(ctx: Ctx, args: str) -> list[Reply]:
    """/mine [tier|amount|contact]: my customers, 8 a page."""
    sort = _sort_word(args)
    if sort is None:  # not guessed: said, and the buttons offer the sorts there are
        replies = await _book(ctx, ctx.user, "l", None, 0)
        return [Reply(ctx.t("bk.bad_sort", text=args.strip()[:20])), *replies]
    return await _book(ctx, ctx.user, sort, None, 0)


def _sort_word(args: str) -> str | None:
    word = args.strip().casefold()
    if word in ("tier", "等级", "按等级"):
        return "t"
    if word in ("amount", "金额", "按金额", "商机", "deal", "deals"):
        return "a"
    if word in ("", "contact", "last", "最近联系", "按最近联系", "联系"):
        return "l"
    return None


async def _book(ctx: Ctx, rep: User, sort: str, currency: str | None, number: int) -> list[Reply]:
    currencies = await ctx.uow.views.open_currencies(ctx.user.org_id, rep.id)
    note = ""
    if sort == "a" and currency not in currencies:
        currency = currencies[0] if currencies else None
        if currency is None:
            sort, note = "l", ctx.t("bk.no_deals")
    sizes = await ctx.uow.views.book_size(ctx.user.org_id, [rep.id])
    total = sizes.get(rep.id, 0)

    async def fetch(offset: int, limit: int) -> list[Customer]:
        views = ctx.uow.views
        rows = await views.book(ctx.user.org_id, rep.id, SORTS[sort], currency, offset, limit)
        return list(rows)

    page = await paging.load(fetch, number, total=total)
    paging.check_not_past_end(page)
    if not page.items:
        if rep.id != ctx.user.id:
            return [Reply(ctx.t("bk.empty_rep", rep=rep.name))]
        leads = ctx.user.role in ("manager", "admin")  # their customers are mostly the team's
        return [Reply(ctx.t("bk.empty_lead" if leads else "bk.empty"))]
    lines = [_header(ctx, rep, sort, currency, page) + note]
    lines += await _lines(ctx, page.items)
    choices = [Choice(c.name, f"cu:show:{c.id}") for c in page.items]
    prefix = f"bk:{rep.id}:{sort}:{currency or '-'}:"
    choices += paging.more(ctx, prefix, page)
    choices += _sort_choices(ctx, rep, sort, currency, currencies)
    return [Reply("\n".join(lines), tuple(choices), private=True)]


def _header(
    ctx: Ctx, rep: User, sort: str, currency: str | None, page: paging.Page[Customer]
) -> str:
    how = ctx.t(f"bk.sort_{SORTS[sort]}", currency=currency or "")
    where = paging.position(ctx, page)
    if rep.id == ctx.user.id:
        return ctx.t("bk.mine", total=page.total, sort=how, position=where)
    return ctx.t("bk.theirs", rep=rep.name, total=page.total, sort=how, position=where)


async def _lines(ctx: Ctx, customers: Sequence[Customer]) -> list[str]:
    totals = await ctx.uow.views.open_totals([c.id for c in customers])
    today = ctx.local_now().date()
    lines = []
    for c in customers:
        if c.last_contact_at is None:
            last = ctx.t("bk.never")
        else:
            days = (today - c.last_contact_at.astimezone(ctx.tz).date()).days
            last = ctx.t("bk.today") if days <= 0 else ctx.t("bk.days", days=days)
        money = f" · {fmt_totals(totals[c.id], ctx.lang)}" if c.id in totals else ""
        name = f"{c.name}（{c.company}）" if c.company and ctx.lang == "zh" else c.name
        if c.company and ctx.lang != "zh":
            name = f"{c.name} ({c.company})"
        lines.append(ctx.t("bk.line", name=name, tier=c.tier, last=last, money=money))
    return lines


def _sort_choices(
    ctx: Ctx, rep: User, sort: str, currency: str | None, currencies: list[str]
) -> list[Choice]:
    base = f"bk:{rep.id}"
    choices = []
    if sort != "l":
        choices.append(Choice(ctx.t("bk.btn_last"), f"{base}:l:-:0"))
    if sort != "t":
        choices.append(Choice(ctx.t("bk.btn_tier"), f"{base}:t:-:0"))
    for cur in currencies[:4]:
        if sort != "a" or cur != currency:
            choices.append(Choice(ctx.t("bk.btn_amount", currency=cur), f"{base}:a:{cur}:0"))
    return choices


async def team_command(ctx: Ctx, args: str) -> list[Reply]:
    """/team: each rep's book in figures (manager: own team; admin: all); /team NAME opens one."""
    require(ctx, "manager", "admin")
    if args.strip():
        rep = await colleague(ctx, args)
        _check_rep(ctx, rep)
        return await _book(ctx, rep, "l", None, 0)
    return await _team_page(ctx, 0)


async def _team_page(ctx: Ctx, number: int) -> list[Reply]:
    people = [u for u in await ctx.uow.users.in_org(ctx.user.org_id) if _visible_rep(ctx, u)]
    owning = await ctx.uow.views.book_size(ctx.user.org_id, [u.id for u in people])
    reps = [u for u in people if u.role == "rep" or owning.get(u.id)]  # managers who own some
    page = paging.cut(sorted(reps, key=lambda u: (u.team_id or 0, u.name, u.id)), number)
    paging.check_not_past_end(page)
    if not page.items:
        return [Reply(ctx.t("tm.none"))]
    ids = [u.id for u in page.items]
    views = ctx.uow.views
    sizes = await views.book_size(ctx.user.org_id, ids)
    quiet = await views.quiet_counts(ctx.user.org_id, ids, ctx.now - timedelta(days=QUIET_DAYS))
    money = await views.owner_totals(ctx.user.org_id, ids)
    scope = ctx.t("tm.scope_all" if ctx.user.role == "admin" else "tm.scope_team")
    lines = [ctx.t("tm.header", scope=scope, position=paging.position(ctx, page))]
    for u in page.items:
        lines.append(
            ctx.t(
                "tm.line",
                rep=u.name,
                n=sizes.get(u.id, 0),
                quiet=quiet.get(u.id, 0),
                days=QUIET_DAYS,
                money=fmt_totals(money.get(u.id, {}), ctx.lang),
            )
        )
    choices = [Choice(ctx.t("tm.btn", rep=u.name), f"bk:{u.id}:l:-:0") for u in page.items]
    choices += paging.more(ctx, "tm:", page)
    return [Reply("\n".join(lines), tuple(choices), private=True)]


def _visible_rep(ctx: Ctx, user: User) -> bool:
    """Reps and managers who can own customers, within what the viewer may see."""
    if not user.active or user.role == "admin":
        return False
    return ctx.scope.owner_ids is None or user.id in ctx.scope.owner_ids


def _check_rep(ctx: Ctx, rep: User) -> None:
    if rep.org_id != ctx.user.org_id or not (
        ctx.scope.owner_ids is None or rep.id in ctx.scope.owner_ids
    ):
        raise UserError("tm.not_yours", rep=rep.name)


async def on_book(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """bk:<rep>:<sort>:<currency|->:<page>"""
    rep = await ctx.uow.users.get(int_arg(parts, 0))
    sort = parts[1] if len(parts) > 1 else ""
    currency = parts[2] if len(parts) > 2 else ""
    if rep is None or sort not in SORTS:
        raise UserError("error.stale_button")
    if currency != "-" and not _CURRENCY.fullmatch(currency):
        raise UserError("error.stale_button")
    _check_rep(ctx, rep)
    return await _book(
        ctx, rep, sort, None if currency == "-" else currency, paging.page_arg(parts, 3)
    )


async def on_team(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """tm:<page>"""
    require(ctx, "manager", "admin")
    return await _team_page(ctx, paging.page_arg(parts, 0))


def register(routes: Routes) -> None:
    routes.command(mine_command, "/mine", "/customers", "/clients", "我的客户", "客户列表")
    routes.command(team_command, "/team", "团队客户", prefix=("团队客户",))
    routes.payloads["bk"] = on_book
    routes.payloads["tm"] = on_team
