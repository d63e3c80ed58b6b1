"""WeChat's callback fields to the one InboundMessage every handler understands."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from handlers.desk.config import OA_CHANNEL
from handlers.messages import Attachment, InboundMessage

WECOM_CHANNEL = "wecom"
MAX_KEY = 128  # inbox.dedupe_key


def _field(xml: dict[str, Any], name: str) -> str:
    value = xml.get(name)
    return value.strip() if isinstance(value, str) else ""


def _base(xml: dict[str, Any], channel: str) -> dict[str, Any] | None:
    """Sender, time and dedupe key: MsgId for messages, FromUserName + CreateTime for events."""
    sender, created = _field(xml, "FromUserName"), _field(xml, "CreateTime")
    if not sender or not created.isdigit():
        return None
    msg_id = _field(xml, "MsgId") or _field(xml, "MsgID")
    # Events have no MsgId. The event and its key join FromUserName + CreateTime: a follow and
    # an unfollow in the same second are two events, not a retry, and so are a plain follow
    # and a follow through a rep's QR code (its scene is the key).
    event_key = f"{sender}:{created}:{_field(xml, 'Event').lower()}:{_field(xml, 'EventKey')}"
    if len(event_key) > MAX_KEY:  # the inbox's column; a scene may be 64 characters
        event_key = f"{sender}:{created}:{hashlib.sha256(event_key.encode()).hexdigest()}"
    return {
        "channel": channel,
        "user_id": sender,
        "chat_id": sender,
        "sent_at": datetime.fromtimestamp(int(created), UTC),
        "message_id": msg_id or None,
        "dedupe_key": msg_id or event_key,
    }


def _where(lat: str, lon: str) -> str | None:
    """"lat,lon" with six decimals, as Telegram's are written (bot/telegram/inbound.py), so a
    visit's location reads the same whichever app logged it; None for anything else."""
    try:
        x, y = float(lat), float(lon)
    except ValueError:
        return None
    if not (-90 <= x <= 90 and -180 <= y <= 180):  # also refuses nan and inf
        return None
    return f"{x:.6f},{y:.6f}"


def _size(xml: dict[str, Any]) -> int | None:
    size = _field(xml, "FileSize")
    return int(size) if size.isdigit() else None


def _voice(xml: dict[str, Any], base: dict[str, Any]) -> InboundMessage:
    """WeChat's own transcript (<Recognition>, where speech recognition is on) is the text;
    without one the voice note goes in as such, to be answered "please type it"."""
    heard = _field(xml, "Recognition")
    if heard:
        return InboundMessage(**base, text=heard)
    return InboundMessage(**base, attachments=(Attachment("voice", _field(xml, "MediaId")),))


def wecom_message(xml: dict[str, Any]) -> InboundMessage | None:
    """A rep's text, location, photo, file, voice note or menu click; None for what we
    acknowledge and ignore (enter-app and periodic location reports, unknown types)."""
    base = _base(xml, WECOM_CHANNEL)
    kind = _field(xml, "MsgType").lower()
    if base is None:
        return None
    if kind == "text":
        return InboundMessage(**base, text=_field(xml, "Content"))
    if kind == "location":
        where = _where(_field(xml, "Location_X"), _field(xml, "Location_Y"))
        label = _field(xml, "Label") or None
        if where is None:  # not a place on Earth: nothing to attach to a visit
            return None
        return InboundMessage(**base, attachments=(Attachment("location", where, label),))
    if kind == "image" and _field(xml, "MediaId"):
        return InboundMessage(**base, attachments=(Attachment("photo", _field(xml, "MediaId")),))
    if kind == "file" and _field(xml, "MediaId"):
        name = _field(xml, "FileName") or _field(xml, "Title") or None
        found = Attachment("document", _field(xml, "MediaId"), name=name, size=_size(xml))
        return InboundMessage(**base, attachments=(found,))
    if kind == "voice":
        return _voice(xml, base)
    if kind == "event" and _field(xml, "Event").lower() == "click":
        key = _field(xml, "EventKey")  # menu keys are commands ("/today") or button payloads
        if key.startswith("/"):
            return InboundMessage(**base, text=key)
        return InboundMessage(**base, payload=key) if key else None
    return None


def oa_message(xml: dict[str, Any]) -> InboundMessage | None:
    """A customer's text, voice (as its transcript), follow (with a QR scene: a binding
    code) or unfollow; else None."""
    base = _base(xml, OA_CHANNEL)
    kind = _field(xml, "MsgType").lower()
    if base is None:
        return None
    if kind == "text":
        return InboundMessage(**base, text=_field(xml, "Content"))
    if kind == "voice":
        return _voice(xml, base)
    if kind != "event":
        return None
    event = _field(xml, "Event").lower()
    if event == "subscribe":
        scene = _field(xml, "EventKey").removeprefix("qrscene_")
        return InboundMessage(**base, payload=f"subscribe:{scene}" if scene else "subscribe")
    if event == "unsubscribe":
        return InboundMessage(**base, payload="unsubscribe")
    return None
