"""Understand one rep message: what they want, about whom, when, how much, which stage.

Keyword rules, not a model: a rep's messages are short and formulaic, the rules are
predictable, and they run in well under a millisecond with no start-up cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from . import _lexicon as lex
from ._mention import Mention, zh_mention
from ._mention_en import en_mention
from ._text import CJK, normalize
from ._timing import FOLLOW_CUE, Times, classify, clause_of
from .amount import Amount, find_amounts
from .fields import read_field_edit
from .when import When, find_past_whens, find_whens

__all__ = ["ActivityType", "Intent", "Understanding", "understand"]

Intent = Literal["log_visit", "set_reminder", "show_customer", "deal_won", "deal_lost",
                 "advance_deal", "show_pipeline", "help", "edit_field", "unknown"]
ActivityType = Literal["visit", "call", "message", "meeting"]
_NAMELESS = ("show_pipeline", "help", "unknown")


@dataclass(frozen=True)
class Understanding:
    intent: Intent
    customer_mention: str | None
    activity_type: ActivityType | None
    happened_at: datetime | None
    follow_up_at: datetime | None
    amount: Decimal | None
    currency: str | None
    stage: str | None
    summary: str
    lang: Literal["zh", "en"]
    # Added for the customer matcher and the confirmation card; all optional.
    mention_company: str | None = None       # the company part of the mention, as written
    mention_person: str | None = None        # the person part (张总, Dr. Patel), as written
    mention_company_full: str | None = None  # long form of a known short name: 招行 -> 招商银行
    unsure: tuple[str, ...] = ()             # fields to ask about rather than state as fact
    field: str | None = None                 # edit_field: which profile field (nlu/fields.py)
    value: str | None = None                 # edit_field: the new value, as written
    happened_timed: bool = False             # happened_at has a time written, not just a day

    @property
    def lookup(self) -> str | None:
        """What to look the customer up by: the mention, with the company part added when the
        mention is the person alone ("Janet at Acme" -> "Acme Janet"), so the matcher can
        check company against company and the person against the person."""
        mention, company = self.customer_mention, self.mention_company
        if mention and company and company not in mention:
            return f"{company} {mention}"
        return mention

    def to_json_dict(self) -> dict[str, object]:
        """JSON-ready view: ISO datetimes, the amount as a decimal string."""
        def iso(at: datetime | None) -> str | None:
            return at.isoformat() if at else None

        return {
            "intent": self.intent, "customer_mention": self.customer_mention,
            "activity_type": self.activity_type, "happened_at": iso(self.happened_at),
            "follow_up_at": iso(self.follow_up_at),
            "amount": None if self.amount is None else str(self.amount),
            "currency": self.currency, "stage": self.stage, "summary": self.summary,
            "mention_company": self.mention_company, "mention_person": self.mention_person,
            "mention_company_full": self.mention_company_full, "unsure": list(self.unsure),
            **({"field": self.field, "value": self.value} if self.intent == "edit_field" else {}),
        }


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> Literal["zh", "en"]:
    cjk = len(CJK.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return "zh" if cjk and cjk * 3 >= latin else "en"


@lru_cache(maxsize=1024)
def _activity_hits(norm: str) -> tuple[tuple[int, str], ...]:
    return tuple((m.start(), kind) for kind, pattern in lex.ACTIVITY.items()
                 for m in pattern.finditer(norm))


def _activity(norm: str, near: tuple[int, int] | None = None) -> ActivityType | None:
    """The first contact the message reports; within the clause of the visit's time if one
    names it ("上个月拜访过的李行长，今天又打了个电话" is a call)."""
    hits = list(_activity_hits(norm))
    if near is not None:
        close = [h for h in hits if near[0] <= h[0] < near[1]]
        hits = close or hits
    return min(hits)[1] if hits else None  # type: ignore[return-value]


def _stage(norm: str) -> str | None:
    found = [key for key, pattern in lex.STAGES
             if pattern.search(norm) and (key != "won" or _won(norm))]
    return found[-1] if found else None  # the furthest stage the message mentions


def _won(norm: str) -> bool:
    return bool(lex.WON.search(norm)) and not lex.NOT_WON.search(norm)


def _intent(norm: str, activity: ActivityType | None, stage: str | None) -> Intent:
    """The first rule that fits, most specific first; a report of a contact outranks the asks
    that ride along with it ("见了周经理…那天提醒我催一下" is a visit with a follow-up)."""
    if lex.HELP.search(norm):
        return "help"
    reported = activity is not None and bool(lex.REPORTED.search(norm))
    if lex.REMIND.search(norm) and not reported:
        return "set_reminder"
    if lex.PIPELINE.search(norm) and not reported:
        return "show_pipeline"
    if lex.SHOW.search(norm) and (lex.QUESTION.search(norm) or not reported) and not _won(norm):
        return "show_customer"
    if _won(norm):
        return "deal_won"
    if lex.LOST.search(norm):
        return "deal_lost"
    if lex.ADVANCE.search(norm) and not reported:
        return "advance_deal"
    if activity is not None or lex.REPORTED.search(norm) or lex.SAID.search(norm):
        return "log_visit"
    if stage is not None:
        return "advance_deal"
    if lex.QUESTION.search(norm):
        return "show_customer"  # kept only if it names someone: see understand()
    return "unknown"


# Abbreviations the time grammar reads as "beginning of month / year" that in a sales note
# mean something else ("BOM成本" is the bill of materials).
_JARGON_TIMES = frozenset({"bom", "boy"})


def _jargon(found: str, text: str) -> bool:
    return found.strip().lower() in _JARGON_TIMES and found.strip() != text


_PLAN_VERB = re.compile(r"去|到|见|拜|找|约|送|寄|交|带|(?<![a-z])(?:visit|meet|see|send|call"
                        r"|email|bring|drop by)(?![a-z])")


def _about_someone(norm: str, intent: Intent, mention: Mention | None, times: Times,
                   now: datetime, money: bool) -> Intent:
    """Fallbacks once we know who and when: a note about a named customer with a time, a sum
    or a next step is a contact to log ("the Acme renewal is stuck in legal, check in again
    Dec 15"); a question or remark naming no one is chit-chat ("这周末要加班吗")."""
    # "Globex is now in negotiation": "now" is a state, not when a contact took place
    dated = times.happened not in (None, now) or times.follow_up is not None
    if intent == "show_customer" and mention is None and not lex.SHOW.search(norm):
        return "unknown"
    if mention is None or not (dated or money or FOLLOW_CUE.search(norm)):
        return intent
    if intent == "unknown" or (intent == "advance_deal" and not lex.ADVANCE.search(norm)):
        return "log_visit"
    return intent


def _plan_or_report(norm: str, intent: Intent, reported: bool, times: Times,
                    first: When | None) -> Intent:
    """A message that opens with a time ahead and reports nothing is a plan, so a reminder:
    "明天拜访华为", "重阳节拜访", "过两天再联系美的刘总", "by Friday send Acme the quote"."""
    if times.happened is not None or reported or times.follow_up is None or first is None \
            or lex.QUESTION.search(norm):  # "周五团建去哪" asks, it plans nothing
        return intent
    leads = len(norm[:first.span[0]].strip()) <= 3 or FOLLOW_CUE.match(norm.strip()) is not None
    if not leads:  # "Follow up with Acme next week" leads with the thing to do
        return intent
    if intent == "log_visit" or (intent == "unknown" and (
            FOLLOW_CUE.search(norm) or _PLAN_VERB.search(norm))) or (
            intent == "advance_deal" and not lex.ADVANCE.search(norm)):
        return "set_reminder"
    return intent


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


_MENTION_WINDOW = 400  # who a note is about is named early; pasted pages need not be read whole


def _find_mention(lang: str, norm: str, text: str,
                  spans: list[tuple[int, int]]) -> Mention | None:
    if len(text) > _MENTION_WINDOW:
        norm, text = norm[:_MENTION_WINDOW], text[:_MENTION_WINDOW]
        spans = [s for s in spans if s[0] < _MENTION_WINDOW]
    if lang == "zh" or CJK.search(norm):  # the Chinese reader knows Latin names too
        return zh_mention(norm, text, spans)
    return en_mention(text, spans)


def _reported(norm: str) -> bool:
    return bool(lex.REPORTED.search(norm) or lex.SAID.search(norm))


def _read_times(summary: str, norm: str, now: datetime, default_hour: int, amounts: list[Amount],
                intent: Intent) -> tuple[list[When], Times]:
    money_spans = [a.span for a in amounts]
    ahead = [w for w in find_whens(summary, now, default_hour)
             if not _overlaps(w.span, money_spans) and not _jargon(w.text, summary)]
    behind = find_past_whens(summary, now, default_hour)
    times = classify(norm, now, ahead, behind, lex.REMIND, intent == "set_reminder",
                     _reported(norm))
    return ahead, times


def _result(summary: str, lang: Literal["zh", "en"], intent: Intent, mention: Mention | None,
            activity: ActivityType | None, stage: str | None, times: Times,
            amounts: list[Amount]) -> Understanding:
    if intent in ("deal_won", "deal_lost"):
        stage = intent.removeprefix("deal_")
    amount = amounts[0] if amounts else None
    unsure = tuple(name for name, doubt in (
        ("customer_mention", mention is not None and not mention.sure),
        ("follow_up_at", times.follow_up is not None and not times.follow_up_sure),
    ) if doubt)
    return Understanding(
        intent=intent, customer_mention=mention.text if mention else None,
        activity_type=activity, happened_at=times.happened, follow_up_at=times.follow_up,
        amount=amount.value if amount else None, currency=amount.currency if amount else None,
        stage=stage, summary=summary, lang=lang,
        mention_company=mention.company if mention else None,
        mention_person=mention.person if mention else None,
        mention_company_full=mention.company_full if mention else None, unsure=unsure,
        happened_timed=times.happened_timed,
    )


def understand(text: str, now: datetime, default_hour: int = 9) -> Understanding:
    """Read one message. Never raises on odd input; unclear messages come back "unknown"."""
    summary = text.strip()
    edit = read_field_edit(summary)
    if edit is not None:  # 把刘洋的等级改成B: a profile change, before any reading of times
        return Understanding("edit_field", edit.who, None, None, None, None, None, None,
                             summary, detect_lang(summary), field=edit.field, value=edit.value)
    norm = normalize(summary)
    activity, stage = _activity(norm), _stage(norm)
    intent = _intent(norm, activity, stage)
    amounts: list[Amount] = find_amounts(summary)
    lang = detect_lang(summary)
    ahead, times = _read_times(summary, norm, now, default_hour, amounts, intent)
    if times.happened_span is not None and activity is not None:
        activity = _activity(norm, clause_of(norm, times.happened_span))
    mention = None
    if intent not in ("help", "show_pipeline"):
        masked = [w.span for w in ahead] + [a.span for a in amounts]
        mention = _find_mention(lang, norm, summary, masked)
    intent = _about_someone(norm, intent, mention, times, now, bool(amounts))
    intent = _plan_or_report(norm, intent, _reported(norm), times, ahead[0] if ahead else None)
    return _result(summary, lang, intent, None if intent in _NAMELESS else mention, activity,
                   stage, times, amounts)
