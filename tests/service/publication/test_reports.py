"""Reports: a seeded half-year (≥ 100k usage events) per organisation subtree; totals equal direct SQL
counts; XLSX and PDF exports in Vietnamese; targets as data; generation time logged."""

from __future__ import annotations

import io
import logging
import random
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pypdfium2
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import text

from tests.conftest import Factory
from tests.service.publication.chart_checks import assert_pdf_charts, assert_xlsx_charts
from tests.service.publication.helpers import Publisher, set_status

log = logging.getLogger("tests.reports")
EVENTS = 100_000
KINDS = ("download", "api_pull", "feed_fetch", "webhook_delivery")
CHANNELS = ("web", "api", "kit", "feed-atom", "podcast", "webhook")


def _aware(at: datetime | str) -> datetime:
    value = datetime.fromisoformat(at) if isinstance(at, str) else at
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _org_ids(codes: list[str]) -> list[uuid.UUID]:
    from service.core.db import unit_of_work
    from service.orgs import repository as orgs_repo

    with unit_of_work() as session:
        return [orgs_repo.by_code(session, c).id for c in codes]  # type: ignore[union-attr]


def _seed(units: list[uuid.UUID], outsider: uuid.UUID, assets: list[uuid.UUID], start_ago: timedelta) -> float:
    from service.core.db import unit_of_work
    from service.models.base import utcnow
    from service.usage import repository

    rng = random.Random(71)
    now = utcnow()
    span = start_ago.total_seconds()
    rows = [{"at": now - timedelta(seconds=rng.uniform(1, span)), "kind": rng.choice(KINDS),
             "asset_id": rng.choice(assets), "channel": rng.choice(CHANNELS),
             "organisation_id": outsider if i % 10 == 0 else rng.choice(units)} for i in range(EVENTS)]
    started = time.perf_counter()
    with unit_of_work() as session:
        for i in range(0, len(rows), 20_000):
            repository.insert_many(session, rows[i:i + 20_000])
    return time.perf_counter() - started


@pytest.mark.slow  # builds and reads back the PDF, XLSX and DOCX exports
def test_half_year_report_matches_sql_and_exports(client: TestClient, factory: Factory,
                                                  publisher: Publisher) -> None:
    from service.core.db import unit_of_work
    from service.models import ReportTarget
    from service.models.base import utcnow
    from service.reports.period import current_half, parse_period

    province = factory.org("province")
    departments = [factory.org("department", province) for _ in range(3)]
    schools = [factory.org("school", departments[i % 3]) for i in range(12)]
    outsider = factory.org("province")
    assets = [publisher.publish(org_code=departments[i % 3], kind="infographic", title=f"Sản phẩm số {i}",
                                topics=["chuyen-doi-so" if i % 2 else "ngay-nha-giao"]) for i in range(4)]
    set_status(assets[3], "withdrawn", "Hết hiệu lực")
    period = parse_period(current_half(utcnow()))
    into_period = min(utcnow() - period.start, timedelta(days=120))
    unit_ids = _org_ids(departments + schools[:9])  # 3 schools never use the repository
    seconds = _seed(unit_ids, _org_ids([outsider])[0], [uuid.UUID(a) for a in assets], into_period)
    log.info("seeded %d usage events in %.2f s", EVENTS, seconds)
    (province_id,) = _org_ids([province])
    with unit_of_work() as session:
        session.add(ReportTarget(organisation_id=province_id, metric="products", period="half",
                                 target_min=10, target_max=15))
        session.add(ReportTarget(organisation_id=province_id, metric="reach_pct", period="half", target_min=90))

    admin = factory.headers("admin", province)
    started = time.perf_counter()
    r = client.get(f"/api/v1/reports/{province}", params={"period": period.label}, headers=admin)
    elapsed = time.perf_counter() - started
    log.warning("report over %d events generated in %.2f s (server %s ms)", EVENTS, elapsed,
                r.json().get("generated_in_ms"))
    assert r.status_code == 200, r.text
    report = r.json()

    path = f"%{province_id.hex}/%"
    where = ("FROM usage_events u JOIN organisations o ON o.id = u.organisation_id "
             "WHERE o.path LIKE :p AND u.at >= :s AND u.at < :e")
    params = {"p": path, "s": period.start, "e": period.end}
    with unit_of_work() as session:
        by_kind: dict[str, int] = {k: int(n) for k, n in session.execute(
            text(f"SELECT u.kind, count(*) {where} AND u.kind NOT IN ('download', 'api_pull') GROUP BY u.kind"),
            params).all()}
        pulls = session.execute(text(f"SELECT u.at, u.organisation_id, u.asset_id, u.kind {where} "
                                     "AND u.kind IN ('download', 'api_pull')"), params).all()
    # A download counts once per person (here: unit, no user) per asset per local day.
    vn = timezone(timedelta(hours=7))
    once = {(_aware(at).astimezone(vn).date(), str(o), str(a), k) for at, o, a, k in pulls}
    for kind in ("download", "api_pull"):
        by_kind[kind] = sum(1 for key in once if key[3] == kind)
    reached = len({key[1] for key in once})
    per_asset: dict[str, int] = {}
    for key in once:
        per_asset[key[2]] = per_asset.get(key[2], 0) + 1
    top = sorted(per_asset.items(), key=lambda kv: -kv[1])
    assert report["usage"]["totals"] == {k: int(v) for k, v in by_kind.items()}
    assert len(pulls) + sum(v for k, v in by_kind.items() if k not in ("download", "api_pull")) \
        == EVENTS - EVENTS // 10  # the outsider is excluded
    assert sum(report["usage"]["totals"].values()) < EVENTS - EVENTS // 10  # repeats within a day count once
    assert sum(u.get("download", 0) for u in report["usage"]["by_unit"]) == by_kind["download"]
    assert sum(c.get("api_pull", 0) for c in report["usage"]["by_channel"]) == by_kind["api_pull"]
    assert report["reach"]["units_below"] == 15 and report["reach"]["units_reached"] == reached == 12
    assert report["reach"]["share_pct"] == 80.0
    assert [a["count"] for a in report["top_assets"]] == [int(n) for _, n in top]
    assert report["products"]["total"] == 4
    assert {k["kind"]: k["count"] for k in report["products"]["by_kind"]} == {"infographic": 4}
    assert report["approvals"]["count"] == 4 and report["approvals"]["turnaround_hours_mean"] == 5.0
    assert [w["asset_id"] for w in report["withdrawn"]] == [assets[3]] and report["withdrawn"][0]["downloads"] > 0
    targets = {t["metric"]: t for t in report["targets"]}
    assert targets["products"]["progress_pct"] == 40.0 and targets["reach_pct"]["met"] is False

    xlsx = client.get(f"/api/v1/reports/{province}", params={"period": period.label, "format": "xlsx"},
                      headers=admin)
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert "Tổng quan" in wb.sheetnames and "Chỉ tiêu" in wb.sheetnames
    rows = {r[0]: r[1] for r in wb["Tổng quan"].iter_rows(values_only=True)}
    assert rows["Lượt tải về"] == by_kind["download"] and rows["Tỷ lệ bao phủ (%)"] == 80.0
    assert_xlsx_charts(wb, report)

    pdf = client.get(f"/api/v1/reports/{province}", params={"period": period.label, "format": "pdf"},
                     headers=admin)
    assert pdf.headers["content-type"] == "application/pdf"
    doc = pypdfium2.PdfDocument(pdf.content)
    first = doc[0].get_textpage().get_text_range()
    assert "BÁO CÁO SÁU THÁNG" in first and "Đơn vị cấp dưới đã sử dụng" in first
    assert str(by_kind["download"]) in first
    assert_pdf_charts(pdf.content, report)

    assert client.get(f"/api/v1/reports/{province}", headers=factory.headers("admin", departments[0])
                      ).status_code == 403
    assert client.get(f"/api/v1/reports/{province}?period=2026-H3", headers=admin).status_code == 422
