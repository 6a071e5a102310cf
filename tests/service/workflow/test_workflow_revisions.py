"""Editing a published asset: the old version stays published, the change waits as a new version."""

from __future__ import annotations

import json

from tests.service.workflow.test_workflow_transitions import _outbox
from tests.service.workflow.wf_support import Flow, Tree, problem


def test_metadata_edit_of_published_asset_needs_approval(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("published", title="Tiêu đề cũ")
    r = flow.client.patch(f"/api/v1/assets/{asset_id}", json={"title": "Tiêu đề mới", "tags": [" Đổi Mới "]},
                          headers=h["producer"])
    assert r.status_code == 200 and r.json()["title"] == "Tiêu đề cũ", r.text
    # A second edit merges into the same pending version.
    flow.client.patch(f"/api/v1/assets/{asset_id}", json={"summary": "Tóm tắt mới"}, headers=h["producer"])
    assert flow.asset(h["staff"], asset_id)["title"] == "Tiêu đề cũ"
    versions = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/versions").json()
    assert [(v["number"], v["status"]) for v in versions] == [(1, "published"), (2, "draft")]
    assert versions[1]["proposed"] == {"title": "Tiêu đề mới", "tags": ["đổi mới"], "summary": "Tóm tắt mới"}
    problem(flow.get(h["staff"], f"/api/v1/assets/{asset_id}/versions"), 403, "forbidden")

    out = flow.ok(h["producer"], asset_id, "submit")
    assert out["status"] == "published" and out["version"] == {**out["version"], "number": 2, "status": "in_review"}
    queue = {i["asset_id"]: i for i in flow.get(h["reviewer"], "/api/v1/review-queue").json()}
    assert queue[asset_id]["is_revision"] and queue[asset_id]["title"] == "Tiêu đề mới"
    assert flow.asset(h["staff"], asset_id)["title"] == "Tiêu đề cũ"  # still live while under review

    diff = flow.get(h["reviewer"], f"/api/v1/assets/{asset_id}/versions/diff", **{"from": 1, "to": 2}).json()
    changes = {c["field"]: (c["old"], c["new"]) for c in diff["changes"]}
    assert changes["title"] == ("Tiêu đề cũ", "Tiêu đề mới")
    assert changes["tags"] == ([], ["đổi mới"])
    assert "file.sha256" not in changes

    out = flow.ok(h["reviewer"], asset_id, "approve")
    assert out["status"] == "published" and out["version"]["status"] == "published"
    live = flow.asset(h["staff"], asset_id)
    assert live["title"] == "Tiêu đề mới" and live["summary"] == "Tóm tắt mới" and live["tags"] == ["đổi mới"]
    assert live["current_version"]["number"] == 2
    versions = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/versions").json()
    assert [(v["number"], v["status"]) for v in versions] == [(1, "superseded"), (2, "published")]
    topics = [t for t, _ in _outbox(asset_id)]
    assert "asset.superseded" in topics and "asset.updated" in topics
    # The superseded version still diffs against its own snapshot.
    diff = flow.get(h["reviewer"], f"/api/v1/assets/{asset_id}/versions/diff", **{"from": 1, "to": 2}).json()
    assert {c["field"] for c in diff["changes"]} == {"title", "summary", "tags"}


def test_new_file_version_of_published_asset(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("published")
    old = flow.asset(h["staff"], asset_id)["current_version"]
    r = flow.upload_version(h["producer"], asset_id, metadata=json.dumps({"title": "Bản cập nhật"}))
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 2 and r.json()["status"] == "draft"
    assert flow.asset(h["staff"], asset_id)["current_version"]["sha256"] == old["sha256"]
    original = flow.client.get(f"/api/v1/assets/{asset_id}/original", headers=h["staff"])
    assert original.status_code == 200
    flow.ok(h["producer"], asset_id, "submit")
    problem(flow.upload_version(h["producer"], asset_id), 409, "invalid_state")  # frozen while in review
    flow.ok(h["reviewer"], asset_id, "approve")
    live = flow.asset(h["staff"], asset_id)
    assert live["current_version"]["number"] == 2 and live["title"] == "Bản cập nhật"
    assert live["current_version"]["sha256"] != old["sha256"]
    diff = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/versions/diff").json()  # live → latest
    assert (diff["from_version"]["number"], diff["to_version"]["number"], diff["changes"]) == (2, 2, [])
    diff = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/versions/diff", **{"from": 1, "to": 2}).json()
    assert {"file.sha256", "title"} <= {c["field"] for c in diff["changes"]}


def test_version_upload_refusals(flow: Flow, tree: Tree) -> None:
    from tests.service.assets.media import png

    h = tree.h
    content = png()
    asset_id = flow.upload(h["producer"], content=content)
    problem(flow.upload_version(h["producer"], asset_id, content=content), 409, "no_change")
    other = flow.upload(h["producer"])
    problem(flow.upload_version(h["producer"], other, content=content), 409, "duplicate_file")
    problem(flow.upload_version(h["other_producer"], asset_id), 404)
    problem(flow.upload_version(h["staff"], asset_id), 403)
    # A draft's new file simply replaces the draft version.
    r = flow.upload_version(h["producer"], asset_id)
    assert r.status_code == 201 and r.json()["status"] == "draft"
    assert flow.asset(h["producer"], asset_id)["current_version"]["number"] == 2


def test_withdrawing_closes_a_pending_revision(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("published")
    flow.client.patch(f"/api/v1/assets/{asset_id}", json={"title": "Sẽ không lên"}, headers=h["producer"])
    flow.ok(h["producer"], asset_id, "withdraw", "Gỡ để rà soát")
    versions = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/versions").json()
    assert [v["status"] for v in versions] == ["published", "rejected"]
    problem(flow.client.patch(f"/api/v1/assets/{asset_id}", json={"title": "x"}, headers=h["producer"]),
            409, "invalid_state")
