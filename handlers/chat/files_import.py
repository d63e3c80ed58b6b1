"""Customer import by sending a CSV or XLSX into the chat: the CLI's mapping, checks and
duplicate rules (handlers/services/ops/importer.py), as a preview, a choice and a report.

Managers and admins only: an import adds many customers at once, and the duplicate choice
(merge into existing customers) is a team decision. New customers are owned by the importer
(hand them on with /handover or the pool); merging fills in only customers the importer's
scope holds. The file is not kept between preview and choice: the conversation remembers the
attachment (a channel file id, or the console's path) and its SHA-256, and reads it again.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from dataclasses import asdict
from pathlib import PurePath

from handlers.chat.context import Ctx, UserError
from handlers.chat.ops_util import guarded, require
from handlers.chat.routes import Routes
from handlers.i18n import add_texts, t
from handlers.media import MAX_INBOUND, too_large
from handlers.messages import Attachment, Choice, Document, Reply
from handlers.services.ops import importer
from handlers.services.ops.tabular import TableWriter, read_table_bytes

TABLES = {".csv": False, ".xlsx": True, ".xlsm": True}  # suffix -> read as a workbook
STATE = "fi.choose"
SHOWN_REJECTS = 5

add_texts(
    {
        "fi.not_table": (
            "我只能导入 .csv 或 .xlsx 客户表（收到的是「{name}」）。",
            'I can import customer tables as .csv or .xlsx (this is "{name}").',
        ),
        "fi.too_big": (
            "这个文件超过 {mb} MB，无法接收。请拆成几个文件再发。",
            "That file is over {mb} MB, more than I can take. Split it and send the parts.",
        ),
        "fi.no_bytes": (
            "没能取到这个文件（可能已过期或下载失败），没有导入任何内容。请再发一次。",
            "I couldn't fetch that file (expired, or the download failed); nothing was "
            "imported. Please send it again.",
        ),
        "fi.changed": (
            "文件和预览时不一样了，没有导入任何内容。请重新发送文件。",
            "The file is not the one previewed; nothing was imported. Please send it again.",
        ),
        "fi.preview": (
            "📥 {name}：识别到的列 {columns}\n"
            "前几行：\n{rows}\n"
            "共 {new} 个新客户，{dupes} 个与已有客户重复，{rejected} 行有问题。\n"
            "新客户归你负责。重复的客户怎么处理？",
            "📥 {name}: columns {columns}\n"
            "First rows:\n{rows}\n"
            "{new} new customers, {dupes} already exist, {rejected} rows have problems.\n"
            "New customers will be yours. What should happen to the duplicates?",
        ),
        "fi.btn_merge": ("合并：补全已有客户的空字段", "Merge: fill in blanks of existing ones"),
        "fi.btn_skip": ("跳过重复的", "Skip the duplicates"),
        "fi.btn_create": ("全部新建", "Create them all as new"),
        "fi.btn_cancel": ("❌ 取消导入", "❌ Cancel the import"),
        "fi.cancelled": ("好的，没有导入任何内容。", "OK, nothing was imported."),
        "fi.pick": (
            "请选择重复客户的处理方式，或回复「取消」。",
            "Please choose what to do with the duplicates, or reply cancel.",
        ),
        "fi.done": (
            "✅ 导入完成：新建 {created}，合并 {merged}，跳过 {skipped}，拒绝 {rejected} 行。",
            "✅ Import done: {created} created, {merged} merged, {skipped} skipped, "
            "{rejected} rows rejected.",
        ),
        "fi.outside": (
            "{n} 个重复客户属于你权限之外的同事，没有改动。",
            "{n} duplicates belong to colleagues outside your scope and were left alone.",
        ),
        "fi.rejects": (
            "被拒绝的行（完整列表见附件）：\n{lines}",
            "Rejected rows (all of them in the file):\n{lines}",
        ),
        "fi.reject_line": ("第 {row} 行：{reason}", "row {row}: {reason}"),
        "fi.rep_only": (
            "导入客户表需要经理或管理员操作；请把文件发给你的经理。",
            "Importing a customer table takes a manager or an admin; send the file to yours.",
        ),
    }
)


async def on_document(ctx: Ctx, caption: str) -> list[Reply]:
    """A file sent into the chat: a customer table to preview for import."""
    if ctx.user.role not in ("manager", "admin"):
        raise UserError("fi.rep_only")
    attachment = next(a for a in ctx.msg.attachments if a.kind == "document")
    name = attachment.name or attachment.value
    if PurePath(name).suffix.lower() not in TABLES:
        raise UserError("fi.not_table", name=PurePath(name).name[:60])
    data = await _fetch(ctx, attachment)
    mapping = importer.parse_mapping(caption) if "=" in caption else {}
    report = await _run(ctx, data, name, mapping, "skip", preview=True)
    ctx.conv.end()
    digest = hashlib.sha256(data).hexdigest()
    ctx.conv.go(STATE, file=asdict(attachment), sha=digest, mapping=mapping)
    rows = "\n".join("  " + " · ".join(row.values())[:120] for row in report.preview) or "  —"
    text = ctx.t(
        "fi.preview",
        name=PurePath(name).name[:60],
        columns=", ".join(f"{k}←{v}" for k, v in report.mapping.items()),
        rows=rows,
        new=report.created,
        dupes=report.skipped,
        rejected=len(report.rejected),
    )
    return [Reply(text, _choices(ctx), private=True)]


def _choices(ctx: Ctx) -> tuple[Choice, ...]:
    return tuple(
        Choice(ctx.t(f"fi.btn_{word}"), f"fi:{word}")
        for word in ("merge", "skip", "create", "cancel")
    )


async def _fetch(ctx: Ctx, attachment: Attachment) -> bytes:
    if too_large(attachment):
        raise UserError("fi.too_big", mb=MAX_INBOUND // (1024 * 1024))
    data = await ctx.media.read(attachment)
    if data is None:
        raise UserError("fi.no_bytes")
    if len(data) > MAX_INBOUND:
        raise UserError("fi.too_big", mb=MAX_INBOUND // (1024 * 1024))
    return data


async def _run(
    ctx: Ctx, data: bytes, name: str, mapping: dict[str, str], strategy: str, preview: bool
) -> importer.ImportReport:
    """The importer over the file's rows, parsed in a worker thread (calamine, csv)."""
    xlsx = TABLES[PurePath(name).suffix.lower()]

    def parse() -> list[list[str]]:
        return list(read_table_bytes(data, xlsx))

    # Parsing a big table takes seconds: outside the transaction, keyed by the file's bytes
    key = ("table", hashlib.sha256(data).hexdigest(), xlsx)
    rows = await guarded(ctx.outside(key, lambda: asyncio.to_thread(parse)))
    return await guarded(
        importer.import_customers(
            ctx.uow, ctx.user, ctx.user.org_id, ctx.user, iter(rows), ctx.now, mapping,
            strategy, preview, ctx.scope,
        )
    )  # fmt: skip


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """fi:merge|skip|create (import with that duplicate rule) or fi:cancel."""
    require(ctx, "manager", "admin")
    word = parts[0] if parts else ""
    if ctx.conv.state != STATE or word not in (*importer.STRATEGIES, "cancel"):
        raise UserError("error.stale_button")
    if word == "cancel":
        ctx.conv.end()
        return [Reply(ctx.t("fi.cancelled"))]
    attachment = Attachment(**ctx.conv.data["file"])
    data = await _fetch(ctx, attachment)
    if hashlib.sha256(data).hexdigest() != ctx.conv.data.get("sha"):
        ctx.conv.end()
        raise UserError("fi.changed")
    name = attachment.name or attachment.value
    report = await _run(ctx, data, name, dict(ctx.conv.data.get("mapping", {})), word, False)
    ctx.conv.end()
    return _report(ctx, report, name)


def _report(ctx: Ctx, report: importer.ImportReport, name: str) -> list[Reply]:
    lines = [
        ctx.t(
            "fi.done", created=report.created, merged=report.merged, skipped=report.skipped,
            rejected=len(report.rejected),
        )
    ]  # fmt: skip
    if report.outside:
        lines.append(ctx.t("fi.outside", n=report.outside))
    if not report.rejected:
        return [Reply("\n".join(lines), private=True)]
    shown = [
        ctx.t("fi.reject_line", row=row, reason=t(ctx.lang, reason, detail=detail))
        for row, reason, detail in report.rejected[:SHOWN_REJECTS]
    ]
    lines.append(ctx.t("fi.rejects", lines="\n".join(shown)))
    stem = PurePath(name).stem[:40] or "import"
    document = Document(f"rejects-{stem}.csv", _rejects_csv(ctx, report), "text/csv")
    return [Reply("\n".join(lines), private=True, document=document)]


def _rejects_csv(ctx: Ctx, report: importer.ImportReport) -> bytes:
    buffer = io.BytesIO()
    writer = TableWriter(buffer, "csv")
    writer.append(["row", "reason", "detail"])
    for row, reason, detail in report.rejected:
        writer.append([row, t(ctx.lang, reason, detail=detail), detail])
    writer.close()
    return buffer.getvalue()


async def on_state(ctx: Ctx, _text: str) -> list[Reply]:
    """Something typed while the duplicate choice is open: ask again (cancel ends it)."""
    return [Reply(ctx.t("fi.pick"), _choices(ctx))]


def register(routes: Routes) -> None:
    routes.kinds["document"] = on_document
    routes.payloads["fi"] = on_payload
    routes.states["fi"] = on_state
