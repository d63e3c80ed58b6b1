"""Voice notes: we don't transcribe them, so say so instead of staying silent.

The Official Account's own speech recognition (<Recognition>) arrives as text already
(bot/wechat/inbound.py); every other voice note gets this answer, and a form in progress
stays as it was.
"""

from __future__ import annotations

from handlers.chat.context import Ctx
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Reply

add_texts(
    {
        "voice.type_it": (
            "🎤 我还听不懂语音，请把内容打字发给我（可以用输入法的语音转文字）。",
            "🎤 I can't listen to voice messages yet. Please type it (your keyboard's "
            "dictation works too).",
        ),
    }
)


async def on_voice(ctx: Ctx, _text: str) -> list[Reply]:
    """A voice note: ask for it in writing."""
    return [Reply(ctx.t("voice.type_it"))]


def register(routes: Routes) -> None:
    routes.kinds["voice"] = on_voice
