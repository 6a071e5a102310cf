"""Review page material: version diff with real rendition previews, renditions following a metadata
revision, and comments on an asset."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from tests.service.assets.media import png
from tests.service.workflow.wf_support import Flow, Tree, problem


def _process(flow: Flow, tree: Tree, asset_id: str, number: int) -> None:
    """Run the version's processing job in this process (the real pipeline, on a tiny PNG)."""
    from service.core.runtime import current
    from service.jobs.runner import run_job

    versions = flow.get(tree.h["producer"], f"/api/v1/assets/{asset_id}/versions").json()
    version_id = next(v["id"] for v in versions if v["number"] == number)
    status = run_job(current(), f"process:{version_id}")
    if status not in ("succeeded", "skipped"):
        pytest.fail(f"processing version {number} ended {status}")


def test_diff_shows_both_previews(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("published")
    r = flow.upload_version(h["producer"], asset_id, content=png(size=(120, 90)),
                            metadata=json.dumps({"alt_text": "Ảnh mới, rõ hơn"}))
    assert r.status_code == 201, r.text
    _process(flow, tree, asset_id, 1)
    _process(flow, tree, asset_id, 2)
    diff = flow.get(h["reviewer"], f"/api/v1/assets/{asset_id}/versions/diff", **{"from": 1, "to": 2}).json()
    fields = {c["field"]: c for c in diff["changes"]}
    assert fields["alt_text"]["new"] == "Ảnh mới, rõ hơn"
    assert fields["file.size"]["old"] != fields["file.size"]["new"]
    for side in ("from_version", "to_version"):
        url = diff[side]["preview_url"]
        assert url, f"{side} has no preview"
    preview = flow.client.get(diff["to_version"]["preview_url"].replace("http://testserver", ""))
    if preview.status_code == 200:  # local store: the signed /objects URL is served by this app
        import io

        assert Image.open(io.BytesIO(preview.content)).size[0] > 0
    problem(flow.get(h["staff"], f"/api/v1/assets/{asset_id}/versions/diff"), 403)
    problem(flow.get(h["other_reviewer"], f"/api/v1/assets/{asset_id}/versions/diff"), 403)
    problem(flow.get(h["reviewer"], f"/api/v1/assets/{asset_id}/versions/diff", **{"from": 9}), 404)


def test_metadata_revision_keeps_the_renditions(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("published")
    _process(flow, tree, asset_id, 1)
    before = flow.get(h["staff"], f"/api/v1/assets/{asset_id}/renditions").json()
    ready = {(p["profile"], len(p["renditions"])) for p in before["profiles"] if p["status"] == "ready"}
    assert ready
    flow.client.patch(f"/api/v1/assets/{asset_id}", json={"title": "Tiêu đề đã sửa"}, headers=h["producer"])
    flow.ok(h["producer"], asset_id, "submit")
    flow.ok(h["reviewer"], asset_id, "approve")
    after = flow.get(h["staff"], f"/api/v1/assets/{asset_id}/renditions").json()
    assert after["version_id"] != before["version_id"]
    assert {(p["profile"], len(p["renditions"])) for p in after["profiles"] if p["status"] == "ready"} >= ready


def test_comments_on_asset_and_decisions(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("in_review")
    r = flow.client.post(f"/api/v1/assets/{asset_id}/comments", headers=h["reviewer"],
                         json={"body": "Đã kiểm tra số liệu", "version_number": 1})
    assert r.status_code == 201 and r.json()["version_id"], r.text
    flow.act(h["reviewer"], asset_id, "request-changes", "Thêm nguồn", comment="Xem trang 3 của Nghị quyết")
    comments = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/comments").json()
    assert [c["body"] for c in comments] == ["Đã kiểm tra số liệu", "Xem trang 3 của Nghị quyết"]
    assert comments[0]["review_event_id"] is None and comments[1]["review_event_id"] is not None
    history = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/history").json()
    assert history[-1]["reason"] == "Thêm nguồn"
    problem(flow.client.post(f"/api/v1/assets/{asset_id}/comments", json={"body": "x"}, headers=h["staff"]), 404)
    problem(flow.client.post(f"/api/v1/assets/{asset_id}/comments", json={"body": "x"},
                             headers=h["other_producer"]), 404)
