"""Invisible control characters never reach a stored name, company, note or text.

A name typed with U+202E (right-to-left override) shows reversed in every list; U+200B
(zero-width space) makes "张三" and "张​三" two customers. One place strips them: mapper events
for rows written through the ORM, and `clean_values` for the few bulk Core inserts.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Mapper

from store.models import Activity, Customer, Deal, Reminder, Ticket

# Bidi embeddings, overrides and isolates, marks, zero-width characters, word joiner, BOM,
# invisible operators, and C0/C1 controls other than tab and newline.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\u180e\ufeff"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)

FIELDS: dict[type[Any], tuple[str, ...]] = {
    Customer: ("name", "company", "title", "notes", "address", "industry", "source", "tags",
               "email", "wechat", "search_key"),
    Activity: ("summary", "outcome", "next_step", "location"),
    Deal: ("title", "close_reason"),
    Reminder: ("text",),
    Ticket: ("text",),
}


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def clean_values(model: type[Any], values: dict[str, Any]) -> dict[str, Any]:
    """A Core insert's values with the model's text fields cleaned."""
    fields = FIELDS.get(model, ())
    return {k: strip_invisible(v) if k in fields and isinstance(v, str) else v
            for k, v in values.items()}


def _clean_target(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    for name in FIELDS.get(type(target), ()):
        value = getattr(target, name, None)
        if isinstance(value, str):
            cleaned = strip_invisible(value)
            if cleaned != value:
                setattr(target, name, cleaned)


for _model in FIELDS:
    event.listen(_model, "before_insert", _clean_target)
    event.listen(_model, "before_update", _clean_target)
