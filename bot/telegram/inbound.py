"""Telegram updates to channel-neutral InboundMessages; in groups, only what is meant for us.

A conversation is one person's, whatever chat they type in: InboundMessage.chat_id is the
sender's private chat (on Telegram its id equals the user id), so a form started in a group
continues when its private card's buttons are pressed, and identities remember a chat where
customer data may be sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from telegram import Chat, Contact, Message, MessageEntity, Update

from bot.telegram.render import label_of
from handlers.messages import Attachment, InboundMessage

CHANNEL = "telegram"
GROUP_TYPES = (Chat.GROUP, Chat.SUPERGROUP)


@dataclass(frozen=True)
class BotIdentity:
    id: int
    username: str


@dataclass(frozen=True)
class Pressed:
    """A button press: answered at once, and the pressed message shows what was chosen."""

    query_id: str
    message_id: int
    text: str | None  # None when Telegram no longer shows us the message
    label: str | None


@dataclass(frozen=True)
class Inbound:
    msg: InboundMessage
    chat_id: int  # where it was said: the private chat, or the group
    is_group: bool
    message_id: int | None = None
    pressed: Pressed | None = None


def to_inbound(update: Update, me: BotIdentity, now: datetime) -> Inbound | None:
    """The update as a message for the router, or None when it is not for us to answer."""
    if update.callback_query is not None:
        return _from_button(update, now)
    message = update.message  # edits, channel posts and member changes are not acted on
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    if message.chat.type == Chat.CHANNEL:
        return None
    is_group = message.chat.type in GROUP_TYPES
    said = message.text if message.text is not None else message.caption
    text = addressed_text(message, said, me) if is_group else _own_command(said, me)
    if text is None and (is_group or said is not None):
        return None  # not meant for us (a location alone in a private chat is)
    attachments, text = _attachments(message, text)
    user = message.from_user
    msg = InboundMessage(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(user.id),
        sent_at=message.date,
        text=text,
        message_id=str(message.message_id),
        dedupe_key=str(update.update_id),
        locale=user.language_code,
        display_name=user.full_name,
        is_group=is_group,
        attachments=attachments,
        forwarded=message.forward_origin is not None,
    )
    return Inbound(msg, message.chat.id, is_group, message.message_id)


def addressed_text(message: Message, text: str | None, me: BotIdentity) -> str | None:
    """In a group: /cmd@us, a bare /cmd, a mention of us, or a reply to us; else None."""
    if text and text.startswith("/"):
        return _own_command(text, me)
    if text and _mentions(message, me):
        return re.sub(rf"@{re.escape(me.username)}\b", "", text, flags=re.IGNORECASE).strip()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == me.id:
        return text or ""
    return None


def _own_command(text: str | None, me: BotIdentity) -> str | None:
    """`/start@us CODE` as `/start CODE` (the router reads that); None for another bot's."""
    if not text or not text.startswith("/"):
        return text
    head, sep, rest = text.partition(" ")
    command, _, target = head.partition("@")
    if target and target.lower() != me.username.lower():
        return None
    return command + sep + rest


def _mentions(message: Message, me: BotIdentity) -> bool:
    entities = message.parse_entities() or message.parse_caption_entities()
    for entity, value in entities.items():
        if entity.type == MessageEntity.MENTION and value[1:].lower() == me.username.lower():
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == me.id:
            return True
    return False


def _attachments(message: Message, text: str | None) -> tuple[tuple[Attachment, ...], str | None]:
    if message.location is not None:
        where = f"{message.location.latitude:.6f},{message.location.longitude:.6f}"
        return (Attachment("location", where),), text
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        return (Attachment("photo", largest.file_id, size=largest.file_size),), text
    if message.contact is not None:
        return _contact(message.contact)
    if message.document is not None:
        doc = message.document
        found = Attachment(
            "document", doc.file_id, name=doc.file_name, size=doc.file_size, mime=doc.mime_type
        )
        return (found,), text
    voice = message.voice or message.video_note or message.audio
    if voice is not None:  # answered with "please type it" (handlers/chat/voice.py)
        return (Attachment("voice", voice.file_id, size=voice.file_size),), text
    return (), text


def _contact(contact: Contact) -> tuple[tuple[Attachment, ...], str]:
    """A shared contact card becomes the one-line /newcustomer command."""
    name = " ".join(filter(None, (contact.first_name, contact.last_name)))
    # /newcustomer takes the words before the phone as the name, those after as the company.
    words = [name, contact.phone_number.replace(" ", "")]
    company = _vcard_org(contact.vcard)
    if company:
        words.append(company)
    attachment = Attachment("contact", contact.phone_number, label=name)
    return (attachment,), "/newcustomer " + " ".join(words)


def _vcard_org(vcard: str | None) -> str | None:
    for line in (vcard or "").splitlines():
        if line.upper().startswith("ORG"):
            company = line.partition(":")[2].replace(";", " ").strip()
            return " ".join(company.split()) or None
    return None


def _from_button(update: Update, now: datetime) -> Inbound | None:
    query = update.callback_query
    assert query is not None
    message = query.message
    if query.data is None or message is None:
        return None  # a game button, or a button under an inline-mode message: not ours
    user = query.from_user
    shown = message if isinstance(message, Message) else None
    text = shown.text if shown is not None else None
    label = label_of(shown.reply_markup if shown is not None else None, query.data)
    msg = InboundMessage(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(user.id),
        sent_at=now,
        payload=query.data,
        message_id=str(message.message_id),
        dedupe_key=str(update.update_id),
        locale=user.language_code,
        display_name=user.full_name,
        is_group=message.chat.type in GROUP_TYPES,
    )
    pressed = Pressed(query.id, message.message_id, text, label)
    return Inbound(msg, message.chat.id, msg.is_group, message.message_id, pressed)
