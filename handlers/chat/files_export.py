"""/export (导出) in chat: customers, activities or deals as an XLSX or CSV file, within scope.

A rep gets their own records, a manager their team's, an admin the organisation's; phones
masked as privacy.py says. The file is built off the event loop (services/ops/export_file.py);
one of more than INLINE_ROWS rows is handed to the export job with a progress message.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.chat.context import Ctx, UserError
from handlers.chat.ops_util import colleague
from handlers.i18n import add_texts
from handlers.messages import Reply
from handlers.services.audit import record
from handlers.services.ops import export_file, exporter
from store.models import User

WHAT = {
    "customers": "customers", "customer": "customers", "客户": "customers",
    "activities": "activities", "activity": "activities", "visits": "activities",
    "拜访": "activities", "活动": "activities", "记录": "activities",
    "deals": "deals", "deal": "deals", "商机": "deals",
    "contacts": "contacts", "contact": "contacts", "联系人": "contacts",
}  # fmt: skip
FORMATS = {"csv": "csv", "xlsx": "xlsx", "excel": "xlsx", "表格": "xlsx"}
MINE = {"mine", "my", "own", "我的", "自己"}
TEAM_WORDS = {"team", "团队", "小组"}
OWNER_WORDS = {"owner", "负责人", "by"}

add_texts(
    {
        "ex.usage": (
            "用法：/export customers|activities|deals|contacts [团队名|同事名|我的] [csv]\n"
            "例如「/export customers」「导出 商机 East」「导出 客户 我的 csv」",
            "Usage: /export customers|activities|deals|contacts [team|colleague|mine] [csv]\n"
            'e.g. "/export customers", "/export deals East", "/export customers mine csv"',
        ),
        "ex.out_of_scope": (
            "你只能导出自己权限范围内的数据（{who} 不在其中）。",
            "You can only export records within your own scope ({who} is outside it).",
        ),
        "ex.unknown_target": (
            "没有找到团队或同事「{name}」。",
            'No team or colleague called "{name}".',
        ),
        "ex.building": (
            "⏳ {name} 数据较多，正在后台生成，好了马上发给你。",
            "⏳ {name} is a big one: building it now, I'll send it here when it's ready.",
        ),
        "ex.which": (
            "有几位同事符合：{names}。请写全名。",
            "Several colleagues fit: {names}. Please give the full name.",
        ),
    }
)


@dataclass(frozen=True)
class _Request:
    what: str
    fmt: str
    owners: frozenset[int] | None  # None: the whole scope
    label: str  # the narrowing, for the file name ("" for the whole scope)


async def export_command(ctx: Ctx, args: str) -> list[Reply]:
    """/export customers|activities|deals [team|colleague|mine] [csv]: a file in chat; a
    large one is built by the export job (jobs/exports.py) after a progress message."""
    request = await _parse(ctx, args)
    scope = exporter.narrowed(ctx.scope, request.owners)
    suffix = f"-{request.label}" if request.label else ""
    name = f"{request.what}{suffix}-{ctx.local_now():%Y%m%d}.{request.fmt}"
    after = {"what": request.what, "fmt": request.fmt, "narrowed": request.label}
    try:
        count, data = await export_file.build(
            ctx.uow, scope, request.what, request.fmt, ctx.user, export_file.INLINE_ROWS
        )
    except export_file.TooMany:
        await _defer(ctx, request, name)
        await record(ctx.uow, ctx.user, "data.export", ("org", ctx.user.org_id), ctx.now,
                     None, {**after, "deferred": True})  # fmt: skip
        return [Reply(ctx.t("ex.building", name=name), private=True)]
    await record(ctx.uow, ctx.user, "data.export", ("org", ctx.user.org_id), ctx.now,
                 None, {**after, "rows": count})  # fmt: skip
    text = ctx.t("ex.file" if count else "ex.empty", name=name, rows=count)
    return [Reply(text, private=True, document=export_file.document(name, request.fmt, data))]


async def _defer(ctx: Ctx, request: _Request, name: str) -> None:
    """Queue the export for the job; it answers in this chat (its channel, this person)."""
    body = {
        "user_id": ctx.user.id, "what": request.what, "fmt": request.fmt, "name": name,
        "owners": sorted(request.owners) if request.owners is not None else None,
        "channel": ctx.msg.channel, "to": ctx.msg.chat_id,
    }  # fmt: skip
    key = f"export:{ctx.user.id}:{ctx.now.isoformat()}:{ctx.msg.dedupe_key or ctx.msg.message_id}"
    await ctx.uow.outbox.enqueue(export_file.EXPORT_CHANNEL, str(ctx.user.id), body, key, ctx.now)


async def _parse(ctx: Ctx, args: str) -> _Request:
    words = args.split()
    what = WHAT.get(words[0].lower()) if words else None
    if what is None:
        raise UserError("ex.usage")
    rest = [w for w in words[1:] if w.lower() not in FORMATS]
    fmt = next((FORMATS[w.lower()] for w in words[1:] if w.lower() in FORMATS), "xlsx")
    if rest and rest[0].lower() in TEAM_WORDS | OWNER_WORDS:
        kind, rest = rest[0].lower(), rest[1:]
    else:
        kind = ""
    target = " ".join(rest)
    if not target:
        return _Request(what, fmt, None, "")
    owners, label = await _owners(ctx, target, kind)
    allowed = ctx.scope.owner_ids
    if allowed is not None and not owners <= allowed:
        raise UserError("ex.out_of_scope", who=target[:30])
    return _Request(what, fmt, owners, label)


async def _owners(ctx: Ctx, target: str, kind: str) -> tuple[frozenset[int], str]:
    """The owners a narrowing names: me, a team (by name), or a colleague."""
    if target.lower() in MINE:
        return frozenset({ctx.user.id}), "mine"
    if kind not in OWNER_WORDS:
        for team in await ctx.uow.users.teams(ctx.user.org_id):
            if team.name.casefold() == target.casefold():
                return await ctx.uow.users.team_member_ids(team.id), _safe(team.name)
    if kind in TEAM_WORDS:
        raise UserError("ex.unknown_target", name=target[:30])
    user = await _colleague(ctx, target)
    return frozenset({user.id}), _safe(user.name)


async def _colleague(ctx: Ctx, target: str) -> User:
    """By full name or #id, else by one word of the name ("Emily" for Emily Chen) when
    exactly one colleague has it; several are named back, never guessed between."""
    try:
        return await colleague(ctx, target)
    except UserError:
        pass
    wanted = target.casefold()
    users = await ctx.uow.users.in_org(ctx.user.org_id)
    found = [u for u in users if wanted in u.name.casefold().split()]
    if len(found) == 1:
        return found[0]
    if found:
        names = (
            "、".join(u.name for u in found)
            if ctx.lang == "zh"
            else ", ".join(u.name for u in found)
        )
        raise UserError("ex.which", names=names)
    raise UserError("ex.unknown_target", name=target[:30])


def _safe(name: str) -> str:
    """A name as part of a file name: letters, digits and CJK kept, the rest dashes."""
    return "".join(c if c.isalnum() else "-" for c in name)[:30]
