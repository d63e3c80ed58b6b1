"""The profile editor's texts (handlers/chat/fields.py, contact_edit.py), in Chinese and
English, and how a birthday reads."""

from __future__ import annotations

from datetime import date

from handlers.chat.context import Ctx
from handlers.i18n import add_texts
from handlers.nlu.birthday import NO_YEAR

# The order of the ✏️ Edit menu; the fields chosen with buttons, and their values.
FIELD_ORDER = ("name", "title", "company", "phone", "phone2", "email", "wechat", "address", "tier",
               "birthday", "preferences", "notes", "tags", "care", "lang")  # fmt: skip
BUTTON_CHOICES: dict[str, tuple[str, ...]] = {
    "tier": ("A", "B", "C"),
    "care": ("on", "off"),
    "lang": ("zh", "en"),
}

add_texts(
    {
        "fe.btn_edit": ("✏️ 编辑", "✏️ Edit"),
        "fe.menu": ("✏️ 编辑 {name}：要改哪一项？", "✏️ Edit {name}: which field?"),
        "fe.pick": (
            "{name} 的{label}现在是「{current}」，改成：",
            "{name}'s {label} is now “{current}”. Change it to:",
        ),
        "fe.ask": (
            "{name} 的{label}现在是「{current}」。请输入新的{label}{hint}",
            "{name}'s {label} is now “{current}”. Type the new {label}{hint}",
        ),
        "fe.hint_clear": ("；回复「清空」删除它。", '; reply "clear" to remove it.'),
        "fe.hint.name": ("：", ":"),
        "fe.hint.title": ("（如：采购总监）", " (e.g. Head of Purchasing)"),
        "fe.hint.company": ("（如：华为技术有限公司）", " (e.g. Acme Corp)"),
        "fe.hint.phone": ("（如：13912345678）", " (e.g. +86 139 1234 5678)"),
        "fe.hint.phone2": ("（如：010-8888 6666）", " (e.g. 010 8888 6666)"),
        "fe.hint.email": ("（如：li@example.com）", " (e.g. li@example.com)"),
        "fe.hint.wechat": ("（微信号）", " (WeChat ID)"),
        "fe.hint.address": ("（如：深圳市南山区科苑路 8 号）", " (e.g. 1 Market St, Shanghai)"),
        "fe.hint.birthday": (
            "（如：3月5日、1985年3月5日、农历三月初五）",
            " (e.g. May 3, 3 May 1985, lunar 3/5)",
        ),
        "fe.hint.preferences": (
            "（会加上日期追加，不会覆盖以前的）：",
            " (added with today's date; earlier ones stay):",
        ),
        "fe.hint.notes": (
            "（会加上日期追加，不会覆盖以前的）：",
            " (added with today's date; earlier ones stay):",
        ),
        "fe.hint.tags": (
            "（如：#VIP #重点；去掉用 -#VIP）：",
            " (e.g. #VIP #key; remove one with -#VIP):",
        ),
        "fe.label.name": ("姓名", "name"),
        "fe.label.title": ("职位", "title"),
        "fe.label.company": ("公司", "company"),
        "fe.label.phone": ("电话", "phone"),
        "fe.label.phone2": ("第二个电话", "second phone"),
        "fe.label.email": ("邮箱", "email"),
        "fe.label.wechat": ("微信号", "WeChat ID"),
        "fe.label.address": ("地址", "address"),
        "fe.label.tier": ("等级", "tier"),
        "fe.label.birthday": ("生日", "birthday"),
        "fe.label.preferences": ("喜好", "preferences"),
        "fe.label.notes": ("备注", "notes"),
        "fe.label.tags": ("标签", "tags"),
        "fe.label.care": ("关怀消息", "care messages"),
        "fe.label.lang": ("语言", "language"),
        "fe.choice.tier.A": ("A 类", "Tier A"),
        "fe.choice.tier.B": ("B 类", "Tier B"),
        "fe.choice.tier.C": ("C 类", "Tier C"),
        "fe.choice.care.on": ("同意接收", "consented"),
        "fe.choice.care.off": ("不发送", "not consented"),
        "fe.choice.lang.zh": ("中文", "Chinese"),
        "fe.choice.lang.en": ("英文", "English"),
        "fe.empty": ("（空）", "(empty)"),
        "fe.lang_default": ("跟随公司默认", "the company default"),
        "fe.done": (
            "✅ {name}：{label}已从「{old}」改为「{new}」。",
            "✅ {name}: {label} changed from “{old}” to “{new}”.",
        ),
        "fe.same": (
            "{name} 的{label}已经是「{value}」了，没有改动。",
            "{name}'s {label} is already “{value}”; nothing changed.",
        ),
        "fe.noted": (
            "✅ 已记到 {name} 的备注（带今天日期，以前的都保留）：{text}",
            "✅ Added to {name}'s notes (dated today; earlier notes stay): {text}",
        ),
        "fe.tags_done": ("✅ {name} 的标签：{tags}", "✅ {name}'s tags: {tags}"),
        "fe.tags_show": ("🏷 {name} 的标签：{tags}", "🏷 {name}'s tags: {tags}"),
        "fe.notes": ("📝 {name} 的备注：\n{notes}", "📝 Notes on {name}:\n{notes}"),
        "fe.phone_dup": (
            "号码 {phone} 已经登记在另一位客户名下：\n{others}\n仍然要把它存为 {name} 的电话吗？",
            "The number {phone} already belongs to another customer:\n{others}\n"
            "Save it as {name}'s phone anyway?",
        ),
        "fe.dup_hidden": (
            "• 同事 {owner} 负责的一位客户",
            "• a customer looked after by your colleague {owner}",
        ),
        "fe.btn_force": ("✅ 仍然保存", "✅ Save anyway"),
        "fe.btn_keep": ("❌ 不改了", "❌ Leave it"),
        "fe.kept": ("好的，电话没有改。", "OK, the phone was not changed."),
        "fe.btn_card": ("👤 看资料卡", "👤 Open card"),
        "fe.btn_more": ("✏️ 继续编辑", "✏️ Edit more"),
        "fe.btn_add_note": ("📝 加一条备注", "📝 Add a note"),
        "fe.btn_tags": ("🏷 改标签", "🏷 Change tags"),
        "fe.usage_edit": (
            "要编辑哪个客户？例如「/edit 张三」。也可以直接说「把张三的等级改成B」。",
            'Which customer? E.g. "/edit Li Wei". Or just say "Change Li Wei\'s tier to B".',
        ),
        "fe.usage_notes": (
            "用法：/notes 张三 喜欢喝普洱茶（只写名字则显示备注）。",
            "Usage: /notes Li Wei prefers green tea (a name alone shows the notes).",
        ),
        "fe.usage_tag": (
            "用法：/tag 张三 #VIP #重点，去掉用 -#VIP（只写名字则显示标签）。",
            "Usage: /tag Li Wei #VIP #key, remove one with -#VIP (a name alone shows them).",
        ),
        "fe.expired": (
            "这一步已经过期了，请重新说一次要改什么。",
            "That step has expired; please say again what to change.",
        ),
        "fe.bad_empty": ("没有收到新的值，什么都没改。", "No new value given; nothing changed."),
        "fe.bad_field": ("这一项不能在这里修改。", "That field can't be changed here."),
        "fe.bad_long": (
            "太长了（最多 {limit} 个字），什么都没改。",
            "That's too long (at most {limit} characters); nothing changed.",
        ),
        "fe.bad_name": (
            "名字需要有文字（最多 {limit} 个字），什么都没改。",
            "A name needs letters in it (at most {limit}); nothing changed.",
        ),
        "fe.bad_email": (
            "「{text}」不是有效的邮箱地址（如 li@example.com），什么都没改。",
            '"{text}" is not an email address (like li@example.com); nothing changed.',
        ),
        "fe.bad_wechat": (
            "「{text}」不像微信号（字母开头 6–20 位字母数字，或手机号），什么都没改。",
            '"{text}" doesn\'t look like a WeChat ID (6–20 letters and digits starting with a '
            "letter, or a phone number); nothing changed.",
        ),
        "fe.bad_phone": (
            "「{text}」不像电话号码，什么都没改。",
            '"{text}" doesn\'t look like a phone number; nothing changed.',
        ),
        "fe.bad_tier": (
            "等级只能是 A、B 或 C（收到「{text}」），什么都没改。",
            'Tier must be A, B or C (got "{text}"); nothing changed.',
        ),
        "fe.bad_birthday_impossible": (
            "「{text}」这一天不存在，什么都没改。",
            '"{text}" is not a real date; nothing changed.',
        ),
        "fe.bad_birthday_leap": (
            "暂不支持闰月生日（「{text}」），请写成对应的普通月份，什么都没改。",
            'Leap-month lunar birthdays ("{text}") are not supported; give the regular month. '
            "Nothing changed.",
        ),
        "fe.bad_birthday_unclear": (
            "没看懂「{text}」是哪天。请写成「3月5日」「1985年3月5日」或「农历三月初五」，什么都没改。",
            'I can\'t tell which day "{text}" is. Write it like "May 3", "3 May 1985" or '
            '"lunar 3/5". Nothing changed.',
        ),
        "fe.bad_consent": (
            "请回答「是」或「否」（收到「{text}」），什么都没改。",
            'Please answer yes or no (got "{text}"); nothing changed.',
        ),
        "fe.bad_lang": (
            "语言只能是中文或英文（收到「{text}」），什么都没改。",
            'Language must be Chinese or English (got "{text}"); nothing changed.',
        ),
        "fe.bad_tag": (
            "标签太长了（最多 {limit} 个字），什么都没改。",
            "A tag is too long (at most {limit} characters); nothing changed.",
        ),
        "fe.bad_tags": (
            "没有找到标签。写法：#VIP #重点，去掉用 -#VIP。",
            "No tags found. Write them like #VIP #key; remove one with -#VIP.",
        ),
        "fe.too_many_tags": (
            "标签太多了（最多 {limit} 个），什么都没改。",
            "Too many tags (at most {limit}); nothing changed.",
        ),
    }
)


def birthday_text(ctx: Ctx, born: date | None, lunar: bool) -> str | None:
    """3-5, 1990-3-5, or 3-5 (lunar) as the profile writes it; None for none."""
    if born is None:
        return None
    year = "" if born.year == NO_YEAR else f"{born.year}-"
    return f"{year}{born.month}-{born.day}" + (ctx.t("card.lunar") if lunar else "")
