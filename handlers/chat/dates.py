"""Dates that look wrong are asked about, never guessed or saved silently.

The parser reads 12月1日 typed on 12-06 as next year's (a due date is ahead); 2020年1月1日 as
typed. Both are plausible readings and both can be slips. Each handler passes every date it
is about to save through `sure()` with what the date is for; one that looks wrong raises
DateQuestion. The router then undoes the message, shows the readings as choices, and when
one is picked, handles the same message again with that answer in `Ctx.confirmed`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from handlers.chat.context import Ctx, UserError
from handlers.i18n import add_texts, fmt_date
from handlers.messages import Choice, Reply

Purpose = Literal["due", "happened", "ahead"]  # a due/close date, a past event, a follow-up
YEAR = timedelta(days=365)
ROLL_WINDOW = timedelta(days=120)  # "12月1日" a few months gone may mean this year's
ASK = "dq"
_YEAR_GIVEN = re.compile(
    r"\d{4}\s*(年|[-/.])|\b(19|20)\d{2}\b|[今明去前后]年|(next|last|this) year", re.IGNORECASE
)

add_texts(
    {
        "dq.rolled": (
            "{day}今年已经过去了（{past}）。是指哪一天？",
            "{day} has already passed this year ({past}). Which date do you mean?",
        ),
        "dq.next_year": (
            "{day}今年已经过去了，是指明年的 {when} 吗？",
            "{day} has already passed this year. Do you mean {when}, next year?",
        ),
        "dq.last_year": (
            "{day}今年还没到，是指去年的 {when} 吗？",
            "{day} hasn't come yet this year. Do you mean {when}, last year?",
        ),
        "dq.past": ("{when} 已经过去了。确定是这一天吗？", "{when} has passed. Is that right?"),
        "dq.old": (
            "{when} 是一年多以前了。确定是这一天吗？",
            "{when} is more than a year ago. Is that right?",
        ),
        "dq.far": (
            "{when} 是一年多以后了。确定是这一天吗？",
            "{when} is more than a year ahead. Is that right?",
        ),
        "dq.btn_pick": ("📅 是 {when}", "📅 Yes, {when}"),
        "dq.btn_date": ("📅 {when}", "📅 {when}"),
        "dq.btn_again": ("✏️ 不对，我重新输入", "✏️ No, I'll type it again"),
        "dq.again": (
            "好的，没有保存。请重新发送，写上正确的日期（例如「2027年1月5日」）。",
            'OK, nothing was saved. Send it again with the date you mean (e.g. "5 Jan 2027").',
        ),
        "dq.stale": (
            "这个日期问题已经过期了，请重新发送。",
            "That date question has expired; please send it again.",
        ),
    }
)


@dataclass
class DateQuestion(Exception):
    """A date to confirm: the reply to show and the readings to choose from."""

    parsed: datetime
    readings: list[datetime]
    reason: str
    text: str = ""  # the message to handle again once answered; the router fills it in
    payload: str = ""  # or the button that was pressed

    def __post_init__(self) -> None:
        super().__init__(self.reason)


def sure(ctx: Ctx, value: datetime, purpose: Purpose, text: str) -> datetime:
    """`value` if it looks right or was confirmed; else raise DateQuestion about it."""
    confirmed = ctx.confirmed.get(value.isoformat())
    if confirmed is not None:
        return datetime.fromisoformat(confirmed)
    question = _doubt(ctx, value, purpose, bool(_YEAR_GIVEN.search(text)))
    if question is not None:
        raise question
    return value


def _doubt(ctx: Ctx, value: datetime, purpose: Purpose, year_given: bool) -> DateQuestion | None:
    today = ctx.local_now().date()
    day = value.astimezone(ctx.tz).date()
    rolled = None if year_given else _rolled(day, today)
    if rolled is not None:
        return _rolled_question(value, rolled, purpose)
    if purpose == "due" and day < today:
            return DateQuestion(value, [value], "dq.old" if today - day > YEAR else "dq.past")
    if purpose == "happened" and today - day > YEAR:
        return DateQuestion(value, [value], "dq.old")
    if day - today > YEAR:
        return DateQuestion(value, [value], "dq.far")
    return None


def _rolled(day: date, today: date) -> date | None:
    """This year's same day-and-month, when the parser moved a day written without a year
    to the next year (a day just gone) or the last (a day still ahead, for past events)."""
    for years in (-1, 1):
        other = _shift_year(day, years)
        near = other is not None and timedelta(0) < abs(today - other) <= ROLL_WINDOW
        if other is not None and near and other.year == today.year:
            return other
    return None


def _rolled_question(value: datetime, this_year: date, purpose: Purpose) -> DateQuestion | None:
    """A due date may have meant this year's (just passed); a follow-up must be ahead and a
    visit behind, so they only confirm the year the parser chose."""
    same_day = value.replace(year=this_year.year)
    if purpose == "due":
        return DateQuestion(value, [same_day, value], "dq.rolled")
    if purpose == "ahead" and value > same_day:
        return DateQuestion(value, [value], "dq.next_year")
    if purpose == "happened" and value < same_day:
        return DateQuestion(value, [value], "dq.last_year")
    return None


def _shift_year(day: date, years: int) -> date | None:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return None


def ask(ctx: Ctx, question: DateQuestion) -> Reply:
    """The question with one choice per reading and one to type the date again."""
    first = question.readings[0]
    if question.reason == "dq.rolled":
        text = ctx.t("dq.rolled", day=_month_day(ctx, first), past=_full(ctx, first))
    elif question.reason in ("dq.next_year", "dq.last_year"):
        text = ctx.t(question.reason, day=_month_day(ctx, first), when=_full(ctx, first))
    else:
        text = ctx.t(question.reason, when=_full(ctx, first))
    label = "dq.btn_pick" if len(question.readings) == 1 else "dq.btn_date"
    choices = [
        Choice(ctx.t(label, when=_full(ctx, r)), f"{ASK}:{i}")
        for i, r in enumerate(question.readings)
    ]
    choices.append(Choice(ctx.t("dq.btn_again"), f"{ASK}:x"))
    return Reply(text, tuple(choices))


def remembered(ctx: Ctx, question: DateQuestion) -> dict[str, object]:
    """What the conversation keeps until the answer: the message, its readings, and the
    dates already confirmed for it (a visit may have two in doubt)."""
    return {
        "text": question.text,
        "payload": question.payload,
        "parsed": question.parsed.isoformat(),
        "readings": [r.isoformat() for r in question.readings],
        "confirmed": dict(ctx.confirmed),
    }


def answer(ctx: Ctx, asked: dict[str, object] | None, parts: list[str]) -> tuple[str, str] | None:
    """The (text, button payload) to handle again with the picked reading confirmed; None
    when the user will type the date again."""
    readings = asked.get("readings") if asked else None
    if not asked or not isinstance(readings, list):
        raise UserError("dq.stale")
    pick = parts[0] if parts else ""
    if pick not in [str(i) for i in range(len(readings))]:
        return None
    earlier = asked.get("confirmed")
    ctx.confirmed.update(earlier if isinstance(earlier, dict) else {})
    ctx.confirmed[str(asked["parsed"])] = str(readings[int(pick)])
    for reading in readings:  # the reading picked is itself right: don't ask about it again
        ctx.confirmed.setdefault(str(reading), str(reading))
    return str(asked.get("text") or ""), str(asked.get("payload") or "")


def _full(ctx: Ctx, value: datetime) -> str:
    """Always with the year: the year is what is in doubt."""
    return fmt_date(value.astimezone(ctx.tz).date(), ctx.lang)


def _month_day(ctx: Ctx, value: datetime) -> str:
    local = value.astimezone(ctx.tz)
    return f"{local.month}月{local.day}日" if ctx.lang == "zh" else f"{local:%d %b}"
