"""Nothing is published before it can be used: an approval waits for the required renditions ("approved,
publishing when ready"), the processing job publishes it, and a failed required rendition blocks
publication and sends the version back to its producer with the reason."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.service.assets.media import png
from tests.service.workflow.wf_support import Flow, Tree, problem


def _approve_now(flow: Flow, headers: dict[str, str], asset_id: str) -> Any:
    """An approval while the renditions are still being made (no inline processing first)."""
    return flow.client.post(f"/api/v1/assets/{asset_id}/approve", json={}, headers=headers)


def _publication(flow: Flow, headers: dict[str, str], asset_id: str) -> dict[str, Any]:
    r = flow.get(headers, f"/api/v1/assets/{asset_id}/publication")
    assert r.status_code == 200, r.text
    return dict(r.json())


def _renditions(flow: Flow, headers: dict[str, str], asset_id: str) -> list[dict[str, Any]]:
    body = flow.get(headers, f"/api/v1/assets/{asset_id}/renditions").json()
    return [r for p in body["profiles"] for r in p["renditions"]]


def _png_with_trailing_bytes() -> bytes:
    """Passes upload sniffing; processing refuses it for good (data after IEND rides along otherwise)."""
    return png() + b"trailing payload"


def test_approval_waits_for_renditions_then_the_job_publishes(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("in_review", content=png(size=(409, 500)))
    r = _approve_now(flow, h["reviewer"], asset_id)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "approved" and out["version"]["status"] == "approved"
    assert out["publication"]["state"] == "pending"
    assert out["publication"]["label_en"] == "Approved, publishing when ready"
    assert out["publication"]["label_vi"] == "Đã duyệt, sẽ phát hành khi bản dựng sẵn sàng"
    # Not live yet: staff and newsrooms do not see it.
    problem(flow.client.get(f"/api/v1/assets/{asset_id}", headers=h["staff"]), 404, "not_found")
    assert flow.asset(h["producer"], asset_id)["status"] == "approved"

    assert flow.process_latest(asset_id) == "succeeded"  # the job completion path publishes
    body = flow.asset(h["staff"], asset_id)
    assert body["status"] == "published" and body["published_at"]
    assert _publication(flow, h["producer"], asset_id)["state"] == "ready"
    made = {(r["profile"], r["spec"]) for r in _renditions(flow, h["staff"], asset_id)}
    made |= {(r["profile"], a) for r in _renditions(flow, h["staff"], asset_id) for a in r["also_for"]}
    assert {("web-image", v) for v in ("webp-1600", "webp-800", "webp-400", "thumb-320")} <= made
    assert ("signage", "1920x1080") in made  # the pad that once failed on a 409×500 picture
    history = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/history").json()
    assert [(e["action"], e["from_status"], e["to_status"]) for e in history][-2:] == [
        ("approve", "in_review", "approved"), ("publish", "approved", "published")]


def test_failed_processing_refuses_the_approval_with_the_reason(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("in_review", content=_png_with_trailing_bytes())
    assert flow.process_latest(asset_id) == "failed"
    publication = _publication(flow, h["producer"], asset_id)
    assert publication["state"] == "blocked" and publication["code"] == "trailing_data"
    assert "IEND" in publication["reason"]
    body = problem(flow.act(h["reviewer"], asset_id, "approve"), 409, "publication_blocked")
    assert "IEND" in body["detail_en"] and body["publication"]["state"] == "blocked"
    asset = flow.asset(h["producer"], asset_id)
    assert asset["status"] == "in_review"
    assert asset["current_version"]["rendition_error_code"] == "trailing_data"


def test_failure_after_approval_sends_the_version_back_to_the_producer(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("in_review", content=_png_with_trailing_bytes())
    assert _approve_now(flow, h["reviewer"], asset_id).json()["status"] == "approved"
    assert flow.process_latest(asset_id) == "failed"
    asset = flow.asset(h["producer"], asset_id)
    assert asset["status"] == "changes_requested" and asset["published_at"] is None
    assert asset["current_version"]["rendition_error"]
    problem(flow.client.get(f"/api/v1/assets/{asset_id}", headers=h["staff"]), 404, "not_found")
    history = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/history").json()
    last = history[-1]
    assert (last["action"], last["from_status"], last["to_status"]) == (
        "publication_blocked", "approved", "changes_requested")
    assert "IEND" in last["reason"]
    # The producer can fix it: a new file, submitted and approved again, goes live.
    r = flow.upload_version(h["producer"], asset_id, content=png())
    assert r.status_code == 201, r.text
    flow.ok(h["producer"], asset_id, "submit")
    assert flow.ok(h["reviewer"], asset_id, "approve")["status"] == "published"
    topics = _topics(asset_id)
    assert "asset.publication_blocked" in topics and topics.count("asset.published") == 1


def test_revision_waits_while_the_live_version_stays_published(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("published")
    r = flow.upload_version(h["producer"], asset_id, content=png(size=(413, 500)),
                            metadata=json.dumps({"title": "Bản cập nhật " + uuid.uuid4().hex[:6]}))
    assert r.status_code == 201, r.text
    flow.ok(h["producer"], asset_id, "submit")
    out = _approve_now(flow, h["reviewer"], asset_id).json()
    assert out["status"] == "published" and out["version"]["status"] == "approved"
    assert flow.asset(h["staff"], asset_id)["current_version"]["number"] == 1
    assert flow.process_latest(asset_id) == "succeeded"
    live = flow.asset(h["staff"], asset_id)
    assert live["current_version"]["number"] == 2 and live["title"].startswith("Bản cập nhật")


def _topics(asset_id: str) -> list[str]:
    from sqlalchemy import select

    from service.core.db import unit_of_work
    from service.models import OutboxEvent

    with unit_of_work() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        return [r.topic for r in rows if r.payload.get("asset_id") == asset_id]


def _signed_bytes(flow: Flow, href: str) -> bytes:
    """Local store links point at this app; S3 links at the test S3 server."""
    import httpx

    if href.startswith("http://testserver"):
        return flow.client.get(href.removeprefix("http://testserver")).content
    return httpx.get(href, timeout=10).content


def test_ninjs_renditions_state_the_delivered_size(flow: Flow, tree: Tree) -> None:
    """A 700×420 picture: no rendition may call itself 1600 or 1200×630; each name, width and height
    is what the downloaded file (read by Pillow) really is."""
    import io

    from PIL import Image

    asset_id = tree.asset_in("published", content=png(size=(700, 420)))
    newsroom = tree.client_headers(["assets:read", "assets:download"])
    item = flow.get(newsroom, f"/api/v1/news/items/{asset_id}").json()
    images = [r for r in item["renditions"] if r["name"] != "original" and r["contenttype"].startswith("image/")
              and r["contenttype"] != "image/tiff"]
    assert len(images) >= 8
    for rendition in images:
        path = rendition["href"].removeprefix("http://testserver") + "&redirect=false"
        link = flow.client.get(path, headers=newsroom).json()
        with Image.open(io.BytesIO(_signed_bytes(flow, link["href"]))) as made:
            assert made.size == (rendition["width"], rendition["height"]), rendition
        name = rendition["name"].split("/")[-1]
        digits = [int(t) for t in name.replace("x", "-").split("-") if t.isdigit() and len(t) >= 3]  # not 16x9
        assert all(d in made.size for d in digits), (rendition["name"], made.size)
