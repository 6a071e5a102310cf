"""Administration pages that read: the audit trail (filter by asset, person, date; hash-chain status) and the
organisation tree with counts. Both read in a constant number of queries whatever they show."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from service.audit import service as audit
from service.audit.service import EntryFilter
from service.http.deps import SessionDep
from service.identity.principal import require_national_admin
from service.models.base import utcnow
from service.orgs import tree as org_tree
from web.render import render
from web.routing import page_router
from web.session import AdminUser

router = page_router()
PAGE_SIZE = 100
CHAIN_REASONS = {"chain broken (previous hash differs)": "audit_chain_link",
                 "entry altered (hash mismatch)": "audit_chain_altered"}
Text = Annotated[str, Query(max_length=320)]


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=utcnow().tzinfo) if day else None


@router.get("/quan-tri/nhat-ky")
def audit_trail(request: Request, user: AdminUser, session: SessionDep, tai_nguyen: Text = "",
                nguoi: Text = "", tu: Text = "", den: Text = "", truoc: int | None = None) -> Response:
    """The whole trail covers every unit: national administrators only, as for the CSV export."""
    require_national_admin(user.principal)
    problems = []
    target = tai_nguyen.strip()
    if target:
        try:
            target = str(uuid.UUID(target))
        except ValueError:
            problems.append("audit_bad_asset")
            target = ""
    start, end = _day(tu.strip()), _day(den.strip())
    if (tu.strip() and start is None) or (den.strip() and end is None):
        problems.append("audit_bad_date")
    end_at = _start_of(end + timedelta(days=1)) if end else None  # "to" is inclusive: up to that day's end
    f = EntryFilter(target_id=target or None, person=nguoi.strip() or None, start=_start_of(start), end=end_at,
                    before_id=truoc)
    page = audit.browse(session, f, PAGE_SIZE)
    chain = audit.verify(session)
    query = {"tai_nguyen": target, "nguoi": nguoi.strip(), "tu": start.isoformat() if start else "",
             "den": end.isoformat() if end else ""}
    return render(request, "admin/audit.html", {
        "page": page, "chain": chain, "chain_reason": CHAIN_REASONS.get(chain.reason or "", "audit_chain_altered"),
        "query": query, "problems": problems, "older_query": {**query, "truoc": page.older_than}})


@router.get("/quan-tri/cay-don-vi")
def organisation_tree(request: Request, user: AdminUser, session: SessionDep) -> Response:
    return render(request, "admin/org_tree.html", {"roots": org_tree.tree(session, user.principal)})
