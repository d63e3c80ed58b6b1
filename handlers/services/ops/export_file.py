"""An export as a file to send in chat: rows streamed from the database (awaiting between
batches), the XLSX / CSV written in a worker thread (openpyxl is pure Python), so a big export
never stalls other chats. Used inline by /export and by the job that builds large ones."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from typing import Any

from handlers.i18n import add_texts
from handlers.messages import MAX_DOCUMENT, Document
from handlers.services.ops import exporter
from handlers.services.ops.tabular import TableWriter
from store.models import User
from store.scope import Scope
from store.uow import UnitOfWork

MAX_ROWS = 200_000  # beyond this a chat file is the wrong tool: the CLI writes any size
# More than this is built by a job, with a progress message first: openpyxl writes some
# 10-50k rows a second (less on a busy host), and a chat turn holds its transaction meanwhile.
INLINE_ROWS = 2_000
EXPORT_CHANNEL = "export"  # outbox rows the export job claims: one per large export
MIMES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}

add_texts(
    {
        "ex.file": (
            "📄 {name}：{rows} 行（电话已按权限脱敏）。",
            "📄 {name}: {rows} rows (phones masked as your role requires).",
        ),
        "ex.empty": (
            "📄 {name}：没有符合条件的记录，文件只有表头。",
            "📄 {name}: nothing matches, so the file has only its header row.",
        ),
        "ex.too_big": (
            "这个导出超过了聊天里能发送的大小（最多 {limit} 行、{mb} MB）。"
            "请按团队或同事缩小范围，或请管理员用命令行导出：{cli}",
            "This export is larger than a chat file can be (at most {limit} rows, {mb} MB). "
            "Narrow it to a team or a colleague, or ask an admin to run: {cli}",
        ),
    }
)


class TooMany(Exception):
    """More rows than the limit asked for: nothing was written."""


@dataclass
class _Rows:
    limit: int
    kept: list[list[Any]] = field(default_factory=list)
    rows: int = 0

    def append(self, row: list[Any]) -> None:
        if self.rows > self.limit:  # the header is row 0
            raise TooMany
        self.kept.append(row)
        self.rows += 1

    def close(self) -> None:
        pass


async def build(
    uow: UnitOfWork, scope: Scope, what: str, fmt: str, viewer: User, limit: int | None = None
) -> tuple[int, bytes]:
    """(data rows, file bytes); TooMany past `limit` (MAX_ROWS) rows or MAX_DOCUMENT bytes."""
    kept = await collect(uow, scope, what, viewer, limit)
    return len(kept) - 1, await write(kept, fmt)


async def collect(
    uow: UnitOfWork, scope: Scope, what: str, viewer: User, limit: int | None = None
) -> list[list[Any]]:
    """The header and rows (TooMany past `limit`, MAX_ROWS by default)."""
    sink = _Rows(MAX_ROWS if limit is None else limit)
    await exporter.export(uow, scope, what, sink, viewer)
    return sink.kept


async def write(rows: list[list[Any]], fmt: str) -> bytes:
    """The file, written in a worker thread; TooMany over MAX_DOCUMENT bytes."""
    data = await asyncio.to_thread(_write, rows, fmt)
    if len(data) > MAX_DOCUMENT:
        raise TooMany
    return data


def document(name: str, fmt: str, data: bytes) -> Document:
    return Document(name, data, MIMES[fmt])


def too_big_values(org_id: int, what: str) -> dict[str, Any]:
    cli = f"python main.py admin export --org {org_id} --what {what} --out {what}.xlsx"
    return {"limit": MAX_ROWS, "mb": MAX_DOCUMENT // (1024 * 1024), "cli": cli}


def _write(rows: list[list[Any]], fmt: str) -> bytes:
    buffer = io.BytesIO()
    writer = TableWriter(buffer, fmt)
    for row in rows:
        writer.append(row)
    writer.close()
    return buffer.getvalue()
