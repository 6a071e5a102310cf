"""The Ministry's year-end report over 60 provinces × 700 schools, 200k usage events and 20k evidence records on
PostgreSQL, against a plain COUNT over the same rows measured in the same run.

    .venv/bin/python bench/reports_plans.py [--provinces 60] [--schools 700] [--events 200000] [--evidence 20000]

Data is generated inside PostgreSQL with INSERT … SELECT generate_series (a throwaway database, dropped after)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

YEAR = 2026
CHANNELS = "ARRAY['facebook','zalo-oa','zalo-group','loudspeaker','school-assembly','print','web']"


def seed_sql(provinces: int, schools: int, events: int, evidence: int) -> list[str]:
    hexid = "replace({}::text, '-', '')"
    ministry = "md5('m')::uuid"
    prov = "md5('p' || p)::uuid"
    ward = "md5('w' || p || '-' || w)::uuid"
    school = "md5('h' || p || '-' || h)::uuid"
    department = "md5('s' || p)::uuid"
    school_ward = "md5('w' || p || '-' || (h % 10 + 1))::uuid"
    org_cols = "(id, code, name, kind, parent_id, path, approval_levels, created_at)"
    return [
        f"INSERT INTO organisations {org_cols} VALUES ({ministry}, 'BENCH-BO', 'Bộ Giáo dục và Đào tạo', 'ministry',"
        f" NULL, '/' || {hexid.format(ministry)} || '/', 1, now())",
        f"INSERT INTO organisations {org_cols} SELECT {prov}, 'P' || p, 'UBND tỉnh ' || p, 'province', {ministry},"
        f" '/' || {hexid.format(ministry)} || '/' || {hexid.format(prov)} || '/', 1, now()"
        f" FROM generate_series(1, {provinces}) p",
        f"INSERT INTO organisations {org_cols} SELECT md5('s' || p)::uuid, 'S' || p,"
        f" 'Sở Giáo dục và Đào tạo tỉnh ' || p, 'department', {prov}, '/' || {hexid.format(ministry)} || '/' ||"
        f" {hexid.format(prov)} || '/' || {hexid.format(department)} || '/', 1, now()"
        f" FROM generate_series(1, {provinces}) p",
        f"INSERT INTO organisations {org_cols} SELECT {ward}, 'W' || p || '-' || w, 'UBND phường ' || p || '-' || w,"
        f" 'commune', {prov}, '/' || {hexid.format(ministry)} || '/' || {hexid.format(prov)} || '/' ||"
        f" {hexid.format(ward)} || '/', 1, now() FROM generate_series(1, {provinces}) p, generate_series(1, 10) w",
        f"INSERT INTO organisations {org_cols} SELECT {school}, 'H' || p || '-' || h, 'Trường ' || p || '-' || h,"
        f" 'school', {school_ward}, '/' || {hexid.format(ministry)} || '/' ||"
        f" {hexid.format(prov)} || '/' || {hexid.format(school_ward)} || '/' ||"
        f" {hexid.format(school)} || '/', 1, now()"
        f" FROM generate_series(1, {provinces}) p, generate_series(1, {schools}) h",
        # 2000 published products, owned by the Sở of a province or one of its schools.
        "INSERT INTO assets (id, kind, title, summary, alt_text, language, tags, credit, copyright_notice, licence,"
        " usage_terms, owner_org_id, status, urgent, focal_x, focal_y, approvals, download_count, created_at,"
        " updated_at, published_at)"
        " SELECT md5('a' || a)::uuid, (ARRAY['infographic','video','podcast','poster'])[a % 4 + 1],"
        " 'Sản phẩm ' || a, '', '', 'vi', '[]', '', '', '', '',"
        f" CASE WHEN a % 3 = 0 THEN md5('s' || (a % {provinces} + 1))::uuid"
        f" ELSE md5('h' || (a % {provinces} + 1) || '-' || (a % {schools} + 1))::uuid END,"
        f" 'published', false, 0.5, 0.5, 1, 0, now(), now(), make_date({YEAR}, 1, 1) + (a % 360) * interval '1 day'"
        " FROM generate_series(1, 2000) a",
        "INSERT INTO usage_events (at, kind, asset_id, channel, organisation_id, user_id)"
        f" SELECT make_date({YEAR}, 1, 1) + ((e * 7919) % 360) * interval '1 day' + (e % 86000) * interval '1 second',"
        " CASE WHEN e % 5 = 0 THEN 'api_pull' ELSE 'download' END, md5('a' || (e % 2000 + 1))::uuid,"
        f" 'web', md5('h' || (e % {provinces} + 1) || '-' || ((e * 31) % {schools} + 1))::uuid,"
        " md5('u' || (e % 30000))::uuid"
        f" FROM generate_series(1, {events}) e",
        # The tally the application writes beside each event (once per person, asset, local day).
        "INSERT INTO usage_daily (day, actor, asset_id, kind, organisation_id, user_id, channel)"
        " SELECT DISTINCT ON (d, u.user_id, u.asset_id, u.kind) d, 'u:' || replace(u.user_id::text, '-', ''),"
        " u.asset_id, u.kind, u.organisation_id, u.user_id, u.channel"
        " FROM usage_events u, LATERAL (SELECT (u.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS d) x"
        " ON CONFLICT DO NOTHING",
        "INSERT INTO evidence (id, organisation_id, asset_id, channel, used_on, views, listeners, copies,"
        " staff_reached, note, review, created_at, updated_at)"
        f" SELECT md5('e' || v)::uuid, md5('h' || (v % {provinces} + 1) || '-' || ((v * 17) % {schools} + 1))::uuid,"
        f" md5('a' || (v % 2000 + 1))::uuid, ({CHANNELS})[v % 7 + 1], make_date({YEAR}, 1, 1) + (v % 360),"
        " v % 3000, v % 500, v % 200, v % 20, '', (ARRAY['accepted','pending','returned'])[v % 3 + 1], now(), now()"
        f" FROM generate_series(1, {evidence}) v",
        "INSERT INTO unit_contacts (organisation_id, role, full_name, position, phone, email, updated_at)"
        " SELECT id, 'contact', 'Đầu mối', '', '', '', now() FROM organisations WHERE abs(hashtext(code)) % 10 < 7",
        "INSERT INTO unit_profiles (organisation_id, staff_count, updated_at)"
        " SELECT id, 20 + abs(hashtext(code)) % 60, now() FROM organisations WHERE kind = 'school'",
        "ANALYZE",
    ]


def plan_with_targets() -> None:
    from service.core.db import unit_of_work
    from service.models import Plan, Target
    from service.orgs import repository as orgs_repo
    from service.plans import repository as plans_repo

    with unit_of_work() as session:
        ministry = orgs_repo.by_code(session, "BENCH-BO")
        assert ministry is not None
        plan = Plan(organisation_id=ministry.id, year=YEAR, title="Kế hoạch 255/KH-BGDĐT", number="255/KH-BGDĐT")
        plans_repo.add(session, plan)
        for t in plans_repo.templates(session):
            session.add(Target(plan_id=plan.id, code=t.code, label=t.label, unit_of_measure=t.unit_of_measure,
                               value=t.value, value_max=t.value_max, is_percent=t.is_percent, measure=t.measure,
                               applies_to="self"))
        # Measured once per school: the heavy path of a Ministry report.
        session.add(Target(plan_id=plan.id, code="TIEP-CAN-TRUONG", label="Tiếp cận tại từng trường", value=90,
                           is_percent=True, measure="staff_reached_share", applies_to="children",
                           child_kind="school"))


def timed(fn: object) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()  # type: ignore[operator]
    return time.perf_counter() - started, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--provinces", type=int, default=60)
    ap.add_argument("--schools", type=int, default=700)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--evidence", type=int, default=20_000)
    args = ap.parse_args()
    from tests.support import create_pg_database, drop_pg_database

    name = f"kho_bench_{uuid.uuid4().hex[:8]}"
    url = create_pg_database(name)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ.update(KHO_DATABASE_URL=url, KHO_VAR_DIR=tmp, KHO_ENV="test",
                              KHO_SECRET_KEY="bench-" + "x" * 40)
            from sqlalchemy import text

            from service.core.db import get_engine, unit_of_work
            from service.core.migrate import upgrade

            upgrade(url)
            started = time.perf_counter()
            with get_engine().begin() as conn:
                for statement in seed_sql(args.provinces, args.schools, args.events, args.evidence):
                    conn.execute(text(statement))
            plan_with_targets()
            print(f"seeded {args.provinces} provinces × {args.schools} schools, {args.events} events, "
                  f"{args.evidence} evidence in {time.perf_counter() - started:.1f} s")
            from service.orgs import repository as orgs_repo
            from service.reports.pdf import report_pdf
            from service.reports.service import build_report
            from service.reports.xlsx import report_xlsx

            def count() -> int:
                with unit_of_work() as session:
                    return sum(int(session.scalar(text(q)) or 0) for q in (
                        f"SELECT count(*) FROM usage_events WHERE at >= '{YEAR}-01-01' AND at < '{YEAR + 1}-01-01'",
                        f"SELECT count(*) FROM evidence WHERE used_on >= '{YEAR}-01-01'"))

            def report() -> dict[str, object]:
                with unit_of_work() as session:
                    ministry = orgs_repo.by_code(session, "BENCH-BO")
                    assert ministry is not None
                    return build_report(session, ministry, str(YEAR))

            count()  # warm the cache for both arms alike
            report()
            baseline, rows = timed(count)
            cpu = time.process_time()
            seconds, data = timed(report)
            cpu = time.process_time() - cpu
            xlsx_seconds, _ = timed(lambda: report_xlsx(data))  # type: ignore[arg-type]
            pdf_seconds, pdf = timed(lambda: report_pdf(data))  # type: ignore[arg-type]
            targets = {t["code"]: (t["achieved"], t["progress_pct"]) for t in data["plan_targets"]}  # type: ignore[index, union-attr]
            print(f"plain COUNT over the same {rows} rows: {baseline * 1000:.0f} ms")
            print(f"Ministry year-end report: {seconds:.2f} s wall, {cpu:.2f} s CPU in this process (ratio to COUNT "
                  f"×{seconds / baseline:.0f}); target < 10 s: {'met' if seconds < 10 else 'NOT met'}")
            print(f"exports: XLSX {xlsx_seconds:.2f} s, PDF {pdf_seconds:.2f} s ({len(pdf) // 1024} KiB)")  # type: ignore[arg-type]
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print(f"targets: {targets}")
            get_engine().dispose()
    finally:
        drop_pg_database(name)


if __name__ == "__main__":
    main()
