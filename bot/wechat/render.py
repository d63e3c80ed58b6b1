"""Replies as WeChat text: numbered choices to answer by number, and WeChat's size limit."""

from __future__ import annotations

from typing import Any

from handlers.messages import reply_from_dict

CHOICE_LINE = {"zh": "回复 {n} {label}", "en": "Reply {n}: {label}"}
MAX_BYTES = 2000  # WeCom and OA text messages hold 2048 bytes; keep a margin


def render_body(body: dict[str, Any]) -> str:
    """An outbox body as text: its text, then its choices as numbered lines."""
    return "\n".join([str(body.get("text", "")), *choice_lines(body)])


def choice_lines(body: dict[str, Any]) -> list[str]:
    """Lines like "回复 1 确认". Numbering starts at the body's `first_choice`, so a batch split
    into rows still counts 1, 2, 3 … across it, exactly as the router maps numbers back."""
    reply = reply_from_dict(body)
    line = CHOICE_LINE.get(str(body.get("lang", "zh")), CHOICE_LINE["zh"])
    first = int(body.get("first_choice", 1))
    return [line.format(n=first + i, label=c.label) for i, c in enumerate(reply.choices)]


def split_text(text: str, limit: int = MAX_BYTES) -> list[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut between lines where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = line
        while len(current.encode()) > limit:  # one very long line: cut it by characters
            cut = len(current.encode()[:limit].decode(errors="ignore"))
            pieces.append(current[:cut])
            current = current[cut:]
    return [*pieces, current] if current or not pieces else pieces
