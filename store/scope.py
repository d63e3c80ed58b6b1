"""Which owners' records a query may touch: the store's half of the permission check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, bindparam, true

# How a scope narrows owners, which is how a statement built once for it is shaped.
Shape = Literal["all", "one", "many"]


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
    def shape(self) -> Shape:
        if self.owner_ids is None:
            return "all"
        return "one" if len(self.owner_ids) == 1 else "many"

    def binds(self) -> dict[str, Any]:
        """The values of `bound_where`'s parameters for this scope."""
        if self.owner_ids is None:
            return {"scope_org": self.org_id}
        if len(self.owner_ids) == 1:
            return {"scope_org": self.org_id, "scope_owner": next(iter(self.owner_ids))}
        return {"scope_org": self.org_id, "scope_owners": sorted(self.owner_ids)}


def bound_where(org_col: Any, owner_col: Any, shape: Shape) -> ColumnElement[bool]:
    """The scope check with bound parameters, for a statement built once and reused: building
    a statement costs as much CPU as running it. Pass `Scope.binds()` when executing.

    A rep's own scope (one owner) compares with `=`: an expanding IN is rewritten into new
    SQL on every execution, which costs about as much as the rest of the statement."""
    org: ColumnElement[bool] = org_col == bindparam("scope_org")
    if shape == "all":
        return org
    if shape == "one":
        return and_(org, owner_col == bindparam("scope_owner"))
    return and_(org, owner_col.in_(bindparam("scope_owners", expanding=True)))
