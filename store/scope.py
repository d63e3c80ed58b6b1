"""Which owners' records a query may touch: the store's half of the permission check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, true


@dataclass(frozen=True)
class Scope:
    org_id: int
    owner_ids: frozenset[int] | None  # None: every owner in the org (admins)

    def allows(self, org_id: int, owner_id: int | None) -> bool:
        if org_id != self.org_id:
            return False
        return self.owner_ids is None or owner_id in self.owner_ids

    def where(self, org_col: Any, owner_col: Any) -> ColumnElement[bool]:
        owners = true() if self.owner_ids is None else owner_col.in_(sorted(self.owner_ids))
        return and_(org_col == self.org_id, owners)

    @property
    def everyone(self) -> bool:
        return self.owner_ids is None

    def binds(self) -> dict[str, Any]:
        """The values of `bound_where`'s parameters for this scope."""
        if self.owner_ids is None:
            return {"scope_org": self.org_id}
        return {"scope_org": self.org_id, "scope_owners": sorted(self.owner_ids)}


def bound_where(org_col: Any, owner_col: Any, everyone: bool) -> ColumnElement[bool]:
    """The scope check with bound parameters, for a statement built once and reused: building
    a statement costs as much CPU as running it. Pass `Scope.binds()` when executing."""
    org: ColumnElement[bool] = org_col == bindparam("scope_org")
    if everyone:
        return org
    return and_(org, owner_col.in_(bindparam("scope_owners", expanding=True)))
