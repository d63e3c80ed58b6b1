"""Large chat exports, built here rather than in the message's own turn: /export queued an
outbox row on the "export" pseudo-channel and said it is on its way; this job claims such rows
(a lease, so one instance builds each), builds the file within the user's scope as it is now,
and queues it to the chat the request came from."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from handlers.i18n import t
from handlers.messages import Reply, reply_to_dict
from handlers.services.access import scope_for
from handlers.services.ops import export_file, exporter
from jobs.context import JobContext
from store.models import OutboxEntry

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)  # a 200,000-row XLSX takes well under this
BATCH = 2


async def run_exports(ctx: JobContext) -> int:
    """Build the exports waiting; how many were taken."""
    async with ctx.uow() as uow:
        rows = await uow.outbox.claim(
            ctx.now(), BATCH, LEASE, (export_file.EXPORT_CHANNEL,), holder=ctx.instance
        )
        await uow.commit()
    for row in rows:
        await _build(ctx, row)
    return len(rows)


async def _build(ctx: JobContext, row: OutboxEntry) -> None:
    """Rows read in one transaction, the file written outside any (it takes seconds, and a
    SQLite transaction would hold every writer back meanwhile), the result queued in another."""
    body: dict[str, Any] = row.body
    what, fmt, name = str(body["what"]), str(body["fmt"]), str(body["name"])
    async with ctx.uow() as uow:
        user = await uow.users.get(int(body["user_id"]))
        if user is None or not user.active:  # left meanwhile: nothing to send
            await uow.outbox.mark_failed(row.id, "the user is gone", ctx.instance)
            await uow.commit()
            return
        owners = body.get("owners")
        scope = await scope_for(uow, user)
        scope = exporter.narrowed(scope, frozenset(owners) if owners is not None else None)
        try:
            kept: list[list[Any]] | None = await export_file.collect(uow, scope, what, user)
        except export_file.TooMany:
            kept = None
    try:
        data = await export_file.write(kept, fmt) if kept is not None else None
    except export_file.TooMany:
        data = None
    if data is None or kept is None:
        text = t(user.lang, "ex.too_big", **export_file.too_big_values(user.org_id, what))
        reply = Reply(text)
    else:
        count = len(kept) - 1
        text = t(user.lang, "ex.file" if count else "ex.empty", name=name, rows=count)
        reply = Reply(text, private=True, document=export_file.document(name, fmt, data))
    async with ctx.uow() as uow:
        out = {**reply_to_dict(reply), "lang": user.lang}
        key = f"{row.idempotency_key}:file"
        await uow.outbox.enqueue(str(body["channel"]), str(body["to"]), out, key, ctx.now())
        await uow.outbox.mark_sent(row.id, None, ctx.instance)
        await uow.commit()
    log.info("export %s built for user %s", row.id, user.id)
