"""An org's pipeline stages, kept in memory for as long as the org's pipeline_rev holds.

Every visit and deal move reads the stages; they change about never. The cache is exact
across instances: a change writes a new random pipeline_rev, the sender's own query reads the
current one, and a cached pipeline is used only under the revision it was read with. A
revision is random, so neither another database nor a rolled-back change can reuse one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Org, PipelineStage, new_pipeline_rev

REVS = "pipeline_revs"  # session.info: {org_id: pipeline_rev} as this transaction read it
CACHE_SIZE = 4096


@dataclass(frozen=True)
class Stage:
    """One stage as read: shared between requests, so it cannot be changed."""

    key: str
    name_zh: str
    name_en: str
    position: int
    probability: int
    outcome: str


_STAGES = (
    select(
        Org.pipeline_rev,
        PipelineStage.key,
        PipelineStage.name_zh,
        PipelineStage.name_en,
        PipelineStage.position,
        PipelineStage.probability,
        PipelineStage.outcome,
    )
    .join(PipelineStage, PipelineStage.org_id == Org.id)
    .where(Org.id == bindparam("org_id"))
    .order_by(PipelineStage.position)
)
_cache: dict[tuple[int, str], tuple[Stage, ...]] = {}


def saw_rev(session: AsyncSession, org_id: int, rev: str | None) -> None:
    """Remember the revision a query of this transaction read (the sender's, for one)."""
    if rev is not None:
        session.info.setdefault(REVS, {})[org_id] = rev


async def stages(session: AsyncSession, org_id: int) -> tuple[Stage, ...]:
    """The org's stages in order; from memory when this transaction knows the revision."""
    rev = session.info.get(REVS, {}).get(org_id)
    cached = _cache.get((org_id, rev)) if rev is not None else None
    if cached is not None:
        return cached
    rows = (await session.execute(_STAGES, {"org_id": org_id})).all()
    found = tuple(Stage(*row[1:]) for row in rows)
    if rows and rows[0][0] is not None:  # the revision and the stages of one snapshot
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[(org_id, rows[0][0])] = found
    return found


def changed(session: AsyncSession, org: Org) -> None:
    """The org's stages were changed in this transaction: give them a new revision."""
    org.pipeline_rev = new_pipeline_rev()
    session.info.get(REVS, {}).pop(org.id, None)
