"""Replies as Telegram sees them: HTML-escaped chunks of ≤ 4096 characters and inline keyboards."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.messages import Choice

log = logging.getLogger(__name__)
MAX_TEXT = 4096  # Telegram counts UTF-16 code units of the text after entity parsing
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
SHORT_LABEL = 14  # two buttons of this length still fit side by side on a phone


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """User text for parse_mode HTML: shows `<b>_*[x]` literally, never as markup."""
    return html.escape(text, quote=False)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Chunks of at most `limit`, cut at line ends; a single over-long line is cut hard."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _hard_split(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if current and utf16_len(candidate) > limit:
                chunks.append(current)
                candidate = piece
            current = candidate
    chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()] or [text[:limit] or " "]


def _hard_split(line: str, limit: int) -> list[str]:
    if utf16_len(line) <= limit:
        return [line]
    pieces, start, units = [], 0, 0
    for index, char in enumerate(line):
        width = 2 if ord(char) > 0xFFFF else 1  # astral characters take two UTF-16 units
        if units + width > limit:
            pieces.append(line[start:index])
            start, units = index, 0
        units += width
    return [*pieces, line[start:]]


def keyboard(choices: Sequence[Choice]) -> InlineKeyboardMarkup | None:
    """One or two buttons a row; the payload travels as callback data, so no cache is needed."""
    buttons = [_button(c) for c in choices if _fits(c)]
    if not buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        last = rows[-1] if rows else None
        if last and len(last) == 1 and _short(last[0].text) and _short(button.text):
            last.append(button)
        else:
            rows.append([button])
    return InlineKeyboardMarkup(rows)


def _button(choice: Choice) -> InlineKeyboardButton:
    return InlineKeyboardButton(choice.label[:64], callback_data=choice.payload)


def _short(label: str) -> bool:
    return len(label) <= SHORT_LABEL


def _fits(choice: Choice) -> bool:
    if 0 < len(choice.payload.encode()) <= MAX_CALLBACK_DATA:
        return True
    # Telegram would refuse the whole message; dropping one button keeps the rest usable.
    log.error("button payload %r exceeds %d bytes; button left out", choice.payload[:80], 64)
    return False


def chosen_text(original: str, label: str) -> str:
    """The pressed message, with what was chosen appended (and still within the limit)."""
    suffix = f"\n→ {label}"
    room = MAX_TEXT - utf16_len(suffix)
    if utf16_len(original) > room:
        original = split_text(original, room - 1)[0] + "…"
    return original + suffix


def label_of(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The label of the pressed button, read back from the message's own keyboard."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
