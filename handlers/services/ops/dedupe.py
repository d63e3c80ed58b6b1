"""Likely duplicates (same phone, same email, same-sounding name at a similar company) and
reversible merges: every moved row id is kept in a MergeLog so undo puts each one back."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

from handlers.services.audit import record, snapshot
from handlers.services.ops.ownership import OpsError, log_change
from store.models import Customer, MergeLog, User
from store.repos.ops_data import CUSTOMER_CHILDREN
from store.scope import Scope
from store.uow import UnitOfWork

FILLABLE = (
    "phone", "phone2", "email", "wechat", "company", "title", "address", "industry", "source",
    "notes", "tags",
)  # fmt: skip
SIMILAR_COMPANY = 80


@dataclass(frozen=True)
class DupPair:
    keep: int
    other: int
    reason: str  # phone / email / name


async def find_duplicates(uow: UnitOfWork, scope: Scope, limit: int = 20) -> list[DupPair]:
    """Pairs among the visible customers, the older record kept; strongest evidence first."""
    pairs: dict[tuple[int, int], str] = {}
    for reason in ("phone", "email"):
        for group in await uow.ops.same_value_groups(scope, reason):
            for other in group[1:]:
                pairs.setdefault((group[0], other), reason)
    for keep, other in _similar_names(await uow.ops.name_rows(scope)):
        pairs.setdefault((keep, other), "name")
    return [DupPair(k, o, r) for (k, o), r in list(pairs.items())[:limit]]


def _similar_names(rows: list[tuple[int, str, str | None, str]]) -> list[tuple[int, int]]:
    """Same name by sound (张三 / 张叁 / zhang san), and companies that do not disagree."""
    blocks: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for cid, name, company, _ in rows:
        sound = "".join(lazy_pinyin(name)).replace(" ", "").lower()
        blocks[sound].append((cid, (company or "").strip()))
    found = []
    for members in blocks.values():
        for i, (keep, company) in enumerate(members):
            for other, other_company in members[i + 1 :]:
                if not company or not other_company or _same_firm(company, other_company):
                    found.append((keep, other))
    return found


def _same_firm(a: str, b: str) -> bool:
    return fuzz.partial_ratio(a.casefold(), b.casefold()) >= SIMILAR_COMPANY


async def merge(
    uow: UnitOfWork, actor: User, kept: Customer, merged: Customer, now: datetime
) -> MergeLog:
    """Move every activity, deal, reminder, ticket … of `merged` onto `kept`; hide `merged`."""
    if kept.id == merged.id or kept.org_id != merged.org_id or merged.merged_into_id:
        raise OpsError("dup.bad_pair")
    moved = {kind: await uow.ops.child_ids(kind, merged.id) for kind in CUSTOMER_CHILDREN}
    for kind, ids in moved.items():
        await uow.ops.repoint(kind, ids, kept.id)
    kept_before = snapshot(kept, (*FILLABLE, "last_contact_at"))
    for name in FILLABLE:
        if not getattr(kept, name) and getattr(merged, name):
            setattr(kept, name, getattr(merged, name))
    if merged.last_contact_at and (
        kept.last_contact_at is None or kept.last_contact_at < merged.last_contact_at
    ):
        kept.last_contact_at = merged.last_contact_at
    snap = snapshot(merged, ("owner_id", "pool_team_id", "pooled_at")) | {"kept": kept_before}
    old_owner = merged.owner_id
    merged.merged_into_id, merged.owner_id, merged.updated_at = kept.id, None, now
    merged.pool_team_id = merged.pooled_at = None
    await log_change(uow, actor, merged, old_owner, "merge", now)
    log = MergeLog(
        org_id=kept.org_id, kept_id=kept.id, merged_id=merged.id, moved=moved,
        snapshot=snap, by_user_id=actor.id, at=now,
    )  # fmt: skip
    await uow.ops.add(log)
    after = {"org_id": kept.org_id, "kept_id": kept.id, "merge_log_id": log.id, "moved": moved}
    await record(uow, actor, "customer.merge", ("customer", merged.id), now, after=after)
    return log


async def undo(uow: UnitOfWork, actor: User, log: MergeLog, now: datetime) -> Customer:
    """Put every moved row back, restore both records as they were; the log stays, marked."""
    if log.undone_at is not None:
        raise OpsError("dup.undone")
    kept = await uow.ops.customer(log.kept_id)
    merged = await uow.ops.customer(log.merged_id)
    assert kept is not None and merged is not None
    for kind, ids in log.moved.items():
        await uow.ops.repoint(kind, ids, merged.id)
    for name, value in log.snapshot["kept"].items():
        if name != "last_contact_at":
            setattr(kept, name, value)
    kept.last_contact_at = _parse(log.snapshot["kept"]["last_contact_at"])
    merged.merged_into_id, merged.updated_at = None, now
    merged.owner_id = log.snapshot["owner_id"]
    merged.pool_team_id = log.snapshot["pool_team_id"]
    merged.pooled_at = _parse(log.snapshot["pooled_at"])
    await log_change(uow, actor, merged, None, "unmerge", now)
    log.undone_at = now
    after = {"org_id": log.org_id, "merge_log_id": log.id}
    await record(uow, actor, "customer.unmerge", ("customer", merged.id), now, after=after)
    return merged


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
