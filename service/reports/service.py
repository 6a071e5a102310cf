"""The six-month / year-end report of an organisation subtree, as one plain dict (the dashboard's
JSON), exported to XLSX and PDF by xlsx.py / pdf.py."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from service.auth.principal import Principal
from service.errors import Forbidden, NotFound
from service.languages.service import label as language_label
from service.models import Organisation
from service.orgs import repository as orgs_repo
from service.reports import repository
from service.reports.period import Period, parse_period

PULL_KINDS = ("download", "api_pull")
KIND_LABELS = {"infographic": "Infographic", "video": "Video", "podcast": "Podcast", "qa_set": "Bộ hỏi - đáp",
               "poster": "Áp phích, pa-nô", "document": "Tài liệu"}


def org_for_report(session: Session, principal: Principal, code: str) -> Organisation:
    org = orgs_repo.by_code(session, code)
    if org is None:
        raise NotFound(what="đơn vị / organisation")
    if not org.path.startswith(principal.organisation_path):
        raise Forbidden()
    return org


def _products(session: Session, org: Organisation, p: Period) -> dict[str, Any]:
    by_kind = repository.products_by_kind(session, org.path, p.start, p.end)
    return {"total": sum(by_kind.values()),
            "by_kind": [{"kind": k, "label": KIND_LABELS.get(k, k), "count": n} for k, n in sorted(by_kind.items())],
            "by_topic": [{"code": c, "label": label, "count": n}
                         for c, label, n in repository.products_by_term(session, org.path, p.start, p.end, "topic")],
            "by_audience": [{"code": c, "label": label, "count": n} for c, label, n in
                            repository.products_by_term(session, org.path, p.start, p.end, "audience")],
            "by_language": [{"code": c, "label": language_label(c), "count": n} for c, n in
                            sorted(repository.products_by_language(session, org.path, p.start, p.end).items())]}


def _approvals(session: Session, org: Organisation, p: Period) -> dict[str, Any]:
    hours = [(d - s).total_seconds() / 3600 for s, d in repository.approvals(session, org.path, p.start, p.end)]
    return {"count": len(hours), "turnaround_hours_mean": round(statistics.fmean(hours), 1) if hours else None,
            "turnaround_hours_median": round(statistics.median(hours), 1) if hours else None}


def _usage(session: Session, org: Organisation, p: Period) -> dict[str, Any]:
    units: dict[str, dict[str, Any]] = {}
    totals: dict[str, int] = defaultdict(int)
    orgs = {o.id: o for o in repository.subtree_orgs(session, org.path)}
    for org_id, kind, n in repository.usage_by_unit(session, org.path, p.start, p.end):
        unit = orgs[org_id]
        row = units.setdefault(str(org_id), {"organisation_id": str(org_id), "name": unit.name, "kind": unit.kind})
        row[kind] = row.get(kind, 0) + n
        totals[kind] += n
    channels: dict[str, dict[str, Any]] = {}
    for channel, kind, n in repository.usage_by_channel(session, org.path, p.start, p.end):
        channels.setdefault(channel, {"channel": channel})[kind] = n
    by_unit = sorted(units.values(), key=lambda r: -(r.get("download", 0) + r.get("api_pull", 0)))
    return {"totals": dict(totals), "by_unit": by_unit, "by_channel": sorted(channels.values(),
                                                                            key=lambda r: r["channel"])}


def _reach(session: Session, org: Organisation, p: Period) -> dict[str, Any]:
    below = [o for o in repository.subtree_orgs(session, org.path) if o.id != org.id]
    reached = repository.reached_units(session, org.path, p.start, p.end, PULL_KINDS)
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
    products, usage, reach = _products(session, org, p), _usage(session, org, p), _reach(session, org, p)
    report: dict[str, Any] = {
        "organisation": {"id": str(org.id), "code": org.code, "name": org.name, "kind": org.kind},
        "period": {"label": p.label, "kind": p.kind, "start": p.start.isoformat(), "end": p.end.isoformat()},
        "products": products, "approvals": _approvals(session, org, p), "usage": usage, "reach": reach,
        "top_assets": [{"asset_id": str(i), "title": t, "kind": k, "count": n} for i, t, k, n in
                       repository.top_assets(session, org.path, p.start, p.end, PULL_KINDS, 10)],
        "withdrawn": [{"asset_id": str(a.id), "title": a.title, "reason": a.withdrawn_reason or "",
                       "withdrawn_at": a.updated_at.isoformat(), "downloads": n}
                      for a, n in repository.withdrawn(session, org.path, p.start, p.end)],
    }
    actual: dict[str, float | None] = {
        "products": products["total"], "reach_pct": reach["share_pct"],
        "downloads": usage["totals"].get("download", 0), "api_pulls": usage["totals"].get("api_pull", 0)}
    report["targets"] = _targets(session, org, p, actual)
    report["generated_in_ms"] = round((time.perf_counter() - started) * 1000)
    return report


def report_for(session: Session, principal: Principal, code: str, period_label: str) -> dict[str, Any]:
    return build_report(session, org_for_report(session, principal, code), period_label)
