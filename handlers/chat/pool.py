"""/pool (公海): the team pool — list, claim, release; admins set the pool rules."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.chat import paging
from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.ops_util import guarded, one_customer, phone_for, picked, require
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.numbers import parse_small_int
from handlers.services.ops import pool as svc
from handlers.services.ops.config import ops_settings, update_settings
from store.models import Customer

add_texts(
    {
        "pool.empty": ("公海里现在没有客户。", "The team pool is empty."),
        "pool.list": (
            "🌊 公海客户（今天还可以领取 {left} 位）：",
            "🌊 Customers in the team pool (you may claim {left} more today):",
        ),
        "pool.line": ("{title} · {phone}", "{title} · {phone}"),
        "pool.claimed": ("✅ {name} 现在由你负责了。", "✅ {name} is yours now."),
        "pool.released": ("↩️ {name} 已退回公海。", "↩️ {name} went back to the team pool."),
        "pool.confirm": (
            "确定把 {name} 退回公海吗？你在这位客户上的待办提醒会取消，同事可以领走。",
            "Give {name} back to the team pool? Your open reminders on them end, and any "
            "colleague may claim them.",
        ),
        "pool.btn_go": ("↩️ 确认退回 {name}", "↩️ Release {name}"),
        "pool.btn_keep": ("❌ 取消，继续跟进", "❌ Cancel, keep them"),
        "pool.kept": ("好的，客户还是你的。", "OK, the customer stays yours."),
        "pool.cap": (
            "今天已经领取了 {cap} 位，明天再来吧。",
            "You've claimed {cap} today, the daily limit. Try again tomorrow.",
        ),
        "pool.gone": ("这个客户已经被领走了。", "Someone else has already claimed that customer."),
        "pool.no_team": (
            "这个客户的负责人不属于任何团队，无法退回公海。",
            "That customer's owner has no team, so there is no pool to return it to.",
        ),
        "pool.not_yours": (
            "只能释放你自己负责的客户。",
            "You can only release your own customers.",
        ),
        "pool.rules": (
            "公海规则：{contact} 天未跟进或 {deal} 天无商机进展即退回，提前 {warn} 天提醒；"
            "每人每天最多领取 {cap} 位。",
            "Pool rules: back after {contact} days without follow-up or {deal} days without "
            "deal activity, warned {warn} days before; at most {cap} claims per rep a day.",
        ),
        "pool.rules_usage": (
            "用法：/poolrules 未跟进天数 无商机天数 提前提醒天数 每日领取上限，"
            "例如 /poolrules 30 90 3 5",
            "Usage: /poolrules contact_days deal_days warn_days daily_cap, "
            "e.g. /poolrules 30 90 3 5",
        ),
    }
)


async def pool_command(ctx: Ctx, _args: str) -> list[Reply]:
    """/pool: what the user's team pool holds, with a Claim button each."""
    return await _pool_page(ctx, 0)


async def _pool_page(ctx: Ctx, number: int) -> list[Reply]:
    """A page of the pool; the rest behind ▶ more (pool:pg:<page>)."""
    teams = await svc.pool_teams(ctx.uow, ctx.user)

    async def fetch(offset: int, limit: int) -> Sequence[Customer]:
        return await ctx.uow.ops.pool(teams, limit, offset)

    page = await paging.load(fetch, number)
    paging.check_not_past_end(page)
    if not page.items:
        return [Reply(ctx.t("pool.empty"))]
    left = await svc.claims_left(ctx.uow, ctx.user, ctx.now)
    lines = [ctx.t("pool.list", left=left)]
    lines += [
        ctx.t("pool.line", title=customer_title(c), phone=phone_for(ctx, c)) for c in page.items
    ]
    lines += [paging.position(ctx, page).strip()] if not page.only else []
    choices = [Choice(f"🙋 {c.name}", f"pool:claim:{c.id}") for c in page.items]
    choices += paging.more(ctx, "pool:pg:", page)
    return [Reply("\n".join(lines), tuple(choices), private=True)]


async def release_command(ctx: Ctx, args: str) -> list[Reply]:
    """/release <customer>: give one of your customers back to the pool."""
    found = await one_customer(ctx, args, "pool:rel:")
    return found if isinstance(found, list) else await _ask_release(ctx, found.id)


async def _ask_release(ctx: Ctx, customer_id: int) -> list[Reply]:
    """Releasing ends the rep's reminders on the customer and lets anyone claim them: the
    customer is named, with company, and confirmed first."""
    customer = await picked(ctx, customer_id)
    if customer.owner_id != ctx.user.id:
        raise UserError("pool.not_yours")
    text = ctx.t("pool.confirm", name=customer_title(customer))
    choices = (
        Choice(ctx.t("pool.btn_go", name=customer.name), f"pool:go:{customer.id}"),
        Choice(ctx.t("pool.btn_keep"), "pool:keep:0"),
    )
    return [Reply(text, choices, private=True)]


async def _release(ctx: Ctx, customer_id: int) -> list[Reply]:
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None:
        raise UserError("cu.gone")
    ended = await guarded(svc.release(ctx.uow, ctx.user, customer, ctx.now, "release"))
    lines = [ctx.t("pool.released", name=customer.name)]
    if ended:  # the rep sees what they had planned before it is gone
        lines.append(ctx.t("pool.gone_reminders"))
        lines += [ctx.t("pool.gone_reminder", when=ctx.when(r.due_at), text=r.text[:80])
                  for r in ended]  # fmt: skip
    return [Reply("\n".join(lines))]


async def _ask(ctx: Ctx, customer_id: int) -> list[Reply]:
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None:
        raise UserError("cu.gone")
    managers = await guarded(svc.ask_extension(ctx.uow, ctx.user, customer, ctx.now))
    return [Reply(ctx.t("pool.ask_sent", managers=managers, name=customer.name))]


async def _extend(ctx: Ctx, customer_id: int) -> list[Reply]:
    require(ctx, "manager", "admin")
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None or customer.owner_id is None:
        raise UserError("cu.gone")
    owner = await guarded(svc.extend(ctx.uow, ctx.user, customer, ctx.now))
    return [Reply(ctx.t("pool.extended", name=customer.name, rep=owner.name))]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """pool:rel:<id> asks, pool:go:<id> releases, pool:keep:0 keeps, pool:claim:<id> claims,
    pool:ask:<id> asks the manager for more time, pool:ext:<id> grants it."""
    if parts[0] == "keep":  # carries no customer: nothing to look up
        return [Reply(ctx.t("pool.kept"))]
    if parts[0] == "pg":
        return await _pool_page(ctx, paging.page_arg(parts, 1))
    customer_id = int_arg(parts, 1)
    if parts[0] == "rel":
        return await _ask_release(ctx, customer_id)
    if parts[0] == "go":
        return await _release(ctx, customer_id)
    if parts[0] == "ask":
        return await _ask(ctx, customer_id)
    if parts[0] == "ext":
        return await _extend(ctx, customer_id)
    customer = await guarded(svc.claim(ctx.uow, ctx.user, customer_id, ctx.now))
    return [Reply(ctx.t("pool.claimed", name=customer.name))]


async def rules_command(ctx: Ctx, args: str) -> list[Reply]:
    """/poolrules [N M D cap]: show the pool rules; admins change them."""
    org = await ctx.uow.users.org(ctx.user.org_id)
    assert org is not None
    if args.strip():
        require(ctx, "admin")
        numbers = args.split()
        values = [parse_small_int(n) or 0 for n in numbers]
        if len(values) != 4 or not all(0 < n < 10000 for n in values):
            raise UserError("pool.rules_usage")
        contact, deal, warn, cap = values
        await update_settings(
            ctx.uow, ctx.user, org, ctx.now,
            pool_contact_days=contact, pool_deal_days=deal, pool_warn_days=warn, claim_cap=cap,
        )  # fmt: skip
    cfg = ops_settings(org)
    text = ctx.t(
        "pool.rules",
        contact=cfg.pool_contact_days,
        deal=cfg.pool_deal_days,
        warn=cfg.pool_warn_days,
        cap=cfg.claim_cap,
    )
    return [Reply(text)]


def register(routes: Routes) -> None:
    routes.command(pool_command, "/pool", "公海")
    routes.command(release_command, "/release", "释放", prefix=("释放",))
    routes.command(rules_command, "/poolrules", "公海规则")
    routes.payloads["pool"] = on_payload
