"""Authorisation matrix: role × endpoint × asset status → expected answer, asserted by real HTTP calls.

Cells: "+" allowed (2xx; for list and queue: the asset is in the answer), "-" answered 200 but the asset is
not in it, or the exact refusal: "3" 403, "4" 404, "9" 409, "G" 410 (all as problem+json).
Columns are the statuses draft, in_review, changes_requested, published, withdrawn.

The assets are owned by the department `dept`. admin: ministry admin (dept is in their subtree);
producer: dept; producer_other / reviewer_out: the sibling department; reviewer_in: dept; staff: dept;
clients: a newsroom key with assets:read + assets:download, and one with only webhooks:manage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from httpx import Response

from tests.service.workflow.wf_support import Flow, Headers, Tree

STATUSES = ("draft", "in_review", "changes_requested", "published", "withdrawn")
ROLES = ("admin", "producer", "producer_other", "reviewer_in", "reviewer_out", "staff", "client", "client_noscope")
PUBLIC = {"admin": "+++++", "producer": "+++++", "producer_other": "444+4", "reviewer_in": "+++++",
          "reviewer_out": "444+4", "staff": "444+4", "client": "444+4", "client_noscope": "44444"}
ONLY_EDITORS = {"producer_other": "44434", "reviewer_in": "33333", "reviewer_out": "33333", "staff": "33333",
                "client": "33333", "client_noscope": "33333"}

TABLE: dict[str, dict[str, str]] = {
    "list": {"admin": "+++++", "producer": "+++++", "producer_other": "---+-", "reviewer_in": "+++++",
             "reviewer_out": "---+-", "staff": "---+-", "client": "---+-", "client_noscope": "-----"},
    "detail": PUBLIC,
    "job": PUBLIC,
    "renditions": PUBLIC,
    "original": {"admin": "++++G", "producer": "++++G", "producer_other": "444+4", "reviewer_in": "++++G",
                 "reviewer_out": "444+4", "staff": "444+4", "client": "444+4", "client_noscope": "33333"},
    "patch": {"admin": "+9++9", "producer": "+9++9", **ONLY_EDITORS},
    "delete": {"admin": "+9999", "producer": "+9999", **ONLY_EDITORS},
    "submit": {"admin": "+9+99", "producer": "+9+99", **ONLY_EDITORS},
    "approve": {"admin": "9+999", "producer": "33333", "producer_other": "33333", "reviewer_in": "9+999",
                "reviewer_out": "44434", "staff": "33333", "client": "33333", "client_noscope": "33333"},
    "withdraw": {"admin": "999+9", "producer": "999+9", "producer_other": "44434", "reviewer_in": "999+9",
                 "reviewer_out": "44434", "staff": "44434", "client": "44434", "client_noscope": "44444"},
    "queue": {"admin": "-+---", "producer": "33333", "producer_other": "33333", "reviewer_in": "-+---",
              "reviewer_out": "-----", "staff": "33333", "client": "33333", "client_noscope": "33333"},
}
MUTATING = {"patch", "delete", "submit", "approve", "withdraw"}
CODES = {"3": 403, "4": 404, "9": 409, "G": 410}


@dataclass
class World:
    tree: Tree
    roles: dict[str, Headers]
    base: dict[str, str]  # status → asset id, shared by every cell that must not change it
    jobs: dict[str, str]  # asset id → its processing job id


def _job_id(flow: Flow, tree: Tree, asset_id: str) -> str:
    return f"process:{flow.asset(tree.h['producer'], asset_id)['current_version']['id']}"


@pytest.fixture(scope="session")
def world(shared_flow: Flow) -> World:
    tree = Tree.build(shared_flow)
    h = tree.h
    roles = {"admin": h["admin"], "producer": h["producer"], "producer_other": h["other_producer"],
             "reviewer_in": h["reviewer"], "reviewer_out": h["other_reviewer"], "staff": h["staff"],
             "client": tree.client_headers(["assets:read", "assets:download"]),
             "client_noscope": tree.client_headers(["webhooks:manage"])}
    base = {status: tree.asset_in(status) for status in STATUSES}
    return World(tree, roles, base, {a: _job_id(shared_flow, tree, a) for a in base.values()})


def _call(flow: Flow, world: World, endpoint: str, headers: Headers, asset_id: str) -> Response:
    c = flow.client
    url = f"/api/v1/assets/{asset_id}"
    calls: dict[str, Callable[[], Response]] = {
        "list": lambda: c.get("/api/v1/assets", params={"org": str(world.tree.org_id("dept")), "limit": 200},
                              headers=headers),
        "detail": lambda: c.get(url, headers=headers),
        "job": lambda: c.get(f"/api/v1/jobs/{world.jobs.get(asset_id) or _job_id(flow, world.tree, asset_id)}",
                             headers=headers),
        "renditions": lambda: c.get(f"{url}/renditions", headers=headers),
        "original": lambda: c.get(f"{url}/original", headers=headers),
        "patch": lambda: c.patch(url, json={"summary": "Tóm tắt sửa đổi"}, headers=headers),
        "delete": lambda: c.delete(url, headers=headers),
        "submit": lambda: c.post(f"{url}/submit", json={}, headers=headers),
        "approve": lambda: c.post(f"{url}/approve", json={}, headers=headers),
        "withdraw": lambda: c.post(f"{url}/withdraw", json={"reason": "Kiểm tra ma trận quyền"}, headers=headers),
        "queue": lambda: c.get("/api/v1/review-queue", params={"limit": 500}, headers=headers),
    }
    return calls[endpoint]()


def _listed(r: Response, asset_id: str) -> bool:
    body = r.json()
    items = body["items"] if isinstance(body, dict) else body
    return asset_id in {str(i.get("id") or i.get("asset_id")) for i in items}


def _check(r: Response, expected: str, asset_id: str) -> str | None:
    """None if the answer matches the cell, else a description of the mismatch."""
    if expected in "+-" and r.status_code in (200, 201, 204):
        if r.request.url.path.endswith(("/assets", "/review-queue")):
            return None if _listed(r, asset_id) == (expected == "+") else f"listed={not expected == '+'}"
        return None if expected == "+" else f"got {r.status_code}"
    if expected in CODES and r.status_code == CODES[expected]:
        ok = r.headers.get("content-type", "").startswith("application/problem+json")
        return None if ok else "not problem+json"
    return f"got {r.status_code}: {r.text[:160]}"


@pytest.mark.parametrize("endpoint", list(TABLE))
@pytest.mark.parametrize("role", ROLES)
def test_authorisation_matrix(shared_flow: Flow, world: World, role: str, endpoint: str) -> None:
    failures = []
    for status, expected in zip(STATUSES, TABLE[endpoint][role], strict=True):
        asset_id = world.base[status]
        if endpoint in MUTATING and expected == "+":
            asset_id = world.tree.asset_in(status)  # an allowed change gets its own asset
        problem = _check(_call(shared_flow, world, endpoint, world.roles[role], asset_id), expected, asset_id)
        if problem:
            failures.append(f"{role} {endpoint} {status}: expected {expected!r}, {problem}")
    assert not failures, "\n".join(failures)


def test_refusals_left_the_shared_assets_untouched(shared_flow: Flow, world: World) -> None:
    """Runs after the matrix (same module, same session fixture): no refused call changed anything."""
    for status, asset_id in world.base.items():
        body = shared_flow.asset(world.tree.h["producer"], asset_id)
        assert body["status"] == status
        assert body["summary"] == "Tóm tắt"
