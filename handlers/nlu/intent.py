"""Understand one rep message: what they want, about whom, when, how much, which stage.

Keyword rules, not a model: a rep's messages are short and formulaic, the rules are
predictable, and they run in well under a millisecond with no start-up cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from . import _lexicon as lex
from ._text import CJK, normalize
from .amount import Amount, find_amounts
from .when import When, find_past_whens, find_whens

__all__ = ["ActivityType", "Intent", "Understanding", "understand"]

Intent = Literal["log_visit", "set_reminder", "show_customer", "deal_won", "deal_lost",
                 "advance_deal", "show_pipeline", "help", "unknown"]
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
        }


def detect_lang(text: str) -> Literal["zh", "en"]:
    cjk = len(CJK.findall(text))
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    return "zh" if cjk and cjk * 3 >= latin else "en"


def _activity(norm: str) -> ActivityType | None:
    hits = [(m.start(), kind) for kind, pattern in lex.ACTIVITY.items()
            if (m := pattern.search(norm))]
    return min(hits)[1] if hits else None  # type: ignore[return-value]


def _stage(norm: str) -> str | None:
    found = [key for key, pattern in lex.STAGES if pattern.search(norm)]
    return found[-1] if found else None  # the furthest stage the message mentions


def _intent(norm: str, activity: ActivityType | None, stage: str | None) -> Intent:
    if lex.HELP.search(norm):
        return "help"
    if lex.REMIND.search(norm):
        return "set_reminder"
    if lex.WON.search(norm):
        return "deal_won"
    if lex.LOST.search(norm):
        return "deal_lost"
    if lex.PIPELINE.search(norm):
        return "show_pipeline"
    if lex.ADVANCE.search(norm):
        return "advance_deal"
    if activity is not None:
        return "log_visit"
    if stage is not None:
        return "advance_deal"
    if lex.SHOW.search(norm):
        return "show_customer"
    return "unknown"


def _mask(norm: str, spans: list[tuple[int, int]]) -> str:
    chars = list(norm)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _zh_mention(norm: str, text: str, spans: list[tuple[int, int]]) -> str | None:
    masked = lex.NOT_NAME_ZH.sub(lambda m: " " * len(m[0]), _mask(norm, spans))
    runs = [m for m in re.finditer(r"[\u4e00-\u9fffa-z0-9&'.·-]+", masked)
            if len(m[0]) >= 2 or CJK.match(m[0])]
    runs = [m for m in runs if not m[0].isdigit() and len(m[0]) <= 16]
    titled = [m for m in runs if lex.TITLE_ZH.search(m[0])]
    pool = titled or [m for m in runs if len(m[0]) >= 2]
    if not pool:
        return None
    best = pool[0]
    start = best.start()
    before = [m for m in runs if m.end() == start - 1 and norm[m.end()] == "的"]
    if before:  # "腾讯的陈姐": keep the company, it tells two 陈姐 apart
        start = before[0].start()
    return text[start:best.end()]


_EN_NAME = re.compile(
    r"(?:\b(?:mr|ms|mrs|dr|prof)\.?\s+)?[a-z][\w&.-]*(?:'s)?(?:\s+[a-z][\w&.-]*(?:'s)?){0,3}"
)


def _en_mention(norm: str, text: str, spans: list[tuple[int, int]]) -> str | None:
    masked = _mask(norm, spans)
    capitalised = re.finditer(r"(?:\b(?:Mr|Ms|Mrs|Dr|Prof)\.?\s+)?[A-Z][\w&-]*(?:'s)?"
                              r"(?:\s+[A-Z][\w&-]*(?:'s)?)*", _mask(text, spans))
    for m in capitalised:
        words = [w for w in m[0].split() if w.lower().strip(".") not in lex.EN_STOP
                 or w.lower() in lex.EN_TITLES]
        if words and not all(w.lower().strip(".") in lex.EN_STOP for w in words):
            phrase = " ".join(words)
            start = text.find(phrase, m.start())
            return text[start:start + len(phrase)] if start >= 0 else phrase
    after_verb = re.search(r"\b(?:met|meet|visited|visit|called|call|phoned|emailed|email|"
                           r"messaged|texted|with|to|show|find|check|lookup|look up|about)\s+"
                           r"(?P<name>[a-z][\w&'.-]*(?:\s+[a-z][\w&'.-]*)?)", masked)
    if after_verb:
        words = [w for w in after_verb["name"].split() if w not in lex.EN_STOP]
        if words and after_verb["name"].split()[0] not in lex.EN_STOP:
            start = after_verb.start("name")
            return text[start:start + len(" ".join(words))]
    return None


def _classify_times(norm: str, now: datetime, intent: Intent, ahead: list[When],
                    behind: list[When]) -> tuple[datetime | None, datetime | None]:
    """(happened_at, follow_up_at): a follow-up cue or a future date makes a follow-up.

    `ahead` and `behind` are the same expressions read forwards and backwards in time; where
    they differ (a bare weekday, a yearless date) a logged visit takes the backward reading.
    """
    past_by_span = {w.span: w for w in behind}
    happened: datetime | None = None
    follow: datetime | None = None
    for w in ahead:
        back = past_by_span.get(w.span, w)
        cue = lex.FOLLOW_UP_CUE.search(_clause_around(norm, w.span)) is not None
        future = w.start.date() > now.date() or (w.has_time and w.start > now)
        ambiguous = back.start != w.start
        if intent == "set_reminder" or cue or (future and not ambiguous) or (
                ambiguous and intent != "log_visit"):
            follow = follow or w.start
        else:
            happened = happened or back.start
    return happened, follow


def _clause_around(norm: str, span: tuple[int, int]) -> str:
    """A few characters either side of span, not crossing a clause boundary."""
    left = _CLAUSE.split(norm[max(0, span[0] - 14):span[0]])[-1]
    right = _CLAUSE.split(norm[span[1]:span[1] + 10])[0]
    return left + " " + right


_CLAUSE = re.compile(r"[,，。;；!！?？\n]")


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def understand(text: str, now: datetime, default_hour: int = 9) -> Understanding:
    """Read one message. Never raises on odd input; unclear messages come back "unknown"."""
    summary = text.strip()
    norm = normalize(summary)
    lang = detect_lang(summary)
    activity, stage = _activity(norm), _stage(norm)
    intent = _intent(norm, activity, stage)
    amounts: list[Amount] = find_amounts(summary)
    money_spans = [a.span for a in amounts]
    ahead = [w for w in find_whens(summary, now, default_hour)
             if not _overlaps(w.span, money_spans)]
    behind = find_past_whens(summary, now, default_hour)
    happened, follow = _classify_times(norm, now, intent, ahead, behind)
    time_spans = [w.span for w in ahead] + money_spans
    mention = None
    if intent not in _NAMELESS:
        finder = _zh_mention if lang == "zh" else _en_mention
        mention = finder(norm, summary, time_spans)
    if intent == "deal_won":
        stage = "won"
    elif intent == "deal_lost":
        stage = "lost"
    amount = amounts[0] if amounts else None
    return Understanding(
        intent=intent, customer_mention=mention, activity_type=activity,
        happened_at=happened, follow_up_at=follow,
        amount=amount.value if amount else None, currency=amount.currency if amount else None,
        stage=stage, summary=summary, lang=lang,
    )
