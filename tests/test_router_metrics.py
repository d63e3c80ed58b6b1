"""The Router as /metrics sees it: a handler that raises is counted as an error, a user's
mistake is not."""

from __future__ import annotations

from prometheus_client import REGISTRY

from bot.metrics import MeteredRouter
from handlers.chat.app import build_routes
from handlers.chat.context import Ctx, UserError
from handlers.messages import InboundMessage, Reply
from tests.world import Chat, World


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _message(world: World, text: str) -> InboundMessage:
    return InboundMessage(
        dedupe_key=None,
        channel="console",
        user_id="rep_a",
        chat_id="rep_a",
        sent_at=world.clock.now(),
        text=text,
        message_id=f"metrics-{text}",
        locale="zh",
        display_name="rep_a",
    )


async def test_handler_errors_are_counted_and_mistakes_are_not(
    world: World, people: dict[str, Chat]
) -> None:
    async def bug(_ctx: Ctx, _args: str) -> list[Reply]:
        raise RuntimeError("a bug in a handler")

    async def mistake(_ctx: Ctx, _args: str) -> list[Reply]:
        raise UserError("error.stale_button")

    routes = build_routes()
    routes.command(bug, "/bug")
    routes.command(mistake, "/mistake")
    router = MeteredRouter(world.uows, world.clock, world.router.config, routes)
    errors = _sample("chatcrm_handler_errors_total", channel="console")
    replied = _sample("chatcrm_updates_total", channel="console", outcome="replied")

    [apology] = await router.handle(_message(world, "/bug"))
    [explained] = await router.handle(_message(world, "/mistake"))

    assert "出了点问题" in apology.text and "按钮已经失效" in explained.text
    assert _sample("chatcrm_handler_errors_total", channel="console") == errors + 1
    assert _sample("chatcrm_updates_total", channel="console", outcome="replied") == replied + 2
