"""The six-month / year-end report of an organisation subtree, as one plain dict (the dashboard's
JSON), exported to XLSX and PDF by xlsx.py / pdf.py."""

from __future__ import annotations

import statistics
import time
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.core.errors import Conflict, NotFound
from service.identity.principal import Principal
from service.models import Organisation, ReportSnapshot
from service.models.base import utcnow
from service.orgs import repository as orgs_repo
from service.outbox import events as outbox
from service.plans import access
from service.plans import repository as plans_repo
from service.plans.lines import Unit, reporters_of
from service.reports import repository, sections
from service.reports import targets as target_facts
from service.reports.period import Period, parse_period
from service.reports.repository import Ids as Scope
from service.vocab.languages import label as language_label

PULL_KINDS = ("download", "api_pull")
KIND_LABELS = {"infographic": "Infographic", "video": "Video", "podcast": "Podcast", "qa_set": "Bộ hỏi - đáp",
               "poster": "Áp phích, pa-nô", "document": "Tài liệu"}


def org_for_report(session: Session, principal: Principal, code: str) -> Organisation:
    """A unit's own members see its report; its reviewers and admins see every report on its reporting line."""
    org = orgs_repo.by_code(session, code)
    if org is None:
        raise NotFound(what="đơn vị / organisation")
    access.require_visible(session, principal, org.id)
    return org


def _products(session: Session, scope: Scope, p: Period) -> dict[str, Any]:
    by_kind = repository.products_by_kind(session, scope, p.start, p.end)
    return {"total": sum(by_kind.values()),
            "by_kind": [{"kind": k, "label": KIND_LABELS.get(k, k), "count": n} for k, n in sorted(by_kind.items())],
            "by_topic": [{"code": c, "label": label, "count": n}
                         for c, label, n in repository.products_by_term(session, scope, p.start, p.end, "topic")],
            "by_audience": [{"code": c, "label": label, "count": n} for c, label, n in
                            repository.products_by_term(session, scope, p.start, p.end, "audience")],
            "by_language": [{"code": c, "label": language_label(c), "count": n} for c, n in
                            sorted(repository.products_by_language(session, scope, p.start, p.end).items())]}


def _approvals(session: Session, scope: Scope, p: Period) -> dict[str, Any]:
    hours = [(d - s).total_seconds() / 3600 for s, d in repository.approvals(session, scope, p.start, p.end)]
    return {"count": len(hours), "turnaround_hours_mean": round(statistics.fmean(hours), 1) if hours else None,
            "turnaround_hours_median": round(statistics.median(hours), 1) if hours else None}


def _hours(start: datetime, end: datetime | None) -> float | None:
    return round((end - start).total_seconds() / 3600, 2) if end is not None else None


def _urgent(session: Session, scope: Scope, p: Period) -> dict[str, Any]:
    """The urgent lane (rebuttals): how long from upload to publication, and from publication to first use."""
    rows = repository.urgent_lane(session, scope, p.start, p.end)
    publish = [h for _i, _t, up, pub, _f in rows if (h := _hours(up, pub)) is not None]
    use = [h for _i, _t, _up, pub, first in rows if (h := _hours(pub, first)) is not None]
    items = [{"asset_id": str(i), "title": t, "uploaded_at": up.isoformat(), "published_at": pub.isoformat(),
              "first_use_at": first.isoformat() if first else None, "hours_to_publish": _hours(up, pub),
              "hours_to_first_use": _hours(pub, first)} for i, t, up, pub, first in rows]
    return {"items": items, "median_hours_to_publish": round(statistics.median(publish), 2) if publish else None,
            "median_hours_to_first_use": round(statistics.median(use), 2) if use else None}


def _usage(session: Session, scope: Scope, orgs: dict[uuid.UUID, Unit], p: Period) -> dict[str, Any]:
    units: dict[str, dict[str, Any]] = {}
    totals: dict[str, int] = defaultdict(int)
    for org_id, kind, n in repository.usage_by_unit(session, scope, p.start, p.end):
        unit = orgs.get(org_id)
        if unit is None:
            continue
        row = units.setdefault(str(org_id), {"organisation_id": str(org_id), "name": unit.name, "kind": unit.kind})
        row[kind] = row.get(kind, 0) + n
        totals[kind] += n
    channels: dict[str, dict[str, Any]] = {}
    for channel, kind, n in repository.usage_by_channel(session, scope, p.start, p.end):
        row = channels.setdefault(channel, {"channel": channel})
        row[kind] = row.get(kind, 0) + n
    by_unit = sorted(units.values(), key=lambda r: -(r.get("download", 0) + r.get("api_pull", 0)))
    return {"totals": dict(totals), "by_unit": by_unit, "by_channel": sorted(channels.values(),
                                                                            key=lambda r: r["channel"])}


def _reach(org: Organisation, orgs: dict[uuid.UUID, Unit], reached: set[uuid.UUID]) -> dict[str, Any]:
    below = [o for o in orgs.values() if o.id != org.id]
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in below:
        by_kind[o.kind][1] += 1
        by_kind[o.kind][0] += o.id in reached
    share = round(100 * sum(o.id in reached for o in below) / len(below), 1) if below else None
    return {"units_below": len(below), "units_reached": sum(o.id in reached for o in below), "share_pct": share,
            "by_org_kind": [{"kind": k, "reached": r, "total": t, "share_pct": round(100 * r / t, 1)}
                            for k, (r, t) in sorted(by_kind.items())]}


def _targets(session: Session, org: Organisation, p: Period, actual: dict[str, float | None]) -> list[dict[str, Any]]:
    out = []
    for t in repository.targets(session, org, p.kind):
        value = actual.get(t.metric)
        out.append({"metric": t.metric, "target_min": t.target_min, "target_max": t.target_max, "actual": value,
                    "progress_pct": round(100 * value / t.target_min, 1) if value is not None and t.target_min
                    else None, "met": value is not None and value >= t.target_min})
    return out


def build_report(session: Session, org: Organisation, period_label: str) -> dict[str, Any]:
    started = time.perf_counter()
    p = parse_period(period_label)
    units, graph = access.lines(session)
    members = reporters_of(graph, org.id)
    orgs = {i: units[i] for i in members}
    # The whole sector (a Ministry report) needs no unit filter in SQL at all.
    scope: Scope = None if len(members) == len(units) else members
    facts = target_facts.gather(session, scope, units, graph, p)
    facts.remember(org.id, members)
    products, usage = _products(session, scope, p), _usage(session, scope, orgs, p)
    reach = _reach(org, orgs, facts.reached)
    report: dict[str, Any] = {
        "organisation": {"id": str(org.id), "code": org.code, "name": org.name, "kind": org.kind},
        "period": {"label": p.label, "kind": p.kind, "start": p.start.isoformat(), "end": p.end.isoformat()},
        "products": products, "approvals": _approvals(session, scope, p), "usage": usage, "reach": reach,
        "top_assets": [{"asset_id": str(i), "title": t, "kind": k, "count": n} for i, t, k, n in
                       repository.top_assets(session, scope, p.start, p.end, 10)],
        "urgent": _urgent(session, scope, p),
        "withdrawn": [{"asset_id": str(a.id), "title": a.title, "reason": a.withdrawn_reason or "",
                       "withdrawn_at": a.updated_at.isoformat(), "downloads": n}
                      for a, n in repository.withdrawn(session, scope, p.start, p.end)],
    }
    actual: dict[str, float | None] = {
        "products": products["total"], "reach_pct": reach["share_pct"],
        "downloads": usage["totals"].get("download", 0), "api_pulls": usage["totals"].get("api_pull", 0)}
    report["targets"] = _targets(session, org, p, actual)
    codes = {i: u.code for i, u in orgs.items()}
    report["plan_targets"] = target_facts.measured(session, org.id, members, facts, p, codes)
    report["silent_units"] = [{"code": codes[i], "name": orgs[i].name, "kind": orgs[i].kind}
                              for i in target_facts.silent_units(members, org.id, facts)]
    report["tasks"] = sections.tasks(session, scope, orgs, p)
    report["evidence"] = sections.evidence(session, scope, p)
    report["frozen"] = None
    report["generated_in_ms"] = round((time.perf_counter() - started) * 1000)
    return report


def report_for(session: Session, principal: Principal, code: str, period_label: str) -> dict[str, Any]:
    """A submitted report is served as it was submitted; an open one is computed now."""
    org = org_for_report(session, principal, code)
    frozen = plans_repo.snapshot(session, org.id, parse_period(period_label).label)
    if frozen is not None:
        return frozen.data
    return build_report(session, org, period_label)


def submit(session: Session, principal: Principal, code: str, period_label: str, number: str) -> dict[str, Any]:
    """Freeze the report and submit it to the units this one reports to; it never changes afterwards."""
    org = org_for_report(session, principal, code)
    access.require_own_unit_manager(principal, org)
    label = parse_period(period_label).label
    if plans_repo.snapshot(session, org.id, label) is not None:
        raise Conflict("report_frozen", period=label)
    data = build_report(session, org, label)
    data["frozen"] = {"at": utcnow().isoformat(), "by": principal.label, "number": number}
    snapshot = ReportSnapshot(organisation_id=org.id, period=label, number=number, data=data,
                              frozen_by_id=principal.user_id)
    plans_repo.add(session, snapshot)
    outbox.emit(session, "report.submitted", snapshot_id=snapshot.id, organisation_id=org.id, period=label)
    return data
