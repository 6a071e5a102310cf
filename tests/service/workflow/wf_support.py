"""Helpers for workflow tests: an organisation tree with one user per role, and HTTP shortcuts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import Factory
from tests.service.assets.media import meta, multipart, png

Headers = dict[str, str]


def problem(r: Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert an RFC 9457 answer with the given status (and stable code)."""
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers["content-type"]
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    if code:
        assert body["code"] == code, body
    return body


def process_latest(asset_id: str) -> str:
    """Run the processing job of the asset's latest version (the real pipeline, inline) unless it already
    ran; returns the job's final status. Publication waits for the renditions this makes."""
    from service.core.db import unit_of_work
    from service.core.runtime import current
    from service.jobs import repository as jobs_repo
    from service.jobs.runner import run_job
    from service.jobs.service import process_job_id
    from service.workflow import repository

    with unit_of_work() as session:
        version = repository.latest_version(session, uuid.UUID(asset_id))
        assert version is not None
        job_id = process_job_id(version.id)
    status = run_job(current(), job_id)
    if status == "skipped":  # already done (or running elsewhere): report what the row says
        with unit_of_work() as session:
            job = jobs_repo.get(session, job_id)
            status = job.status if job else "missing"
    return status


@dataclass
class Flow:
    client: TestClient
    factory: Factory

    def upload(self, headers: Headers, kind: str = "infographic", content: bytes | None = None,
               **extra: Any) -> str:
        extra.setdefault("alt_text", "Mô tả ảnh cho người khiếm thị")
        body, ctype = multipart(meta(kind, **extra), "anh.png", content or png())
        r = self.client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def upload_version(self, headers: Headers, asset_id: str, content: bytes | None = None,
                       metadata: str | None = None) -> Response:
        body, ctype = multipart(metadata or "{}", "moi.png", content or png())
        return self.client.post(f"/api/v1/assets/{asset_id}/versions", content=body,
                                headers={**headers, "Content-Type": ctype})

    def act(self, headers: Headers, asset_id: str, action: str, reason: str | None = None,
            **extra: Any) -> Response:
        """POST a transition. An approval first lets the latest version's renditions be made (the real
        job, inline), as a worker would have by then: publication waits for them."""
        if action == "approve":
            self.process_latest(asset_id)
        payload: dict[str, Any] = dict(extra)
        if reason is not None:
            payload["reason"] = reason
        return self.client.post(f"/api/v1/assets/{asset_id}/{action}", json=payload, headers=headers)

    def process_latest(self, asset_id: str) -> str:
        return process_latest(asset_id)

    def ok(self, headers: Headers, asset_id: str, action: str, reason: str | None = None) -> dict[str, Any]:
        r = self.act(headers, asset_id, action, reason)
        assert r.status_code == 200, (action, r.text)
        return dict(r.json())

    def get(self, headers: Headers, path: str, **params: Any) -> Response:
        return self.client.get(path, headers=headers, params=params)

    def asset(self, headers: Headers, asset_id: str) -> dict[str, Any]:
        r = self.client.get(f"/api/v1/assets/{asset_id}", headers=headers)
        assert r.status_code == 200, r.text
        return dict(r.json())


@dataclass
class Tree:
    """ministry ─ dept (owner of test assets) ─ school;  ministry ─ other (a sibling department).

    Users: admin at the ministry (their subtree covers everything), producers and staff in dept,
    a reviewer in dept and one at the ministry, a reviewer and a producer in the sibling unit."""

    flow: Flow
    codes: dict[str, str] = field(default_factory=dict)
    h: dict[str, Headers] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, flow: Flow) -> Tree:
        f = flow.factory
        t = cls(flow)
        t.codes["ministry"] = f.org("ministry")
        t.codes["dept"] = f.org("department", t.codes["ministry"])
        t.codes["school"] = f.org("school", t.codes["dept"])
        t.codes["other"] = f.org("department", t.codes["ministry"])
        for name, role, org in [("admin", "admin", "ministry"), ("producer", "producer", "dept"),
                                ("producer2", "producer", "dept"), ("staff", "staff", "dept"),
                                ("reviewer", "reviewer", "dept"), ("top_reviewer", "reviewer", "ministry"),
                                ("other_reviewer", "reviewer", "other"), ("other_producer", "producer", "other"),
                                ("school_reviewer", "reviewer", "school"), ("dept_admin", "admin", "dept")]:
            t.h[name] = t.user(name, role, t.codes[org])
        return t

    def user(self, name: str, role: str, org_code: str) -> Headers:
        _, token = self.flow.factory.user(role, org_code)
        headers = {"Authorization": f"Bearer {token}"}
        me = self.flow.client.get("/api/v1/me", headers=headers).json()
        self.ids[name] = me["id"]
        return headers

    def org_id(self, name: str) -> uuid.UUID:
        from service.core.db import unit_of_work
        from service.orgs import repository

        with unit_of_work() as session:
            org = repository.by_code(session, self.codes[name])
            assert org is not None
            return org.id

    def set_levels(self, name: str, levels: int) -> None:
        r = self.flow.client.patch(f"/api/v1/organisations/{self.org_id(name)}", json={"approval_levels": levels},
                                   headers=self.h["admin"])
        assert r.status_code == 200, r.text

    def client_headers(self, scopes: list[str], org: str = "other") -> Headers:
        from service.auth import service as auth_service
        from service.core.db import unit_of_work

        with unit_of_work() as session:
            created = auth_service.create_api_key(session, name=f"Báo {uuid.uuid4().hex[:6]}",
                                                  organisation_id=self.org_id(org), scopes=scopes)
        return {"Authorization": f"Bearer {created.key}"}

    def asset_in(self, status: str, **extra: Any) -> str:
        """A fresh asset of the dept, brought to `status` through the API."""
        flow, h = self.flow, self.h
        asset_id = flow.upload(h["producer"], **extra)
        if status == "draft":
            return asset_id
        flow.ok(h["producer"], asset_id, "submit")
        if status == "in_review":
            return asset_id
        if status == "changes_requested":
            flow.ok(h["reviewer"], asset_id, "request-changes", "Sửa lại tiêu đề")
            return asset_id
        flow.ok(h["reviewer"], asset_id, "approve")
        if status == "published":
            return asset_id
        assert status == "withdrawn", status
        flow.ok(h["reviewer"], asset_id, "withdraw", "Thông tin đã cũ")
        return asset_id
