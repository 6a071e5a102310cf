"""The producer's page says where publication stands: "approved, publishing when ready" while the
renditions are made, and the reason when a failed required rendition blocks it (Vietnamese and English)."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.assets.media import png
from tests.service.workflow.wf_support import process_latest
from tests.web.conftest import another, csrf_from, sign_in, upload_as


def _submit_and_approve(client: TestClient, factory: Factory, content: bytes) -> tuple[TestClient, str]:
    org = factory.org("province")
    producer = client
    sign_in(producer, factory, "producer", org)
    asset_id = upload_as(producer, "Thông cáo báo chí", content=content)
    producer.post(f"/tai-nguyen/{asset_id}/gui-duyet", data={"csrf_token": csrf_from(producer.get("/cua-toi").text)})
    reviewer = another(client)
    sign_in(reviewer, factory, "reviewer", org)
    r = reviewer.post(f"/duyet/{asset_id}/approve", data={"csrf_token": csrf_from(reviewer.get("/duyet").text)},
                      follow_redirects=False)
    assert r.status_code == 303, r.text
    return producer, asset_id


def test_waiting_then_blocked_with_the_reason(client: TestClient, factory: Factory) -> None:
    producer, asset_id = _submit_and_approve(client, factory, png() + b"trailing payload")
    page = html.unescape(producer.get(f"/tai-nguyen/{asset_id}").text)
    assert "Đã duyệt, sẽ phát hành khi bản dựng sẵn sàng" in page
    assert "Đã duyệt, sẽ phát hành khi sẵn sàng" in page  # the status badge
    assert process_latest(asset_id) == "failed"
    page = html.unescape(producer.get(f"/tai-nguyen/{asset_id}").text)
    assert "Không thể phát hành: bản dựng bắt buộc bị lỗi" in page and "IEND" in page
    assert "Chặn phát hành" in page  # the history entry
    producer.cookies.set("lang", "en")
    page = html.unescape(producer.get(f"/tai-nguyen/{asset_id}").text)
    assert "Cannot be published: a required rendition failed" in page


def test_published_by_the_job_shows_no_notice(client: TestClient, factory: Factory) -> None:
    producer, asset_id = _submit_and_approve(client, factory, png(size=(409, 500)))
    assert process_latest(asset_id) == "succeeded"
    page = html.unescape(producer.get(f"/tai-nguyen/{asset_id}").text)
    assert 'id="phat-hanh"' not in page and "Đã duyệt" in page
