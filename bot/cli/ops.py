"""`main.py admin handover|import|export|forget|retention`: team operations for the operator.

The operator acts as nobody in particular: audit rows carry no user, like the other admin
commands. Output is plain English lines; a rejects file lists every refused import row.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot.bootstrap import App
from handlers.i18n import t
from handlers.services.ops import exporter, handover, importer, privacy
from handlers.services.ops.ownership import OpsError
from handlers.services.ops.tabular import TableWriter, fmt_of, read_table
from store.scope import Scope
from store.uow import UnitOfWork


async def run_ops(app: App, args: argparse.Namespace) -> int:
    now = app.clock.now()
    async with app.uows() as uow:
        try:
            code = await _dispatch(uow, args, now)
        except OpsError as err:
            print(t("en", err.key, **err.values))
            return 2
        if code == 0 and not getattr(args, "preview", False):
            await uow.commit()
        return code


async def _dispatch(uow: UnitOfWork, args: argparse.Namespace, now: Any) -> int:
    if args.action == "handover":
        return await _handover(uow, args, now)
    if args.action == "forget":
        customer = await uow.ops.customer(args.customer)
        if customer is None:
            return _fail(f"no customer {args.customer}")
        await privacy.anonymise(uow, None, customer, now)
        print(f"customer {customer.id} anonymised; deals and figures kept")
        return 0
    if await uow.users.org(args.org) is None:
        return _fail(f"no organisation with id {args.org}")
    if args.action == "retention":
        await privacy.set_retention(uow, None, args.org, args.days or None, now)
        print(f"audit log kept {args.days} days" if args.days else "audit log kept forever")
        return 0
    if args.action == "import":
        return await _import(uow, args, now)
    return await _export(uow, args)


async def _handover(uow: UnitOfWork, args: argparse.Namespace, now: Any) -> int:
    leaving = await uow.users.get(args.from_user)
    receivers = [await uow.users.get(int(i)) for i in args.to.split(",") if i.strip()]
    if leaving is None or any(r is None for r in receivers):
        return _fail("unknown user id")
    result = await handover.handover(uow, None, leaving, [r for r in receivers if r], now)
    for user_id, ids in result.customers.items():
        print(f"user {user_id}: {len(ids)} customers")
    print(f"deals {result.deals}, reminders {result.reminders}, tickets {result.tickets}")
    print(f"briefs queued: {result.briefs}")
    return 0


async def _import(uow: UnitOfWork, args: argparse.Namespace, now: Any) -> int:
    owner = await uow.users.get(args.owner) if args.owner else None
    if args.owner and (owner is None or owner.org_id != args.org):
        return _fail(f"no user {args.owner} in organisation {args.org}")
    report = await importer.import_customers(
        uow, None, args.org, owner, read_table(args.file), now,
        importer.parse_mapping(args.mapping), args.on_duplicate, args.preview,
    )  # fmt: skip
    print("columns: " + ", ".join(f"{k}←{v}" for k, v in report.mapping.items()))
    for row in report.preview:
        print("  " + json.dumps(row, ensure_ascii=False))
    verb = "would be" if args.preview else "were"
    print(f"{report.created} created, {report.merged} merged, {report.skipped} skipped ({verb})")
    if report.contacts:
        print(f"{report.contacts} contacts added to companies ({verb})")
    print(f"{len(report.rejected)} rejected")
    for number, reason, detail in report.rejected[:20]:
        print(f"  row {number}: {t('en', reason, detail=detail)}")
    if args.rejects is not None:
        writer = TableWriter(args.rejects, "csv")
        writer.append(["row", "reason", "detail"])
        for number, reason, detail in report.rejected:
            writer.append([number, t("en", reason, detail=detail), detail])
        writer.close()
    return 0


async def _export(uow: UnitOfWork, args: argparse.Namespace) -> int:
    if args.what == "customer":
        customer = await uow.ops.customer(args.customer or 0)
        if customer is None or customer.org_id != args.org:
            return _fail("--what customer needs --customer of this organisation")
        data = await privacy.export_customer(uow, customer)
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"everything about customer {customer.id} written to {args.out}")
        return 0
    owners = None
    if args.team is not None:
        owners = await uow.users.team_member_ids(args.team)
    elif args.owner is not None:
        owners = frozenset({args.owner})
    scope = exporter.narrowed(Scope(args.org, None), owners)
    rows = await exporter.export(uow, scope, args.what, TableWriter(args.out, fmt_of(args.out)))
    print(f"{rows} {args.what} written to {args.out}")
    return 0


def _fail(message: str) -> int:
    print(message)
    return 2
