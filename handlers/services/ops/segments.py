"""Segments: ABC by revenue (Pareto 80/95), RFM 1–5 scores, value class and lifecycle.

Recomputed nightly for a whole org by one set-based UPDATE (store/repos/ops_figures.py).
Queries in chat ("A类 30天未联系", "dormant B customers") are parsed here into a filter.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from handlers.services.audit import record
from handlers.services.ops.config import ops_settings
from store.repos.ops_figures import SegmentCutoffs
from store.repos.ops_lists import SegmentFilter
from store.uow import UnitOfWork

_WORDS: dict[str, tuple[str, str]] = {  # word in a query -> (filter field, value)
    "价值客户": ("value_class", "value"), "潜力客户": ("value_class", "potential"),
    "迁移客户": ("value_class", "migrating"), "冰点客户": ("value_class", "frozen"),
    "潜在": ("lifecycle", "prospect"), "成交": ("lifecycle", "customer"),
    "忠诚": ("lifecycle", "loyal"), "推荐": ("lifecycle", "advocate"),
    "沉睡": ("lifecycle", "dormant"), "休眠": ("lifecycle", "dormant"),
    "流失": ("lifecycle", "lost"),
    "prospect": ("lifecycle", "prospect"), "loyal": ("lifecycle", "loyal"),
    "advocate": ("lifecycle", "advocate"), "dormant": ("lifecycle", "dormant"),
    "lost": ("lifecycle", "lost"), "value": ("value_class", "value"),
    "potential": ("value_class", "potential"), "migrating": ("value_class", "migrating"),
    "frozen": ("value_class", "frozen"),
}  # fmt: skip
_ABC = re.compile(r"(?:^|[\s,，])(?:class\s*)?([ABCabc])(?:类|级|\s+customers?|\b)")
_DAYS = re.compile(r"(\d{1,4})\s*(?:天|days?|d\b)")


async def recompute_segments(uow: UnitOfWork, org_id: int, now: datetime) -> int:
    """Every live customer of the org re-scored; one audit row for the run, not one per row."""
    org = await uow.users.org(org_id)
    assert org is not None
    cfg = ops_settings(org)
    cut = SegmentCutoffs(
        year_ago=now - timedelta(days=365),
        dormant_before=now - timedelta(days=cfg.dormant_days),
        lost_before=now - timedelta(days=cfg.lost_days),
    )
    done = await uow.ops.recompute_segments(org_id, cut, now)
    after = {"org_id": org_id, "customers": done}
    await record(uow, None, "segments.recompute", ("org", org_id), now, after=after)
    return done


def parse_query(text: str, now: datetime) -> SegmentFilter | None:
    """A segment filter from free words; None when nothing in the text names a segment."""
    found: dict[str, str] = {}
    lowered = f" {text.strip().lower()} "
    for word, (name, value) in _WORDS.items():
        if word in lowered:
            found.setdefault(name, value)
    abc = _ABC.search(f" {text.strip()} ")
    days = _DAYS.search(lowered)
    if not found and abc is None and days is None:
        return None
    return SegmentFilter(
        abc=abc.group(1).upper() if abc else None,
        lifecycle=found.get("lifecycle"),
        value_class=found.get("value_class"),
        quiet_since=now - timedelta(days=int(days.group(1))) if days else None,
    )
