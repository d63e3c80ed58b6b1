"""/help, language and timezone preferences, and the answer to an unknown command."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from handlers.chat.context import Ctx, UserError
from handlers.chat.routes import Routes
from handlers.i18n import LANGS, add_texts
from handlers.messages import Choice, Reply
from handlers.services.audit import record

add_texts(
    {
        "help.text": (
            "我可以帮你：\n"
            "• /visit 拜访 — 记录拜访/电话/会议，如\n"
            "  「拜访 今天拜访华为张总，谈了报价，下周三回访」\n"
            "• /customer 查客户 — 查客户资料，如「查客户 张三」「查客户 zs」\n"
            "• /newcustomer 新客户 — 新建客户，如「新客户 欧阳锋 13912345678 白驼山庄」\n"
            "• /newcontact 新联系人 — 给公司加联系人，如「新联系人 华为 李工 13800000000」\n"
            "• /deal 商机 — 商机列表、新建、推进阶段、赢单/输单\n"
            "• /pipeline 漏斗 — 我的销售漏斗\n"
            "• /remind 提醒 — 设提醒，如「提醒 明天下午3点给李总打电话」\n"
            "• /today 今天 — 今天和逾期的待办\n"
            "• /payment 回款 — 记录回款或付款计划\n"
            "• /pool 公海 — 查看和领取公海客户\n"
            "• /bind 绑定客户 — 给客户发公众号绑定码\n"
            "• /lang en · /tz Asia/Shanghai — 语言和时区\n"
            "• /cancel 取消 — 放弃正在填写的内容\n"
            "也可以直接说：「查一下华为」「华为那单赢了」。",
            "Here's what I can do:\n"
            "• /visit — log a visit, call or meeting, e.g. "
            '"/visit met Acme\'s Li today, sent the quote, follow up Friday"\n'
            '• /customer — look up a customer, e.g. "/customer Li" or "/customer zs"\n'
            '• /newcustomer — add a customer, e.g. "/newcustomer Jane Doe 13912345678 Acme"\n'
            '• /newcontact — add a person to a company: "/newcontact Acme, Jane Doe, 555 0100"\n'
            "• /deal — list, create and advance deals, mark them won or lost\n"
            "• /pipeline — your pipeline by stage\n"
            '• /remind — set a reminder, e.g. "/remind tomorrow 3pm call Li"\n'
            "• /today — what's due today and overdue\n"
            "• /payment — record money received or a payment plan\n"
            "• /pool — see and claim customers in the team pool\n"
            "• /bind — a code that links a customer's WeChat to their record\n"
            "• /lang zh · /tz America/New_York — language and timezone\n"
            "• /cancel — leave the form you're filling in\n"
            'Or just say it: "look up Acme", "Acme deal won".',
        ),
        "help.manager": (
            "团队（经理）：\n"
            "• /digest 日报 · /weekly 周报 — 团队日报和周报（含图表）\n"
            "• /funnel 销售漏斗 · /leaderboard 排行榜 — 转化分析和排名\n"
            "• /segment 分群 — 如「A类 30天未联系」「沉睡 B类」\n"
            "• /routing 分配规则 · /owners 归属记录",
            "Your team (managers):\n"
            "• /digest · /weekly — the team's daily and weekly digest, with a chart\n"
            "• /funnel · /leaderboard — conversion analytics and ranking\n"
            "• /segment — e.g. \"A 30 days no contact\", \"dormant B customers\"\n"
            "• /routing · /owners — lead routing rules, owner history",
        ),
        "help.admin": (
            "管理员：\n"
            "• /handover 交接 — 离职交接，如「/handover 张伟 to 李娜,王芳」\n"
            "• /dupes 查重 · /undomerge 撤销合并 — 合并重复客户\n"
            "• /poolrules 公海规则 · /retention 审计保留\n"
            "• /forget 匿名化 · /aboutcustomer 客户数据 · /export 导出",
            "Admins:\n"
            "• /handover — hand a leaving rep's customers on: \"/handover Wei to Na,Fang\"\n"
            "• /dupes · /undomerge — merge duplicate customers, and undo\n"
            "• /poolrules · /retention — pool rules, audit log retention\n"
            "• /forget · /aboutcustomer · /export — privacy requests and exports",
        ),
        "unknown.command": (
            "我不认识这个命令：{text}\n发送 /help 查看可用命令。",
            "I don't know that command: {text}\nSend /help to see what I can do.",
        ),
        "lang.ask": ("选择语言：", "Choose a language:"),
        "lang.done": ("好的，以后用中文和你交流。", "Done: I'll talk to you in English."),
        "lang.bad": (
            "支持的语言：zh（中文）、en（English）。",
            "Languages: zh (中文) or en (English).",
        ),
        "tz.show": (
            "你的时区：{tz}。修改示例：/tz Asia/Shanghai",
            "Your timezone: {tz}. To change it: /tz America/New_York",
        ),
        "tz.done": (
            "时区已设为 {tz}，现在当地时间 {now}。",
            "Timezone set to {tz}; it's {now} there.",
        ),
        "tz.bad": (
            "不认识这个时区：{tz}。请用 IANA 名称，例如 Asia/Shanghai、Europe/London。",
            "Unknown timezone: {tz}. Use an IANA name such as Asia/Shanghai or Europe/London.",
        ),
    }
)


async def show_help(ctx: Ctx, _args: str) -> list[Reply]:
    """What the bot can do, in the user's language, with the sections their role opens."""
    sections = ["help.text"]
    if ctx.user.role in ("manager", "admin"):
        sections.append("help.manager")
    if ctx.user.role == "admin":
        sections.append("help.admin")
    return [Reply("\n\n".join(ctx.t(key) for key in sections))]


async def unknown_command(ctx: Ctx, text: str) -> list[Reply]:
    return [Reply(ctx.t("unknown.command", text=text[:40]))]


async def set_lang(ctx: Ctx, args: str) -> list[Reply]:
    """/lang zh|en; without an argument, offers both."""
    if not args:
        choices = (Choice("中文", "lang:zh"), Choice("English", "lang:en"))
        return [Reply(ctx.t("lang.ask"), choices)]
    return await _apply_lang(ctx, [args.strip().lower()])


async def _apply_lang(ctx: Ctx, parts: list[str]) -> list[Reply]:
    lang = parts[0] if parts else ""
    if lang not in LANGS:
        raise UserError("lang.bad")
    before = {"lang": ctx.user.lang}
    ctx.user.lang = lang
    await record(
        ctx.uow, ctx.user, "user.lang", ("user", ctx.user.id), ctx.now, before, {"lang": lang}
    )
    return [Reply(ctx.t("lang.done"))]


async def set_tz(ctx: Ctx, args: str) -> list[Reply]:
    """/tz Area/City: the zone reminders and dates are read and shown in."""
    name = args.strip()
    if not name:
        return [Reply(ctx.t("tz.show", tz=ctx.user.tz))]
    try:
        if name not in available_timezones():
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError("tz.bad", tz=name[:60]) from None
    before = {"tz": ctx.user.tz}
    ctx.user.tz = name
    await record(
        ctx.uow, ctx.user, "user.tz", ("user", ctx.user.id), ctx.now, before, {"tz": name}
    )
    return [Reply(ctx.t("tz.done", tz=name, now=ctx.when(ctx.now)))]


def register(routes: Routes) -> None:
    routes.command(show_help, "/help", "帮助", "help", "/帮助")
    routes.command(unknown_command, "/unknown")
    routes.command(set_lang, "/lang", "语言")
    routes.command(set_tz, "/tz", "时区")
    routes.payloads["lang"] = _apply_lang
