"""/routing (分配规则): how ownerless leads are shared out; managers and admins change it."""

from __future__ import annotations

from handlers.chat.context import Ctx, UserError
from handlers.chat.ops_util import colleague_then, require
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Reply
from handlers.numbers import parse_small_int
from handlers.services.ops import routing
from handlers.services.ops.config import ROUTING_RULES, ops_settings, update_settings
from store.models import User

add_texts(
    {
        "rt.rule": ("分配规则：{rule}", "Routing rule: {rule}"),
        "rt.line": (
            "• {name} 权重 {weight} · 上限 {cap} · {state}",
            "• {name} weight {weight} · cap {cap} · {state}",
        ),
        "rt.away": ("休假中", "away"),
        "rt.on": ("接单中", "taking leads"),
        "rt.none": ("无", "none"),
        "rt.usage": (
            "用法：分配规则 [按权重|轮流|最少优先|关闭]，分配规则 权重 同事 3，"
            "分配规则 上限 同事 50|无，分配规则 请假|回来 同事",
            "Usage: /routing [weighted|round_robin|least_loaded|off], "
            "/routing weight NAME 3, /routing cap NAME 50|none, /routing away|back NAME",
        ),
        "rt.not_team": ("{name} 不在你的团队。", "{name} is not in your team."),
        "rule.weighted": ("按权重轮流", "weighted round-robin"),
        "rule.round_robin": ("平均轮流", "round-robin"),
        "rule.least_loaded": ("优先给客户最少的人", "least loaded first"),
        "rule.off": ("关闭（不自动分配）", "off (no automatic routing)"),
    }
)


# Chinese words a manager types for each rule and action; the English ones are the keys.
RULE_WORDS = {
    "按权重": "weighted",
    "权重轮流": "weighted",
    "轮流": "round_robin",
    "平均": "round_robin",
    "最少优先": "least_loaded",
    "最少": "least_loaded",
    "关闭": "off",
    "关": "off",
}
ACTION_WORDS = {
    "权重": "weight",
    "上限": "cap",
    "请假": "away",
    "休假": "away",
    "away": "away",
    "回来": "back",
    "销假": "back",
    "back": "back",
    "weight": "weight",
    "cap": "cap",
}


async def routing_command(ctx: Ctx, args: str) -> list[Reply]:
    """/routing: the rule and each rep's weight, cap and away flag; with words, change them."""
    if args.strip():
        require(ctx, "manager", "admin")
        await _change(ctx, args.strip())
    return [Reply(await _overview(ctx))]


async def _change(ctx: Ctx, args: str) -> None:
    org = await ctx.uow.users.org(ctx.user.org_id)
    assert org is not None
    rule = RULE_WORDS.get(args, args.lower())
    if rule in ROUTING_RULES:
        await update_settings(ctx.uow, ctx.user, org, ctx.now, routing_rule=rule)
        return
    head, _, rest = args.partition(" ")
    action = ACTION_WORDS.get(head.lower())
    if action is None:  # 权重张三 3: the Chinese word needs no space after it
        head = next((w for w in ACTION_WORDS if args.startswith(w)), "")
        action, rest = ACTION_WORDS.get(head), args[len(head) :]
    if action is None or not rest.strip():
        raise UserError("rt.usage")
    member, value = await colleague_then(ctx, rest)
    rep = await _team_member(ctx, member)
    await _apply(ctx, rep, action, value.strip())


async def _apply(ctx: Ctx, rep: User, action: str, value: str) -> None:
    number = parse_small_int(value)
    no_cap = value.lower() in ("none", "无", "不限")
    if action in ("away", "back") and not value:
        await routing.set_rep(ctx.uow, ctx.user, rep, ctx.now, away=action == "away")
    elif action == "weight" and number is not None and 1 <= number <= 100:
        await routing.set_rep(ctx.uow, ctx.user, rep, ctx.now, lead_weight=number)
    elif action == "cap" and (no_cap or (number is not None and number >= 0)):
        await routing.set_rep(ctx.uow, ctx.user, rep, ctx.now, lead_capacity=number)
    else:
        raise UserError("rt.usage")


async def _team_member(ctx: Ctx, rep: User) -> User:
    if ctx.user.role == "manager" and rep.team_id != ctx.user.team_id:
        raise UserError("rt.not_team", name=rep.name)
    return rep


async def _overview(ctx: Ctx) -> str:
    org = await ctx.uow.users.org(ctx.user.org_id)
    assert org is not None
    lines = [ctx.t("rt.rule", rule=ctx.t(f"rule.{ops_settings(org).routing_rule}"))]
    for u in await ctx.uow.users.in_org(ctx.user.org_id):
        if u.role != "rep" or (ctx.user.role == "manager" and u.team_id != ctx.user.team_id):
            continue
        cap = str(u.lead_capacity) if u.lead_capacity is not None else ctx.t("rt.none")
        state = ctx.t("rt.away" if u.away else "rt.on")
        lines.append(ctx.t("rt.line", name=u.name, weight=u.lead_weight, cap=cap, state=state))
    return "\n".join(lines)


def register(routes: Routes) -> None:
    routes.command(routing_command, "/routing", "分配规则", prefix=("分配规则",))
