"""/digest (日报): the manager digest on demand; "/digest week" for the last seven days."""

from __future__ import annotations

from handlers.chat.context import Ctx
from handlers.chat.routes import Routes
from handlers.messages import Reply
from handlers.services import digest as svc
from handlers.services.digest_text import digest_reply
from handlers.services.schedule import org_schedule

WEEK_WORDS = {"week", "weekly", "7", "周", "周报", "本周"}


async def digest_command(ctx: Ctx, args: str) -> list[Reply]:
    """/digest [week]: a manager's team, an admin's whole org, a rep's own figures."""
    days = 7 if args.strip().lower() in WEEK_WORDS else 1
    org = await ctx.uow.users.org(ctx.user.org_id)
    assert org is not None
    sched = org_schedule(org, ctx.config.default_tz, ctx.config.default_lang)
    digest = await svc.for_viewer(ctx.uow, ctx.user, ctx.now, days, sched)
    return [await digest_reply(digest, ctx.lang, ctx.now)]


async def weekly_command(ctx: Ctx, _args: str) -> list[Reply]:
    """周报: the digest over the last seven days."""
    return await digest_command(ctx, "week")


def register(routes: Routes) -> None:
    routes.command(digest_command, "/digest", "日报", "digest")
    routes.command(weekly_command, "/weekly", "周报")
