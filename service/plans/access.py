"""Who sees and edits what: a unit's reviewers and admins see every unit on its reporting line (and its
administrative subtree); everyone else sees their own unit only."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy.orm import Session

from service.core.errors import Forbidden, NotFound
from service.identity.principal import Principal
from service.models import Organisation
from service.orgs import repository as orgs_repo
from service.plans import repository
from service.plans.lines import Unit, effective_lines, reporters_of

OVERSEERS = ("admin", "reviewer")


def lines(session: Session) -> tuple[dict[uuid.UUID, Unit], dict[uuid.UUID, list[uuid.UUID]]]:
    units = repository.units(session)
    return units, effective_lines(units, repository.explicit_lines(session))


def _subtree(units: dict[uuid.UUID, Unit], root: uuid.UUID) -> set[uuid.UUID]:
    children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for u in units.values():
        if u.parent_id:
            children[u.parent_id].append(u.id)
    seen, stack = {root}, [root]
    while stack:
        for c in children.get(stack.pop(), []):
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return seen


def report_scope(session: Session, org_id: uuid.UUID) -> set[uuid.UUID]:
    """The unit and everything that reports to it, directly or not (what its report covers)."""
    _, graph = lines(session)
    return reporters_of(graph, org_id)


def visible_units(session: Session, principal: Principal) -> set[uuid.UUID]:
    if principal.kind != "user" or principal.role not in OVERSEERS:
        return {principal.organisation_id}
    units, graph = lines(session)
    return reporters_of(graph, principal.organisation_id) | _subtree(units, principal.organisation_id)


def org_by_code(session: Session, code: str) -> Organisation:
    org = orgs_repo.by_code(session, code)
    if org is None:
        raise NotFound(what="đơn vị / organisation")
    return org


def require_visible(session: Session, principal: Principal, org_id: uuid.UUID) -> None:
    if org_id != principal.organisation_id and org_id not in visible_units(session, principal):
        raise Forbidden()


def require_overseer_of(session: Session, principal: Principal, org_id: uuid.UUID) -> None:
    """Reviewing a unit's evidence: a reviewer or admin of a unit it reports to, never of the unit itself."""
    if principal.kind != "user" or principal.role not in OVERSEERS or org_id == principal.organisation_id:
        raise Forbidden()
    if org_id not in report_scope(session, principal.organisation_id):
        raise Forbidden()


def require_own_unit_manager(principal: Principal, org: Organisation) -> None:
    """Plans, tasks and targets of a unit are kept by its own reviewers/admins (or an admin above it)."""
    own = org.id == principal.organisation_id and principal.role in OVERSEERS
    above = principal.role == "admin" and org.path.startswith(principal.organisation_path)
    if principal.kind != "user" or not (own or above):
        raise Forbidden()
