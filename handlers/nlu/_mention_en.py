"""Who an English message is about: "Janet at Acme", "Hooli's Gavin", "Dr. Patel", "sarah @ hooli".

Capitalised runs of words are names; a lower-case one counts after a contact verb or before a
deal word. A person linked to a company (at / from / @ / "(Acme)") is looked up by the person,
the company rides along in Mention.company.
"""

from __future__ import annotations

import re

from . import _names as names
from ._mention import Mention

__all__ = ["en_mention"]

_EN_WORD = re.compile(
    r"(?:(?i:mr|ms|mrs|dr|prof)\.?\s+)?[A-Za-z][A-Za-z0-9_&'’-]*(?:\.(?=[A-Za-z0-9]))?")
_COMPETITOR_EN = re.compile(r"(?:went with|going with|chose|picked|lost to|switched to|"
                            r"signed with|选了|输给了?)\s+(?:the\s+)?$")
_AFTER_VERB = re.compile(
    r"(?:(?:\b(?:met|meet|visited|visit|called|call|phoned|emailed|email|texted|text|messaged|"
    r"with|to|at|from|show|find|check|lookup|look up|about|on|ping|spoke|saw|lost|won|closed"
    r"|latest on)|w/|@|\()\s*)$"
)
# "Janet from procurement at Acme": a department between a person and the company.
_DEPT_EN = (r"(?:the\s+)?(?:procurement|purchasing|finance|legal|it|engineering|sales|marketing"
            r"|hr|ops|operations|accounting|ap|security|product)(?:\s+team)?")
_LINK_EN = re.compile(
    rf"(?i)\s*(?:(?:from|at|@|of|\(|-)\s*{_DEPT_EN}\s+)?(?:from|at|@|of|\(|-)\s*")


# "hooli deal lost", "initech signed!": a lower-case name before a deal word or a deal verb
_DEAL_AFTER = re.compile(
    r"(?i)\s*(?:\s(?:deal|account|opportunity|opp|project|contract|renewal|po)\b"
    r"|\s(?:signed|wants|needs|went with|chose|picked|passed|approved|paid|ghosted)\b)")


def _en_phrases(text: str, masked: str) -> list[tuple[int, int, bool]]:
    """(start, end, capitalised) runs of name-like words, in text order."""
    phrases: list[tuple[int, int, bool]] = []
    for m in _EN_WORD.finditer(masked):
        word = m[0]
        low = word.lower().rstrip(".").removesuffix("'s").removesuffix("’s")
        titled = low.split()[0].rstrip(".") in ("mr", "ms", "mrs", "dr", "prof") and " " in word
        capital = word[0].isupper() or titled
        if (low in names.EN_STOP and not titled) or len(low) < 2 or low.isdigit() or (
                word.isupper() and low in names.LATIN_JARGON) or (
                word.endswith(("ed", "ing")) and not capital):
            continue
        if not capital and not _AFTER_VERB.search(masked[:m.start()].lower()) \
                and not _DEAL_AFTER.match(masked, m.end()):
            continue
        if capital and m.start() == _sentence_start(masked, m.start()) and \
                low.endswith(("ed", "ing")) and not titled:
            continue
        end = m.end() - (2 if word.endswith(("'s", "’s")) else 0)
        if phrases and capital and phrases[-1][2] and masked[phrases[-1][1]:m.start()] == " " \
                and masked[phrases[-1][1] - 2:phrases[-1][1]] not in ("'s", "’s"):
            phrases[-1] = (phrases[-1][0], end, True)
        else:
            phrases.append((m.start(), end, capital))
    return phrases


_CORPORATE = re.compile(
    r"(?i)\b(?:inc|corp|corporation|industries|enterprises?|ent|group|ltd|llc|co|bank|systems"
    r"|technologies|tech|labs|holdings|partners|hq|international|solutions|software)\.?$"
)


def _sentence_start(text: str, pos: int) -> int:
    head = text[:pos].rstrip()
    return pos if not head or head[-1] in ".!?:;'\"" else -1


def _linked(masked: str, phrases: list[tuple[int, int, bool]]) -> bool:
    """ "sarah @ hooli", "janet (acme)": a lower-case name tied to another by at / @ / (."""
    return len(phrases) > 1 and bool(
        re.fullmatch(r"\s*(?:from|at|@|of|\(|-)\s*", masked[phrases[0][1]:phrases[1][0]], re.I))


def en_mention(text: str, masked_spans: list[tuple[int, int]]) -> Mention | None:
    chars = list(text)
    for start, end in masked_spans:
        chars[start:end] = " " * (end - start)
    masked = "".join(chars)
    phrases = [p for p in _en_phrases(text, masked)
               if not _COMPETITOR_EN.search(masked[:p[0]].lower())]
    capitalised = [p for p in phrases if p[2]]
    if capitalised and not phrases[0][2] and not _linked(masked, phrases):
        phrases = capitalised  # "check whether Initech paid": the capitalised name wins
    if not phrases:
        return None
    first = phrases[0]
    start, end = first[0], first[1]
    person = company = None
    if len(phrases) > 1:
        nxt = phrases[1]
        gap = masked[end:nxt[0]]
        if _LINK_EN.fullmatch(gap):
            person, company = (start, end), nxt[:2]  # "Janet at Acme": Janet is looked up
        elif text[end:end + 2] in ("'s", "’s") and gap.strip() in ("'s", "’s"):
            company, person = (start, end), nxt[:2]
            end = nxt[1]
    if person is None and company is None:  # one name alone: say which only when it shows
        if re.match(r"(?:mr|ms|mrs|dr|prof)\b", text[start:end], re.I):
            person = (start, end)
        elif _CORPORATE.search(text[start:end]) or text[end:end + 2] in ("'s", "’s"):
            company = (start, end)
    return Mention(text[start:end], text[company[0]:company[1]] if company else None,
                   text[person[0]:person[1]] if person else None, None, True)
