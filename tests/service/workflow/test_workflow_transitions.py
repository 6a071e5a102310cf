"""Every transition of the state machine, and the forbidden ones (403/409/422 as problem+json)."""

from __future__ import annotations

from typing import Any

import pytest

from service.core.runtime import current
from tests.service.workflow.wf_support import Flow, Tree, problem


def _outbox(asset_id: str) -> list[tuple[str, dict[str, Any]]]:
    from sqlalchemy import select

    from service.core.db import unit_of_work
    from service.models import OutboxEvent

    with unit_of_work() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        return [(r.topic, r.payload) for r in rows if r.payload.get("asset_id") == asset_id]


def _audit_actions(asset_id: str) -> list[str]:
    from service.audit import repository
    from service.core.db import unit_of_work

    with unit_of_work() as session:
        return [e.action for e in repository.iter_entries(session) if e.target_id == asset_id]


def test_draft_to_published_with_events_and_audit(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = flow.upload(h["producer"])
    out = flow.ok(h["producer"], asset_id, "submit")
    assert out["status"] == "in_review" and out["version"]["status"] == "in_review"
    # Staff never see an asset under review.
    problem(flow.client.get(f"/api/v1/assets/{asset_id}", headers=h["staff"]), 404, "not_found")
    out = flow.ok(h["reviewer"], asset_id, "approve")
    assert out["status"] == "published" and out["version"]["status"] == "published"
    body = flow.asset(h["staff"], asset_id)
    assert body["status"] == "published" and body["published_at"]
    topics = [t for t, _ in _outbox(asset_id)]
    assert topics.count("asset.published") == 1
    assert topics.count("asset.changed") >= 3  # upload, submit, approve
    actions = _audit_actions(asset_id)
    assert {"asset.submit", "asset.approve"} <= set(actions)
    history = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/history").json()
    assert [(e["action"], e["from_status"], e["to_status"]) for e in history] == [
        ("submit", "draft", "in_review"), ("approve", "in_review", "published")]


def test_changes_requested_then_resubmitted(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("in_review")
    problem(flow.act(h["reviewer"], asset_id, "request-changes"), 422, "reason_required")
    out = flow.ok(h["reviewer"], asset_id, "request-changes", "Thiếu nguồn trích dẫn")
    assert out["status"] == "changes_requested"
    r = flow.client.patch(f"/api/v1/assets/{asset_id}", json={"credit": "Bộ GDĐT"}, headers=h["producer"])
    assert r.status_code == 200 and r.json()["rights"]["credit"] == "Bộ GDĐT"
    assert flow.ok(h["producer"], asset_id, "submit")["status"] == "in_review"
    assert flow.ok(h["reviewer"], asset_id, "approve")["status"] == "published"
    comments = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/comments").json()
    assert [c["body"] for c in comments] == ["Thiếu nguồn trích dẫn"] and comments[0]["review_event_id"]


def test_reject_closes_the_version(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("in_review")
    out = flow.ok(h["reviewer"], asset_id, "reject", "Không phù hợp")
    assert out["status"] == "draft" and out["version"]["status"] == "rejected"
    problem(flow.act(h["producer"], asset_id, "submit"), 409, "invalid_state")
    r = flow.upload_version(h["producer"], asset_id)
    assert r.status_code == 201 and r.json()["number"] == 2, r.text
    assert flow.ok(h["producer"], asset_id, "submit")["version"]["number"] == 2


def test_forbidden_transitions_answer_409(flow: Flow, tree: Tree) -> None:
    h = tree.h
    draft = tree.asset_in("draft")
    problem(flow.act(h["reviewer"], draft, "approve"), 409, "invalid_state")
    problem(flow.act(h["reviewer"], draft, "request-changes", "x"), 409, "invalid_state")
    problem(flow.act(h["reviewer"], draft, "reject", "x"), 409, "invalid_state")
    problem(flow.act(h["reviewer"], draft, "withdraw", "x"), 409, "invalid_state")
    in_review = tree.asset_in("in_review")
    problem(flow.act(h["producer"], in_review, "submit"), 409, "invalid_state")
    problem(flow.client.patch(f"/api/v1/assets/{in_review}", json={"title": "Mới"}, headers=h["producer"]),
            409, "invalid_state")
    published = tree.asset_in("published")
    problem(flow.act(h["producer"], published, "submit"), 409, "invalid_state")
    problem(flow.act(h["reviewer"], published, "approve"), 409, "invalid_state")
    problem(flow.client.delete(f"/api/v1/assets/{published}", headers=h["producer"]), 409, "invalid_state")
    withdrawn = tree.asset_in("withdrawn")
    for action in ("submit", "approve", "withdraw"):
        who = h["producer"] if action == "submit" else h["reviewer"]
        problem(flow.act(who, withdrawn, action, "x"), 409, "invalid_state")
    problem(flow.upload_version(h["producer"], withdrawn), 409, "invalid_state")


def test_self_approval_is_refused(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = flow.upload(h["dept_admin"])  # an admin may both edit and review …
    flow.ok(h["dept_admin"], asset_id, "submit")
    problem(flow.act(h["dept_admin"], asset_id, "approve"), 403, "self_approval")  # … but not their own asset
    problem(flow.act(h["dept_admin"], asset_id, "request-changes", "x"), 403, "self_approval")
    assert flow.ok(h["reviewer"], asset_id, "approve")["status"] == "published"


def test_cross_subtree_review_is_refused(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("in_review")
    problem(flow.act(h["other_reviewer"], asset_id, "approve"), 404)  # cannot even see it
    problem(flow.act(h["school_reviewer"], asset_id, "approve"), 404)  # a unit below is not above
    published = tree.asset_in("published")
    problem(flow.act(h["other_reviewer"], published, "withdraw", "x"), 403, "forbidden")
    queue = flow.get(h["other_reviewer"], "/api/v1/review-queue").json()
    assert asset_id not in {i["asset_id"] for i in queue}
    queue = flow.get(h["top_reviewer"], "/api/v1/review-queue").json()
    assert asset_id in {i["asset_id"] for i in queue}  # the ministry reviews everything below it
    problem(flow.get(h["producer"], "/api/v1/review-queue"), 403, "forbidden")


@pytest.mark.slow  # waits for a pull to age in the outbox
def test_withdrawal_lists_a_newsroom_whose_pull_is_still_in_the_outbox(flow: Flow, tree: Tree) -> None:
    """A newsroom page's pull waits in the outbox for the pump; the withdrawal settles it before it lists
    (and notifies) who took the asset, and the pump later finds nothing left to count twice."""
    from service.outbox.pump import drain

    h = tree.h
    asset_id = tree.asset_in("published")
    newsroom = tree.client_headers(["assets:read"])
    assert flow.client.get(f"/api/v1/news/items/{asset_id}", headers=newsroom).status_code == 200
    client_id = flow.client.get("/api/v1/me", headers=newsroom).json()["id"]
    out = flow.ok(h["reviewer"], asset_id, "withdraw", "Số liệu đã được cập nhật")
    assert [(c["id"], c["downloads"]) for c in out["downloaders"]["api_clients"]] == [(client_id, 1)]
    while drain(current()):
        pass
    assert flow.get(h["producer"], f"/api/v1/assets/{asset_id}/downloaders").json() == out["downloaders"]


def test_alt_text_required_for_infographics_and_posters(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = flow.upload(h["producer"], alt_text="")
    problem(flow.act(h["producer"], asset_id, "submit"), 422, "alt_text_required")
    flow.client.patch(f"/api/v1/assets/{asset_id}", json={"alt_text": "Biểu đồ 5 giải pháp"}, headers=h["producer"])
    flow.ok(h["producer"], asset_id, "submit")


def test_withdraw_blocks_downloads_and_lists_downloaders(flow: Flow, tree: Tree) -> None:
    h = tree.h
    asset_id = tree.asset_in("published")
    newsroom = tree.client_headers(["assets:read", "assets:download"])
    school_staff = tree.user("school_staff", "staff", tree.codes["school"])
    for who in (newsroom, school_staff, school_staff):
        assert flow.client.get(f"/api/v1/assets/{asset_id}/original", headers=who).status_code == 200
    client_id = flow.client.get("/api/v1/me", headers=newsroom).json()["id"]
    problem(flow.act(h["reviewer"], asset_id, "withdraw"), 422, "reason_required")
    out = flow.ok(h["reviewer"], asset_id, "withdraw", "Số liệu đã được cập nhật")
    assert out["status"] == "withdrawn" and out["reason"] == "Số liệu đã được cập nhật"
    assert {o["code"] for o in out["downloaders"]["organisations"]} == {tree.codes["school"], tree.codes["other"]}
    assert [(c["id"], c["downloads"]) for c in out["downloaders"]["api_clients"]] == [(client_id, 1)]
    assert {o["code"]: o["downloads"] for o in out["downloaders"]["organisations"]}[tree.codes["school"]] == 2
    assert flow.get(h["producer"], f"/api/v1/assets/{asset_id}/downloaders").json() == out["downloaders"]
    body = problem(flow.client.get(f"/api/v1/assets/{asset_id}/original", headers=h["producer"]), 410)
    assert body["reason"] == "Số liệu đã được cập nhật"
    problem(flow.client.get(f"/api/v1/assets/{asset_id}/original", headers=newsroom), 404)
    withdrawn = [p for t, p in _outbox(asset_id) if t == "asset.withdrawn"]
    assert withdrawn and withdrawn[0]["api_client_ids"] == [client_id]
    assert "asset.withdrawn_download_attempt" in _audit_actions(asset_id)


def test_urgent_asset_tops_the_queue_and_notifies_reviewers(flow: Flow, tree: Tree) -> None:
    h = tree.h
    normal = tree.asset_in("in_review")
    urgent = tree.asset_in("in_review", urgent=True)
    queue = [i["asset_id"] for i in flow.get(h["reviewer"], "/api/v1/review-queue").json()]
    assert queue.index(urgent) < queue.index(normal)
    assert queue[0] == urgent or flow.get(h["reviewer"], "/api/v1/review-queue").json()[0]["urgent"]
    notices = [p for t, p in _outbox(urgent) if t == "review.urgent"]
    assert len(notices) == 1
    assert {tree.ids["reviewer"], tree.ids["top_reviewer"]} <= set(notices[0]["reviewer_ids"])
    assert tree.ids["other_reviewer"] not in notices[0]["reviewer_ids"]
    assert not [p for t, p in _outbox(normal) if t == "review.urgent"]
