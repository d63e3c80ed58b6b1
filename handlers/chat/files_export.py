"""/export (导出) in chat: customers, activities or deals as an XLSX or CSV file, within scope.

Rows stream out of the database on the event loop (awaiting between batches); the file itself
is written in a worker thread, so a big export never stalls other chats. A rep gets their own
records, a manager their team's, an admin the organisation's; phones masked as privacy.py says.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from typing import Any

from handlers.chat.context import Ctx, UserError
from handlers.chat.ops_util import colleague
from handlers.i18n import add_texts
from handlers.messages import MAX_DOCUMENT, Document, Reply
from handlers.services.audit import record
from handlers.services.ops import exporter
from handlers.services.ops.tabular import TableWriter
from store.models import User

MAX_ROWS = 200_000  # beyond this a chat file is the wrong tool: the CLI writes any size
MIMES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
WHAT = {
    "customers": "customers", "customer": "customers", "客户": "customers",
    "activities": "activities", "activity": "activities", "visits": "activities",
    "拜访": "activities", "活动": "activities", "记录": "activities",
    "deals": "deals", "deal": "deals", "商机": "deals",
}  # fmt: skip
FORMATS = {"csv": "csv", "xlsx": "xlsx", "excel": "xlsx", "表格": "xlsx"}
MINE = {"mine", "my", "own", "我的", "自己"}
TEAM_WORDS = {"team", "团队", "小组"}
OWNER_WORDS = {"owner", "负责人", "by"}

add_texts(
    {
        "ex.usage": (
            "用法：/export customers|activities|deals [团队名|同事名|我的] [csv]\n"
            "例如「/export customers」「导出 商机 East」「导出 客户 我的 csv」",
            "Usage: /export customers|activities|deals [team|colleague|mine] [csv]\n"
            'e.g. "/export customers", "/export deals East", "/export customers mine csv"',
        ),
        "ex.file": (
            "📄 {name}：{rows} 行（电话已按权限脱敏）。",
            "📄 {name}: {rows} rows (phones masked as your role requires).",
        ),
        "ex.empty": (
            "📄 {name}：没有符合条件的记录，文件只有表头。",
            "📄 {name}: nothing matches, so the file has only its header row.",
        ),
        "ex.out_of_scope": (
            "你只能导出自己权限范围内的数据（{who} 不在其中）。",
            "You can only export records within your own scope ({who} is outside it).",
        ),
        "ex.unknown_target": (
            "没有找到团队或同事「{name}」。",
            'No team or colleague called "{name}".',
        ),
        "ex.which": (
            "有几位同事符合：{names}。请写全名。",
            "Several colleagues fit: {names}. Please give the full name.",
        ),
        "ex.too_big": (
            "这个导出超过了聊天里能发送的大小（最多 {limit} 行、{mb} MB）。"
            "请按团队或同事缩小范围，或请管理员用命令行导出：{cli}",
            "This export is larger than a chat file can be (at most {limit} rows, {mb} MB). "
            "Narrow it to a team or a colleague, or ask an admin to run: {cli}",
        ),
    }
)


class _TooMany(Exception):
    pass


@dataclass
class _Rows:
    """The export's rows, kept to be written into the file off the event loop."""

    kept: list[list[Any]] = field(default_factory=list)
    rows: int = 0

    def append(self, row: list[Any]) -> None:
        if self.rows > MAX_ROWS:
            raise _TooMany
        self.kept.append(row)
        self.rows += 1

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class _Request:
    what: str
    fmt: str
    owners: frozenset[int] | None  # None: the whole scope
    label: str  # the narrowing, for the file name ("" for the whole scope)


async def export_command(ctx: Ctx, args: str) -> list[Reply]:
    """/export customers|activities|deals [team|colleague|mine] [csv]: a file in chat."""
    request = await _parse(ctx, args)
    scope = exporter.narrowed(ctx.scope, request.owners)
    sink = _Rows()
    try:
        count = await exporter.export(ctx.uow, scope, request.what, sink, ctx.user)
    except _TooMany:
        raise _too_big(ctx, request.what) from None
    data = await asyncio.to_thread(_write, sink.kept, request.fmt)
    if len(data) > MAX_DOCUMENT:
        raise _too_big(ctx, request.what)
    suffix = f"-{request.label}" if request.label else ""
    name = f"{request.what}{suffix}-{ctx.local_now():%Y%m%d}.{request.fmt}"
    after = {"what": request.what, "rows": count, "fmt": request.fmt, "narrowed": request.label}
    await record(ctx.uow, ctx.user, "data.export", ("org", ctx.user.org_id), ctx.now, None, after)
    text = ctx.t("ex.file" if count else "ex.empty", name=name, rows=count)
    document = Document(name, data, MIMES[request.fmt])
    return [Reply(text, private=True, document=document)]


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


def _too_big(ctx: Ctx, what: str) -> UserError:
    cli = f"python main.py admin export --org {ctx.user.org_id} --what {what} --out {what}.xlsx"
    return UserError("ex.too_big", limit=MAX_ROWS, mb=MAX_DOCUMENT // (1024 * 1024), cli=cli)


def _write(rows: list[list[Any]], fmt: str) -> bytes:
    """The file's bytes (runs in a worker thread: openpyxl is pure Python)."""
    buffer = io.BytesIO()
    writer = TableWriter(buffer, fmt)
    for row in rows:
        writer.append(row)
    writer.close()
    return buffer.getvalue()
