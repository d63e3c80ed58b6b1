"""/help, language and timezone preferences, and the answer to an unknown command."""

from __future__ import annotations

from handlers.chat.context import Ctx, UserError
from handlers.chat.routes import Routes
from handlers.i18n import LANGS, add_texts
from handlers.messages import Choice, Reply
from handlers.services.audit import record
from handlers.zones import zone_for

add_texts(
    {
        "help.text": (
            "我可以帮你：\n"
            "• /visit 拜访 — 记录拜访/电话/会议，如\n"
            "  「拜访 今天拜访华为张总，谈了报价，下周三回访」\n"
            "• /customer 查客户 — 查客户资料，如「查客户 张三」「查客户 zs」\n"
            "• /find 搜索 — 拜访记录和备注里提到某些字的客户，如「搜索 普洱」\n"
            "• /newcustomer 新客户 — 新建客户，如「新客户 欧阳锋 13912345678 白驼山庄」\n"
            "• /card 名片 — 发名片照片，读出来新建客户\n"
            "• /edit 编辑 — 改客户资料，或直接说「把张三的等级改成B」「张三生日是农历三月初五」\n"
            "• /notes 备注 · /tag 标签 — 如「/notes 张三 喜欢喝普洱茶」「/tag 张三 #VIP」\n"
            "• /newcontact 新联系人 — 给公司加联系人，如「新联系人 华为 李工 13800000000」；"
            "改联系人：编辑 华为 → 👥 联系人\n"
            "• /deal 商机 — 商机列表、新建、推进阶段、赢单/输单\n"
            "• 改错：保存后 10 分钟内可「↩️ 撤销」；/activities 活动记录 — 如「活动记录 张三」，"
            "改时间/内容/回访或删除；商机卡片「✏️ 修改」改金额/成交日期/名称，"
            "已结束的可「↩️ 重新打开」\n"
            "• /pipeline 漏斗 — 我的销售漏斗\n"
            "• /remind 提醒 — 设提醒，如「提醒 明天下午3点给李总打电话」\n"
            "• /today 今天 — 今天和逾期的待办\n"
            "• /payment 回款 — 记录回款或付款计划\n"
            "• /pool 公海 — 查看和领取公海客户\n"
            "• /bind 绑定客户 — 给客户发公众号绑定码\n"
            "• /export 导出 — 客户/拜访/商机导出为 Excel 文件，如「导出 客户」「导出 商机 csv」\n"
            "• /lang en · /tz 北京 — 语言和时区（城市名即可）\n"
            "• /cancel 取消 — 放弃正在填写的内容\n"
            "也可以直接说：「查一下华为」「华为那单赢了」。",
            "Here's what I can do:\n"
            "• /visit — log a visit, call or meeting, e.g. "
            '"/visit met Acme\'s Li today, sent the quote, follow up Friday"\n'
            '• /customer — look up a customer, e.g. "/customer Li" or "/customer zs"\n'
            '• /find — customers whose visits or notes mention some words, e.g. "/find tea"\n'
            '• /newcustomer — add a customer, e.g. "/newcustomer Jane Doe 13912345678 Acme"\n'
            "• /card — send a photo of a business card to add its person as a customer\n"
            "• /edit — change a customer's details, or just say \"Change Li Wei's tier to B\", "
            '"Li Wei\'s birthday is May 3"\n'
            '• /notes · /tag — e.g. "/notes Li Wei prefers green tea", "/tag Li Wei #VIP"\n'
            '• /newcontact — add a person to a company: "/newcontact Acme, Jane Doe, 555 0100"; '
            "to correct one: /edit Acme → 👥 Contacts\n"
            "• /deal — list, create and advance deals, mark them won or lost\n"
            "• Fix mistakes: ↩️ Undo for 10 min after saving; /activities Li — edit a visit's "
            "time, notes or follow-up, or delete it; a deal's ✏️ Edit (amount, close, title), "
            "↩️ Reopen when won or lost\n"
            "• /pipeline — your pipeline by stage\n"
            '• /remind — set a reminder, e.g. "/remind tomorrow 3pm call Li"\n'
            "• /today — what's due today and overdue\n"
            "• /payment — record money received or a payment plan\n"
            "• /pool — see and claim customers in the team pool\n"
            "• /bind — a code that links a customer's WeChat to their record\n"
            "• /export — your customers, activities or deals as an Excel file, e.g. "
            '"/export customers", "/export deals csv"\n'
            "• /lang zh · /tz New York — language and timezone (a city name will do)\n"
            "• /cancel — leave the form you're filling in\n"
            'Or just say it: "look up Acme", "Acme deal won".',
        ),
        "help.manager": (
            "团队（经理）：\n"
            "• /digest 日报 · /weekly 周报 — 团队日报和周报（含图表）\n"
            "• /funnel 销售漏斗 · /leaderboard 排行榜 — 转化分析和排名\n"
            "• /segment 分群 — 如「A类 30天未联系」「沉睡 B类」\n"
            "• /routing 分配规则 — 如「分配规则 请假 Emily Chen」 · /owners 归属记录\n"
            "• /history 变更记录 — 谁在什么时候改了客户的什么，如「变更记录 张三」\n"
            "• /settings 设置 — 跟进节奏、停滞天数、公海、关怀、日报时间（管理员可修改）\n"
            "• 导入客户：直接发送 CSV 或 Excel 客户表，预览后选择如何处理重复客户",
            "Your team (managers):\n"
            "• /digest · /weekly — the team's daily and weekly digest, with a chart\n"
            "• /funnel · /leaderboard — conversion analytics and ranking\n"
            "• /segment — e.g. \"A 30 days no contact\", \"dormant B customers\"\n"
            "• /routing — lead routing, e.g. \"/routing away Emily Chen\"\n"
            "• /owners — owner history of a customer\n"
            "• /history — who changed what on a customer, e.g. \"/history Li Wei\"\n"
            "• /settings — cadence, stale days, pool, care, digest time (admins change them)\n"
            "• Import customers: send a CSV or Excel table, check the preview, choose what "
            "happens to duplicates",
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
            "你的时区：{tz}。修改示例：/tz 上海、/tz 纽约、/tz Asia/Shanghai",
            "Your timezone: {tz}. To change it: /tz London, /tz New York, /tz America/New_York",
        ),
        "tz.done": (
            "时区已设为 {tz}，现在当地时间 {now}。",
            "Timezone set to {tz}; it's {now} there.",
        ),
        "tz.bad": (
            "不认识这个时区：{tz}。请写城市名（如 北京、伦敦、纽约）或 IANA 名称"
            "（如 Asia/Shanghai）。",
            "Unknown timezone: {tz}. Name a city (Beijing, London, New York) or an IANA zone "
            "such as Europe/London.",
        ),
    }
)


async def show_help(ctx: Ctx, _args: str) -> list[Reply]:
    """What the bot can do, in the user's language, with the sections their role opens."""
    sections = ["help.text", "help.views"]
    if ctx.user.role in ("manager", "admin"):
        sections.append("help.manager")
        sections.append("help.views_team")
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
    zone = zone_for(name)
    if zone is None:
        raise UserError("tz.bad", tz=name[:60])
    name = zone
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
    routes.command(set_tz, "/tz", "时区", prefix=("时区",))
    routes.payloads["lang"] = _apply_lang
