"""Care message wording: an org's own template per language and kind, else ours."""

from __future__ import annotations

from handlers.i18n import add_texts, t
from jobs.occasions import period

add_texts(
    {
        "care.birthday": (
            "{name}，生日快乐！🎂 祝您新的一岁万事顺意。",
            "Happy birthday, {name}! 🎂 All the best for the year ahead.",
        ),
        "care.holiday": (
            "{name}，{holiday}快乐！祝您和家人幸福安康。",
            "Happy {holiday}, {name}! Warm wishes to you and your family.",
        ),
        "care.post_sale": (
            "{name}，感谢您的信任！请为我们这次的服务打个分：1（很不满意）到 5（非常满意）。",
            "Thank you for your trust, {name}! How satisfied are you with our service, "
            "from 1 (not at all) to 5 (very)?",
        ),
        "care.win_back": (
            "{name}，您已经有{period}没有来过我们这里了……我们很想念您，有什么需要随时告诉我们。",
            "{name}, it has been {period} since we last saw you… we miss you. "
            "Tell us anytime if there is anything we can do.",
        ),
        "care.note": (
            "💌 已给你的客户发送关怀消息：\n{items}",
            "💌 Care messages sent to your customers:\n{items}",
        ),
        "care.note_line": ("• {name}：{kind}", "• {name}: {kind}"),
        "care.kind_birthday": ("生日祝福", "birthday wishes"),
        "care.kind_holiday": ("节日问候", "holiday greetings"),
        "care.kind_post_sale": ("售后回访", "after-sale check-in"),
        "care.kind_win_back": ("老客户问候", "win-back note"),
        "hol.spring_festival": ("春节", "Chinese New Year"),
        "hol.mid_autumn": ("中秋节", "Mid-Autumn Festival"),
        "hol.dragon_boat": ("端午节", "Dragon Boat Festival"),
        "hol.new_year": ("新年", "New Year"),
        "hol.christmas": ("圣诞节", "Christmas"),
    }
)


def care_text(
    templates: dict[str, dict[str, str]],
    kind: str,
    lang: str,
    name: str,
    values: dict[str, str],
) -> str:
    """The org's template for (lang, kind) if set; placeholders {name} {holiday} {period}."""
    fill = {"name": name, "holiday": "", "period": ""}
    if "h" in values:
        fill["holiday"] = t(lang, f"hol.{values['h']}")
    if "days" in values:
        fill["period"] = period(int(values["days"]), lang)
    own = templates.get(lang, {}).get(kind)
    if own:
        try:
            return own.format(**fill)
        except (KeyError, IndexError, ValueError):
            pass  # a broken template must not silence the greeting: fall back to ours
    return t(lang, f"care.{kind}", **fill)
