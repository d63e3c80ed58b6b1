"""Where each command, button and form step goes; features register themselves here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from handlers.chat.context import Ctx
from handlers.messages import Reply

TextHandler = Callable[[Ctx, str], Awaitable[list[Reply]]]
PayloadHandler = Callable[[Ctx, list[str]], Awaitable[list[Reply]]]


@dataclass
class Routes:
    commands: dict[str, TextHandler] = field(default_factory=dict)
    prefix_aliases: set[str] = field(default_factory=set)  # 拜访华为… : args follow directly
    payloads: dict[str, PayloadHandler] = field(default_factory=dict)
    states: dict[str, TextHandler] = field(default_factory=dict)  # keyed by "vi" of "vi.confirm"
    free_text: TextHandler | None = None
    attachments: TextHandler | None = None  # a location or photo sent without words
    # by attachment kind ("document", "voice"): taken before text, the text (a caption) as args
    kinds: dict[str, TextHandler] = field(default_factory=dict)

    def command(self, handler: TextHandler, *names: str, prefix: tuple[str, ...] = ()) -> None:
        for name in dict.fromkeys((*names, *prefix)):
            if name in self.commands:
                raise KeyError(f"command {name} registered twice")
            self.commands[name] = handler
        self.prefix_aliases.update(prefix)

    def split_command(self, text: str) -> tuple[TextHandler, str] | None:
        """The handler and its arguments, if the text is a command or a command word."""
        if text.startswith("/"):
            head, _, args = text[1:].partition(" ")
            name = "/" + head.split("@", 1)[0].lower()  # Telegram groups send /cmd@botname
            handler = self.commands.get(name)
            return (handler, args.strip()) if handler else (self.commands["/unknown"], text)
        if text in self.commands:  # 帮助, 今天: a command word alone, never a sentence's start
            return self.commands[text], ""
        for alias in sorted(self.prefix_aliases, key=len, reverse=True):
            if text.startswith(alias) and len(text) > len(alias):
                return self.commands[alias], text[len(alias) :].strip()
        return None
