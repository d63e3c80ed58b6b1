"""Callback bodies as WeChat sends them, or a clean refusal: size-capped, entity-free XML."""

from __future__ import annotations

import re
from typing import Any

import xmltodict
from starlette.requests import Request

MAX_BODY = 64 * 1024  # WeChat's callbacks are a few KB; anything near this is not WeChat
_CDATA = re.compile(r"<!\[CDATA\[.*?\]\]>", re.DOTALL)


class Rejected(Exception):
    """A callback to refuse with this HTTP status, before anything is stored."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


async def read_body(request: Request, limit: int = MAX_BODY) -> str:
    """The body as text; stops reading as soon as it is over the limit (413)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Rejected(413, "body too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Rejected(413, "body too large")
        chunks.append(chunk)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, "body is not UTF-8") from None


def parse_xml(text: str) -> dict[str, Any]:
    """The <xml> element as a dict. Declarations (DOCTYPE, ENTITY: billion laughs, XXE) are
    refused outright rather than trusted to the parser; WeChat never sends them."""
    if "<!" in _CDATA.sub("", text):
        raise Rejected(400, "XML declarations are not accepted")
    try:
        parsed = xmltodict.parse(text, disable_entities=True)
    except Exception:  # expat's errors, or no root element at all
        raise Rejected(400, "malformed XML") from None
    root = parsed.get("xml") if isinstance(parsed, dict) else None
    if not isinstance(root, dict):
        raise Rejected(400, "no <xml> element")
    return root
