"""/settings (设置): an admin reads and changes the company's rules in chat, not in JSON.

Covers follow-up cadence per tier, stale days per deal stage, the pool rules (the same as
/poolrules), care messages on/off and quiet hours, and the digest time. Managers may look;
only admins change. Every change is audited by handlers/services/org_settings.py.
"""

from __future__ import annotations

import re
from datetime import time

from handlers.chat import pool
from handlers.chat.context import Ctx, UserError
from handlers.chat.ops_util import require
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Reply
from handlers.numbers import parse_small_int
from handlers.services import org_settings as svc
from handlers.services.deals import Pipeline, pipeline
from handlers.services.ops.config import ops_settings
from handlers.services.schedule import OrgSchedule, org_schedule
from store.models import Org

add_texts(
    {
        "set.title": ("⚙️ 公司设置", "⚙️ Company settings"),
        "set.cadence": (
            "• 跟进节奏：{items}\n  修改：设置 节奏 A 10",
            "• Follow-up cadence: {items}\n  Change: /settings cadence A 10",
        ),
        "set.cadence_item": ("{tier} 类 {days} 天", "tier {tier} every {days} days"),
        "set.stale": (
            "• 商机停滞提醒：默认 {default} 天{items}\n"
            "  修改：设置 停滞 方案报价 10 · 设置 停滞 默认 14",
            "• Stale deal nudge: {default} days by default{items}\n"
            "  Change: /settings stale Proposal 10 · /settings stale default 14",
        ),
        "set.stale_item": ("；{stage} {days} 天", "; {stage} {days} days"),
        "set.pool": (
            "• 公海：{contact} 天未跟进或 {deal} 天无商机进展退回公海，提前 {warn} 天提醒，"
            "每人每天最多领取 {cap} 位\n  修改：设置 公海 30 90 3 5",
            "• Pool: back after {contact} days without follow-up or {deal} days without deal "
            "progress, warned {warn} days ahead, {cap} claims per rep a day\n"
            "  Change: /settings pool 30 90 3 5",
        ),
        "set.care": (
            "• 客户关怀：{kinds}；免打扰 {start}:00–{end}:00\n"
            "  修改：设置 关怀 开|关 [生日|节日|售后|召回] · 设置 免打扰 21 9",
            "• Care messages: {kinds}; quiet hours {start}:00–{end}:00\n"
            "  Change: /settings care on|off [birthday|holiday|post_sale|win_back] · "
            "/settings quiet 21 9",
        ),
        "set.care_off": ("已关闭", "off"),
        "set.digest": (
            "• 经理日报：每个工作日 {at}\n  修改：设置 日报 8:30",
            "• Manager digest: each working day at {at}\n  Change: /settings digest 8:30",
        ),
        "set.saved": ("✅ 已保存。", "✅ Saved."),
        "set.usage": (
            "没看懂要改哪一项。发送「设置」查看每一项的修改方法。",
            "I couldn't tell which setting to change. Send /settings to see how to change each.",
        ),
        "set.bad_days": ("天数要在 1 到 365 之间。", "Days must be between 1 and 365."),
        "set.bad_tier": ("等级只能是 A、B 或 C。", "The tier must be A, B or C."),
        "set.bad_hours": (
            "免打扰时间请写两个 0–23 的小时数，如「设置 免打扰 21 9」。",
            'Quiet hours are two hours from 0 to 23, e.g. "/settings quiet 21 9".',
        ),
        "set.bad_time": (
            "时间请写成 8:30 或 8点半。",
            "Write the time as 8:30.",
        ),
        "set.bad_stage": (
            "没有叫「{stage}」的进行中阶段。可选：{stages}",
            'No open stage called "{stage}". Open stages: {stages}',
        ),
        "care.kindname_birthday": ("生日", "birthday"),
        "care.kindname_holiday": ("节日", "holiday"),
        "care.kindname_post_sale": ("售后", "post-sale"),
        "care.kindname_win_back": ("召回", "win-back"),
    }
)

TOPICS = {
    "节奏": "cadence", "跟进节奏": "cadence", "cadence": "cadence",
    "停滞": "stale", "stale": "stale",
    "公海": "pool", "pool": "pool",
    "关怀": "care", "care": "care",
    "免打扰": "quiet", "quiet": "quiet",
    "日报": "digest", "digest": "digest",
}  # fmt: skip
ON_OFF = {"开": True, "打开": True, "开启": True, "on": True,
          "关": False, "关闭": False, "off": False}  # fmt: skip
KIND_WORDS = {
    "生日": "birthday", "节日": "holiday", "售后": "post_sale", "召回": "win_back",
    **{k: k for k in svc.CARE_KINDS}, "post-sale": "post_sale", "winback": "win_back",
}  # fmt: skip
DEFAULT_WORDS = ("默认", "default", "其他", "others")
TIME = re.compile(r"^(\d{1,2})(?:[:：.](\d{2})|点(半|(\d{1,2})分?)?)?$")


async def settings_command(ctx: Ctx, args: str) -> list[Reply]:
    require(ctx, "manager", "admin")
    org = await ctx.uow.users.org(ctx.user.org_id)
    assert org is not None
    if args.strip():
        require(ctx, "admin")
        topic, _, rest = args.strip().partition(" ")
        if TOPICS.get(topic.lower()) == "pool":
            return await pool.rules_command(ctx, rest)
        try:
            await _change(ctx, org, TOPICS.get(topic.lower(), ""), rest.split())
        except svc.SettingError as err:
            raise UserError(err.key) from None
        return [Reply(ctx.t("set.saved") + "\n" + await _overview(ctx, org))]
    return [Reply(await _overview(ctx, org))]


async def _change(ctx: Ctx, org: Org, topic: str, words: list[str]) -> None:
    number = parse_small_int(words[-1]) if words else None
    if topic == "cadence" and len(words) == 2 and number is not None:
        tier = words[0].upper().removesuffix("类")
        await svc.set_cadence(ctx.uow, ctx.user, org, ctx.now, tier, number)
    elif topic == "stale" and len(words) >= 2 and number is not None:
        stage = await _stage(ctx, " ".join(words[:-1]))
        await svc.set_stale(ctx.uow, ctx.user, org, ctx.now, stage, number)
    elif topic == "care" and words and words[0].lower() in ON_OFF and len(words) <= 2:
        kind = KIND_WORDS.get(words[1].lower()) if len(words) == 2 else None
        if len(words) == 2 and kind is None:
            raise UserError("set.usage")
        await svc.set_care(ctx.uow, ctx.user, org, ctx.now, ON_OFF[words[0].lower()], kind)
    elif topic == "quiet" and len(words) == 2:
        start, end = parse_small_int(words[0]), parse_small_int(words[1])
        if start is None or end is None:
            raise UserError("set.bad_hours")
        await svc.set_quiet_hours(ctx.uow, ctx.user, org, ctx.now, start, end)
    elif topic == "digest" and len(words) == 1:
        await svc.set_digest_time(ctx.uow, ctx.user, org, ctx.now, _time(words[0]))
    else:
        raise UserError("set.usage")


async def _stage(ctx: Ctx, words: str) -> str | None:
    """A stage key from its key or name in either language; None for "default"."""
    if words.lower() in DEFAULT_WORDS:
        return None
    stages = await pipeline(ctx.uow, ctx.user.org_id)
    wanted = words.casefold()
    for s in stages.open_stages:
        if wanted in (s.key.casefold(), s.name_zh.casefold(), s.name_en.casefold()):
            return s.key
    starts = [s for s in stages.open_stages if s.name_en.casefold().startswith(wanted)]
    if len(starts) == 1:  # "Proposal" for "Proposal / quote"
        return starts[0].key
    names = "、".join(stages.name(s.key, ctx.lang) for s in stages.open_stages)
    raise UserError("set.bad_stage", stage=words[:30], stages=names)


def _time(word: str) -> time:
    found = TIME.match(word.strip())
    if found is None:
        raise UserError("set.bad_time")
    hour, minute, half, minutes = found.groups()
    mins = int(minute or minutes or 0) + (30 if half == "半" else 0)
    if int(hour) > 23 or mins > 59:
        raise UserError("set.bad_time")
    return time(int(hour), mins)


async def _overview(ctx: Ctx, org: Org) -> str:
    sched = org_schedule(org, ctx.config.default_tz, ctx.config.default_lang)
    stages = await pipeline(ctx.uow, ctx.user.org_id)
    cfg = ops_settings(org)
    pool_line = ctx.t(
        "set.pool",
        contact=cfg.pool_contact_days,
        deal=cfg.pool_deal_days,
        warn=cfg.pool_warn_days,
        cap=cfg.claim_cap,
    )
    lines = [ctx.t("set.title"), _cadence(ctx, sched), _stale(ctx, sched, stages), pool_line]
    lines += [_care(ctx, sched), ctx.t("set.digest", at=sched.digest_at.strftime("%H:%M"))]
    return "\n".join(lines)


def _cadence(ctx: Ctx, sched: OrgSchedule) -> str:
    items = [
        ctx.t("set.cadence_item", tier=tier, days=days)
        for tier, days in sorted(sched.cadence_days.items())
    ]
    return ctx.t("set.cadence", items=" · ".join(items))


def _stale(ctx: Ctx, sched: OrgSchedule, stages: Pipeline) -> str:
    items = "".join(
        ctx.t("set.stale_item", stage=stages.name(key, ctx.lang), days=days)
        for key, days in sched.stale_days.items()
    )
    return ctx.t("set.stale", default=sched.stale_default, items=items)


def _care(ctx: Ctx, sched: OrgSchedule) -> str:
    care = sched.care
    sep = "、" if ctx.lang == "zh" else ", "
    kinds = sep.join(ctx.t(f"care.kindname_{k}") for k in care.kinds) or ctx.t("set.care_off")
    return ctx.t("set.care", kinds=kinds, start=care.quiet_from, end=care.quiet_until)


def register(routes: Routes) -> None:
    routes.command(settings_command, "/settings", "设置", "settings", prefix=("设置",))
