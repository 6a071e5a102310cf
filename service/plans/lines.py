"""The reporting line (tuyến báo cáo) for education communication, which is not the administrative tree:
a ward (commune) and its schools report to the Sở GDĐT of their province, the Sở to the Ministry and to the
provincial People's Committee. Pure functions over (id, parent, kind, name) tuples; rows in
`reporting_lines` override the derived rule for the unit they name."""

from __future__ import annotations

import unicodedata
import uuid
from collections import defaultdict, deque
from collections.abc import Iterable
from typing import NamedTuple


class Unit(NamedTuple):
    """A NamedTuple, not a dataclass: a national report builds ~40k of them."""

    id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: str
    name: str
    code: str = ""


def _is_education_department(unit: Unit) -> bool:
    return unit.kind == "department" and "giáo dục" in unicodedata.normalize("NFC", unit.name).lower()


def _ancestor(units: dict[uuid.UUID, Unit], unit: Unit, kind: str) -> Unit | None:
    seen = 0
    current = units.get(unit.parent_id) if unit.parent_id else None
    while current is not None and seen < 64:
        if current.kind == kind:
            return current
        current = units.get(current.parent_id) if current.parent_id else None
        seen += 1
    return None


def _education_department(children: dict[uuid.UUID, list[Unit]], province: Unit) -> Unit | None:
    departments = [u for u in children.get(province.id, []) if u.kind == "department"]
    named = [u for u in departments if _is_education_department(u)]
    if named:
        return named[0]
    return departments[0] if len(departments) == 1 else None


def derived_lines(units: dict[uuid.UUID, Unit]) -> dict[uuid.UUID, list[uuid.UUID]]:
    children: dict[uuid.UUID, list[Unit]] = defaultdict(list)
    for u in units.values():
        if u.parent_id:
            children[u.parent_id].append(u)
    for kids in children.values():
        kids.sort(key=lambda u: str(u.id))
    departments: dict[uuid.UUID, Unit | None] = {}  # per province, found once
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for u in units.values():
        parent = units.get(u.parent_id) if u.parent_id else None
        targets: list[Unit | None]
        if u.kind == "ministry" or parent is None:
            targets = []
        elif u.kind == "department":
            targets = [_ancestor(units, u, "ministry"), parent if parent.kind == "province" else None]
        elif u.kind in ("commune", "school") and parent.kind != "department":
            province = _ancestor(units, u, "province")
            if province is not None and province.id not in departments:
                departments[province.id] = _education_department(children, province)
            department = departments.get(province.id) if province else None
            targets = [department or parent]
        else:
            targets = [parent]
        out[u.id] = list(dict.fromkeys(t.id for t in targets if t is not None))
    return out


def effective_lines(units: dict[uuid.UUID, Unit], explicit: Iterable[tuple[uuid.UUID, uuid.UUID]]
                    ) -> dict[uuid.UUID, list[uuid.UUID]]:
    lines = derived_lines(units)
    overridden: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for org_id, to_id in explicit:
        overridden[org_id].append(to_id)
    lines.update(overridden)
    return lines


def reverse_lines(lines: dict[uuid.UUID, list[uuid.UUID]]) -> dict[uuid.UUID, list[uuid.UUID]]:
    reverse: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for org_id, tos in lines.items():
        for to in tos:
            reverse[to].append(org_id)
    return reverse


def reachable(reverse: dict[uuid.UUID, list[uuid.UUID]], root: uuid.UUID) -> set[uuid.UUID]:
    seen, queue = {root}, deque([root])
    while queue:
        for child in reverse.get(queue.popleft(), []):
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return seen


def reporters_of(lines: dict[uuid.UUID, list[uuid.UUID]], root: uuid.UUID) -> set[uuid.UUID]:
    """Every unit whose reports reach `root`, directly or through others (root included)."""
    return reachable(reverse_lines(lines), root)


def direct_reporters(lines: dict[uuid.UUID, list[uuid.UUID]], root: uuid.UUID) -> set[uuid.UUID]:
    return {org_id for org_id, tos in lines.items() if root in tos}
