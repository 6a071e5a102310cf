"""Honest counting across a crash: the API process is SIGKILLed right after a committed download and a failed
(rolled-back) one; the report built afterwards has the first and not the second. With the former in-memory
buffer the committed download was lost and the failed one counted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import Factory
from tests.faults.conftest import service_env
from tests.live import free_port
from tests.service.assets.media import meta, multipart, png
from tests.service.publication.helpers import set_status
from tests.support import create_pg_database, drop_pg_database, postgres_available, require_or_skip

REPO = Path(__file__).resolve().parents[3]


pytestmark = pytest.mark.slow  # SIGKILLs a server subprocess


def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the API did not start within 60 s")


def _upload(port: int, headers: dict[str, str], title: str) -> str:
    body, ctype = multipart(meta("infographic", title=title), "anh.png", png())
    r = httpx.post(f"http://127.0.0.1:{port}/api/v1/assets", content=body,
                   headers={**headers, "Content-Type": ctype}, timeout=60)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _counts(asset_ids: list[str]) -> tuple[list[int], list[int]]:
    from sqlalchemy import func, select

    from service.core.db import unit_of_work
    from service.models import UsageDaily, UsageEvent

    with unit_of_work() as session:
        events = [int(session.scalar(select(func.count()).select_from(UsageEvent)
                                     .where(UsageEvent.asset_id == uuid.UUID(a))) or 0) for a in asset_ids]
        daily = [int(session.scalar(select(func.count()).select_from(UsageDaily)
                                    .where(UsageDaily.asset_id == uuid.UUID(a))) or 0) for a in asset_ids]
    return events, daily


def test_sigkill_after_downloads_loses_no_committed_event_and_counts_no_rolled_back_one(tmp_path: Path) -> None:
    require_or_skip(postgres_available(), "PostgreSQL is not running on 127.0.0.1:5432")
    db = f"kho_crash_{uuid.uuid4().hex[:8]}"
    url = create_pg_database(db)
    try:
        with service_env(tmp_path / "var", KHO_DATABASE_URL=url):
            factory = Factory()
            school = factory.org("school")
            producer, staff = factory.headers("producer", school), factory.headers("staff", school)
            port = free_port()
            proc = subprocess.Popen([sys.executable, "-m", "service.cli", "api", "--port", str(port)], cwd=REPO,
                                    env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            try:
                _wait_ready(port)
                kept, failed, draft = (_upload(port, producer, t) for t in ("Giữ lại", "Lỗi lưu trữ", "Bản nháp"))
                set_status(kept, "published")
                set_status(failed, "published")
                from service.core.db import unit_of_work
                from service.core.runtime import get_store
                from service.models import Asset, Version

                with unit_of_work() as session:
                    asset = session.get(Asset, uuid.UUID(failed))
                    assert asset is not None and asset.current_version_id is not None
                    version = session.get(Version, asset.current_version_id)
                    assert version is not None
                    get_store().delete(version.object_key)  # its download will fail and roll back
                base = f"http://127.0.0.1:{port}/api/v1/assets"
                ok = httpx.get(f"{base}/{kept}/original", headers=staff, timeout=30)
                assert ok.status_code == 200 and ok.content.startswith(b"\x89PNG")
                again = httpx.get(f"{base}/{kept}/original", headers=staff, timeout=30)
                assert again.status_code == 200
                bad = httpx.get(f"{base}/{failed}/original", headers=staff, timeout=30)
                assert bad.status_code >= 400
                preview = httpx.get(f"{base}/{draft}/original", headers=producer, timeout=30)
                assert preview.status_code == 200
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
            assert proc.returncode == -signal.SIGKILL

            events, daily = _counts([kept, failed, draft])
            assert events == [2, 0, 0]  # both committed downloads survive the kill; nothing else was recorded
            assert daily == [1, 0, 0]  # …and count once for this person today

            from service.models.base import utcnow
            from service.orgs import repository as orgs_repo
            from service.reports.period import current_half
            from service.reports.service import build_report

            with unit_of_work() as session:
                org = orgs_repo.by_code(session, school)
                assert org is not None
                report = build_report(session, org, current_half(utcnow()))
            assert report["usage"]["totals"] == {"download": 1}
            assert [a["asset_id"] for a in report["top_assets"]] == [kept]
    finally:
        drop_pg_database(db)
