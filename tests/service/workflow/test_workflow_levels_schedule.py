"""Two-level approval configured as data, and embargo/expiry honoured by the scheduled job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from tests.service.workflow.test_workflow_transitions import _outbox
from tests.service.workflow.wf_support import Flow, Tree, problem


def _queue_item(flow: Flow, headers: dict[str, str], asset_id: str) -> dict[str, object]:
    return {i["asset_id"]: i for i in flow.get(headers, "/api/v1/review-queue").json()}[asset_id]


def test_two_level_approval_department_then_ministry(flow: Flow, fresh_tree: Tree) -> None:
    t, h = fresh_tree, fresh_tree.h
    t.set_levels("dept", 2)
    asset_id = t.asset_in("in_review")
    # The ministry cannot give the first of two approvals: nobody would be left above it.
    assert _queue_item(flow, h["top_reviewer"], asset_id)["can_approve"] is False
    problem(flow.act(h["top_reviewer"], asset_id, "approve"), 403, "approval_level")
    out = flow.ok(h["reviewer"], asset_id, "approve")
    assert (out["status"], out["approvals"], out["approval_levels"]) == ("in_review", 1, 2)
    problem(flow.act(h["reviewer"], asset_id, "approve"), 403, "already_approved")
    problem(flow.act(h["dept_admin"], asset_id, "approve"), 403, "approval_level")  # same unit, not above
    problem(flow.client.get(f"/api/v1/assets/{asset_id}", headers=h["staff"]), 404)
    item = _queue_item(flow, h["top_reviewer"], asset_id)
    assert item["approvals"] == 1 and item["can_approve"] is True
    out = flow.ok(h["top_reviewer"], asset_id, "approve")
    assert out["status"] == "published"
    assert flow.asset(h["staff"], asset_id)["status"] == "published"


def test_changes_requested_restarts_the_approval_round(flow: Flow, fresh_tree: Tree) -> None:
    t, h = fresh_tree, fresh_tree.h
    t.set_levels("dept", 2)
    asset_id = t.asset_in("in_review")
    flow.ok(h["reviewer"], asset_id, "approve")
    flow.ok(h["top_reviewer"], asset_id, "request-changes", "Cần số liệu mới")
    flow.ok(h["producer"], asset_id, "submit")
    problem(flow.act(h["top_reviewer"], asset_id, "approve"), 403, "approval_level")
    assert flow.ok(h["reviewer"], asset_id, "approve")["approvals"] == 1


def test_approval_levels_change_is_audited(flow: Flow, fresh_tree: Tree) -> None:
    from service.audit import repository
    from service.core.db import unit_of_work

    fresh_tree.set_levels("dept", 2)
    org_id = str(fresh_tree.org_id("dept"))
    with unit_of_work() as session:
        entries = [e for e in repository.iter_entries(session) if e.target_id == org_id
                   and e.action == "organisation.updated"]
    assert entries[-1].data["before"] == {"approval_levels": 1}
    assert entries[-1].data["after"] == {"approval_levels": 2}
    problem(flow.client.patch(f"/api/v1/organisations/{fresh_tree.org_id('ministry')}",
                              json={"approval_levels": 2}, headers=fresh_tree.h["dept_admin"]), 403)


def _run_due(now: datetime) -> tuple[list[UUID], list[UUID]]:
    from service.core.db import unit_of_work
    from service.workflow.service import run_due

    with unit_of_work() as session:
        report = run_due(session, now)
    return report.released, report.expired


def test_embargo_is_released_by_the_scheduled_job(flow: Flow, tree: Tree) -> None:
    h = tree.h
    publish_at = datetime.now(UTC) + timedelta(days=2)
    asset_id = tree.asset_in("published", publish_at=publish_at.isoformat())
    assert flow.asset(h["producer"], asset_id)["published_at"] is None
    problem(flow.client.get(f"/api/v1/assets/{asset_id}", headers=h["staff"]), 404)  # embargoed
    assert "asset.published" not in [t for t, _ in _outbox(asset_id)]
    released, _ = _run_due(datetime.now(UTC))
    assert UUID(asset_id) not in released
    released, _ = _run_due(publish_at + timedelta(minutes=1))
    assert UUID(asset_id) in released
    assert [t for t, _ in _outbox(asset_id)].count("asset.published") == 1
    assert flow.asset(h["producer"], asset_id)["published_at"] is not None
    released, _ = _run_due(publish_at + timedelta(minutes=2))
    assert UUID(asset_id) not in released  # only once


def test_expiry_withdraws_automatically(flow: Flow, tree: Tree) -> None:
    h = tree.h
    expires_at = datetime.now(UTC) + timedelta(days=30)
    asset_id = tree.asset_in("published", expires_at=expires_at.isoformat())
    assert flow.asset(h["staff"], asset_id)["status"] == "published"
    _, expired = _run_due(datetime.now(UTC))
    assert UUID(asset_id) not in expired
    _, expired = _run_due(expires_at + timedelta(seconds=1))
    assert UUID(asset_id) in expired
    body = flow.asset(h["producer"], asset_id)
    assert body["status"] == "withdrawn" and "expired" in body["withdrawn_reason"].lower()
    history = flow.get(h["producer"], f"/api/v1/assets/{asset_id}/history").json()
    assert history[-1]["action"] == "withdraw" and history[-1]["actor_id"] is None
    assert "asset.withdrawn" in [t for t, _ in _outbox(asset_id)]
    problem(flow.client.get(f"/api/v1/assets/{asset_id}/original", headers=h["producer"]), 410)


def test_scheduled_module_is_registered() -> None:
    from service.worker.scheduled import SCHEDULED

    assert any(fn.__module__ == "service.workflow.scheduled" for fn in SCHEDULED)
