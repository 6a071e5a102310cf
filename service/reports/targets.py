"""Measuring plan targets (chỉ tiêu) for a report: from the product's data, or from what units declared.

Facts are gathered once over the report's whole scope; a unit below is measured over its own part of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from service.models import Target, TargetDeclaration
from service.plans import repository as plans_repo
from service.plans.lines import Unit, reachable, reverse_lines
from service.reports import repository
from service.reports.period import Period
from service.reports.repository import Ids


@dataclass
class Facts:
    units: dict[uuid.UUID, Unit]
    graph: dict[uuid.UUID, list[uuid.UUID]]
    products: dict[uuid.UUID, int]
    reached: set[uuid.UUID]
    downloaders: dict[uuid.UUID, int]
    evidence_units: set[uuid.UUID]
    evidence_staff: dict[uuid.UUID, int]
    contacts: set[uuid.UUID]
    staff: dict[uuid.UUID, int]
    declarations: dict[tuple[uuid.UUID, uuid.UUID], TargetDeclaration] = field(default_factory=dict)
    reverse: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)
    _scopes: dict[uuid.UUID, set[uuid.UUID]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reverse = reverse_lines(self.graph)  # once: a Ministry report measures ~40k schools

    def remember(self, unit_id: uuid.UUID, scope: set[uuid.UUID]) -> None:
        self._scopes[unit_id] = scope

    def scope(self, unit_id: uuid.UUID) -> set[uuid.UUID]:
        if not self.reverse.get(unit_id):
            return {unit_id}  # a school: nothing reports to it
        if unit_id not in self._scopes:
            self._scopes[unit_id] = reachable(self.reverse, unit_id)
        return self._scopes[unit_id]

    def active(self, org_id: uuid.UUID) -> bool:
        """Published or used at least one asset (a counted download or evidence not returned)."""
        return self.products.get(org_id, 0) > 0 or org_id in self.reached or org_id in self.evidence_units


def gather(session: Session, scope: Ids, units: dict[uuid.UUID, Unit],
           graph: dict[uuid.UUID, list[uuid.UUID]], p: Period) -> Facts:
    evidence_units: set[uuid.UUID] = set()
    evidence_staff: dict[uuid.UUID, int] = {}
    for org_id, _channel, review, _n, _v, _li, _cp, staff in repository.evidence_by_unit_channel(
            session, scope, p.start.date(), p.end.date()):
        if review != "returned":
            evidence_units.add(org_id)
            evidence_staff[org_id] = evidence_staff.get(org_id, 0) + staff
    return Facts(units, graph, repository.products_by_unit(session, scope, p.start, p.end),
                 repository.reached_units(session, scope, p.start, p.end),
                 repository.downloaders_by_unit(session, scope, p.start, p.end), evidence_units, evidence_staff,
                 repository.units_with_contact(session, scope), repository.staff_counts(session, scope))


def _share(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _declared(t: Target, unit_id: uuid.UUID, facts: Facts) -> float | None:
    declared = facts.declarations.get((t.id, unit_id))
    if declared is None:
        return None
    return _share(declared.achieved, declared.total) if declared.total else declared.achieved


def _measure_alone(t: Target, unit_id: uuid.UUID, facts: Facts) -> float | None:
    """A unit nothing reports to (a school): the same measures without building any set, ~40k times a report."""
    if t.measure == "products_published":
        return float(facts.products.get(unit_id, 0))
    if t.measure == "contact_share":
        return 100.0 if unit_id in facts.contacts else 0.0
    if t.measure == "active_schools_share":
        return (100.0 if facts.active(unit_id) else 0.0) if facts.units[unit_id].kind == "school" else None
    if t.measure == "staff_reached_share":
        staff = facts.staff.get(unit_id)
        if not staff:
            return None
        reached = facts.downloaders.get(unit_id, 0) + facts.evidence_staff.get(unit_id, 0)
        return _share(min(staff, reached), staff)
    return _declared(t, unit_id, facts)


def measure(t: Target, unit_id: uuid.UUID, facts: Facts) -> float | None:
    if not facts.reverse.get(unit_id):
        return _measure_alone(t, unit_id, facts)
    scope = facts.scope(unit_id)
    below = scope - {unit_id}
    if t.measure == "products_published":
        return float(sum(facts.products.get(i, 0) for i in scope))
    if t.measure == "contact_share":
        population = below or {unit_id}
        return _share(len(population & facts.contacts), len(population))
    if t.measure == "active_schools_share":
        schools = {i for i in below if facts.units[i].kind == "school"} or \
            ({unit_id} if facts.units[unit_id].kind == "school" else set())
        return _share(sum(facts.active(i) for i in schools), len(schools))
    if t.measure == "staff_reached_share":
        known = {i: facts.staff[i] for i in scope if i in facts.staff}
        reached = sum(min(n, facts.downloaders.get(i, 0) + facts.evidence_staff.get(i, 0)) for i, n in known.items())
        return _share(reached, sum(known.values()))
    return _declared(t, unit_id, facts)


def _row(t: Target, achieved: float | None, goal: float) -> dict[str, Any]:
    return {"achieved": achieved, "progress_pct": round(100 * achieved / goal, 1) if achieved is not None and goal
            else None, "met": achieved is not None and achieved >= goal}


def applicable(session: Session, org_id: uuid.UUID, facts: Facts, p: Period) -> list[tuple[Target, uuid.UUID, bool]]:
    """(target, unit whose plan set it, measured-as-a-child) for the unit's own plans and, from the plans of every
    unit it reports to, the targets that apply to units of its kind."""
    up: set[uuid.UUID] = set()
    stack = list(facts.graph.get(org_id, []))
    while stack:
        current = stack.pop()
        if current not in up and current != org_id:
            up.add(current)
            stack.extend(facts.graph.get(current, []))
    plans = plans_repo.plans_of(session, up | {org_id}, p.start.year)
    owner = {pl.id: pl.organisation_id for pl in plans}
    kind = facts.units[org_id].kind
    out = []
    for t in plans_repo.targets_of(session, list(owner)):
        if t.period != p.kind or t.plan_id is None:
            continue
        if owner[t.plan_id] == org_id:
            out.append((t, org_id, False))
        elif t.applies_to == "children" and t.child_kind == kind:
            out.append((t, owner[t.plan_id], True))
    return out


def measured(session: Session, org_id: uuid.UUID, scope: set[uuid.UUID], facts: Facts, p: Period,
             codes: dict[uuid.UUID, str]) -> list[dict[str, Any]]:
    chosen = applicable(session, org_id, facts, p)
    facts.declarations = plans_repo.declarations(session, [t.id for t, _, _ in chosen], p.label)
    rows = []
    for t, owner, as_child in chosen:
        base = {"code": t.code, "label": t.label, "measure": t.measure, "unit_of_measure": t.unit_of_measure,
                "is_percent": t.is_percent, "target": t.value, "target_max": t.value_max, "applies_to": t.applies_to,
                "child_kind": t.child_kind, "set_by": codes.get(owner, ""), "units": []}
        if t.applies_to == "children" and not as_child:
            children = sorted((i for i in scope - {org_id} if facts.units[i].kind == t.child_kind),
                              key=lambda i: facts.units[i].name)
            per_unit = [{"code": codes.get(i, ""), "name": facts.units[i].name,
                         **_row(t, measure(t, i, facts), t.value)} for i in children]
            met = sum(u["met"] for u in per_unit)
            base.update(units=per_unit, achieved=float(met), target=float(len(per_unit)),
                        unit_of_measure="đơn vị đạt", is_percent=False,
                        progress_pct=_share(met, len(per_unit)), met=bool(per_unit) and met == len(per_unit))
        else:
            base.update(_row(t, measure(t, org_id, facts), t.value))
        rows.append(base)
    return rows


def silent_units(scope: set[uuid.UUID], root: uuid.UUID, facts: Facts) -> list[uuid.UUID]:
    """Units below that neither published, downloaded nor recorded any use in the period."""
    return sorted((i for i in scope - {root} if not facts.active(i)), key=lambda i: facts.units[i].name)
