"""Channel-neutral message types: every adapter builds an InboundMessage and renders Replies."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

AttachmentKind = Literal["location", "photo", "contact", "document", "voice"]
MAX_DOCUMENT = 20 * 1024 * 1024  # a file we send or take: Telegram bots download ≤ 20 MB, WeCom
# files are ≤ 20 MB; the outbox row carries it base64-encoded (a third more)


@dataclass(frozen=True)
class Attachment:
    """Something sent along with a message: a location, a photo or document or voice note (the
    channel's file id; the console's local path), or a contact card. Read a file's bytes with
    `ctx.media.read(attachment)` (handlers/media.py)."""

    kind: AttachmentKind
    value: (
        str  # "lat,lon" for a location, the channel's file id for a photo, a phone for a contact
    )
    label: str | None = None
    name: str | None = None  # a document's file name, as the sender saw it
    size: int | None = None  # bytes, when the channel says before downloading
    mime: str | None = None


@dataclass(frozen=True)
class InboundMessage:
    """One message or button press from a chat user, the same shape on every channel."""

    channel: str
    user_id: str
    chat_id: str
    sent_at: datetime
    text: str | None = None
    payload: str | None = None  # button data; set instead of text when a choice was tapped
    message_id: str | None = None
    dedupe_key: str | None = None  # update_id / MsgId: a redelivered message is ignored
    locale: str | None = None
    display_name: str | None = None
    is_group: bool = False
    attachments: tuple[Attachment, ...] = ()
    # When we received it (sent_at is the sender's clock); set by adapters that handle a
    # message later than they accept it (WeChat's durable inbox). None: handled at once.
    received_at: datetime | None = None
    forwarded: bool = False  # someone else's words passed on: never the sender's own report


@dataclass(frozen=True)
class Choice:
    """A button: what the user sees and the short payload (≤ 64 bytes) that comes back."""

    label: str
    payload: str


@dataclass(frozen=True)
class Document:
    """A file sent with a reply (an export, a rejects report): sent as a file where the channel
    can, written to the media folder on the console."""

    filename: str
    data: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """What the bot says back; rich parts degrade to text on channels without them."""

    text: str
    choices: tuple[Choice, ...] = ()
    image_png: bytes | None = None
    private: bool = False  # holds customer data: never post it where other people read
    document: Document | None = None  # at most MAX_DOCUMENT bytes


# Channels that show choices as buttons (a press sends the payload). Everywhere else they are
# numbered lines, and the chat's next typed number picks one.
BUTTON_CHANNELS = frozenset({"telegram"})


def numbered_choices(replies: Sequence[Reply]) -> list[Choice]:
    """All choices of a batch of replies in display order; number N picks item N-1."""
    return [choice for reply in replies for choice in reply.choices]


def reply_to_dict(reply: Reply) -> dict[str, object]:
    """A reply as JSON for the outbox; images and documents travel base64-encoded."""
    body: dict[str, object] = {"text": reply.text, "private": reply.private}
    if reply.choices:
        body["choices"] = [[c.label, c.payload] for c in reply.choices]
    if reply.image_png is not None:
        body["image_png"] = base64.b64encode(reply.image_png).decode()
    if reply.document is not None:
        doc = reply.document
        data = base64.b64encode(doc.data).decode()
        body["document"] = {"filename": doc.filename, "mime": doc.mime, "data": data}
    return body


def reply_from_dict(body: dict[str, object]) -> Reply:
    choices = body.get("choices") or []
    assert isinstance(choices, list)
    image = body.get("image_png")
    doc = body.get("document")
    document = None
    if isinstance(doc, dict):
        data = base64.b64decode(str(doc["data"]))
        document = Document(str(doc["filename"]), data, str(doc.get("mime") or ""))
    return Reply(
        text=str(body.get("text", "")),
        choices=tuple(Choice(str(label), str(payload)) for label, payload in choices),
        image_png=base64.b64decode(str(image)) if image else None,
        private=bool(body.get("private", False)),
        document=document,
    )
