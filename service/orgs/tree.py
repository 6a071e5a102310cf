"""The organisation tree of an administrator's subtree with what each unit holds (assets, accounts, units
below), built from three queries whatever the tree's size."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from service.identity.principal import Principal
from service.models import Organisation
from service.orgs import repository
from service.orgs.service import list_subtree


@dataclass
class UnitNode:
    unit: Organisation
    assets: int
    users: int
    children: list[UnitNode] = field(default_factory=list)
    subtree_assets: int = 0  # this unit's and every unit's below it
    subtree_units: int = 0  # every unit below, at any depth


def tree(session: Session, principal: Principal) -> list[UnitNode]:
    """Roots first (the administrator's own unit), children by name."""
    units = list_subtree(session, principal, None)
    ids = [u.id for u in units]
    assets, users = repository.asset_counts(session, ids), repository.user_counts(session, ids)
    nodes = {u.id: UnitNode(u, assets.get(u.id, 0), users.get(u.id, 0)) for u in units}
    roots: list[UnitNode] = []
    for u in sorted(units, key=lambda u: u.name):
        parent = nodes.get(u.parent_id) if u.parent_id else None
        (parent.children if parent else roots).append(nodes[u.id])
    for root in roots:
        _total(root)
    return roots


def _total(node: UnitNode) -> None:
    node.subtree_assets, node.subtree_units = node.assets, 0
    for child in node.children:
        _total(child)
        node.subtree_assets += child.subtree_assets
        node.subtree_units += 1 + child.subtree_units


def find(nodes: list[UnitNode], org_id: uuid.UUID) -> UnitNode | None:
    for node in nodes:
        if node.unit.id == org_id:
            return node
        found = find(node.children, org_id)
        if found:
            return found
    return None
