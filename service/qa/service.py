"""Q&A set use cases: refuse an unreadable file at upload, read a version's items and import report."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from service.assets import policy
from service.assets import repository as assets_repo
from service.assets import service as assets
from service.core.errors import KhoError, NotFound
from service.identity.principal import Principal
from service.jobs import repository as jobs_repo
from service.jobs import service as jobs
from service.jobs.public import public_error
from service.models import Asset, Version
from service.models.base import utcnow
from service.qa import items as qa_items
from service.qa.schemas import QaSetOut, VersionRef
from service.workflow import repository as workflow_repo


def require_qa_set(asset: Asset) -> None:
    if asset.kind != "qa_set":
        raise KhoError("qa_not_a_set", status=409)


def pick_version(session: Session, principal: Principal, asset: Asset, number: int | None) -> Version:
    """The current version, or version `number` if the principal may see it (workspace members see
    pending, rejected and superseded versions; everyone else only the live one)."""
    if number is None:
        current = asset.current_version_id
        version = assets_repo.get_version(session, current) if current else None
    else:
        version = workflow_repo.version_by_number(session, asset.id, number)
    owner_path = assets_repo.owner_path(session, asset)
    if version is None or not policy.version_visible(principal, asset, version, owner_path, utcnow()):
        raise NotFound(what="phiên bản / version")
    return version


def version_ref(version: Version) -> VersionRef:
    return VersionRef(id=version.id, number=version.number, status=version.status)


def get_qa(session: Session, principal: Principal, asset_id: uuid.UUID,
           number: int | None = None) -> QaSetOut:
    asset = assets.get_visible(session, principal, asset_id)
    require_qa_set(asset)
    version = pick_version(session, principal, asset, number)
    rows = qa_items.items_of(session, version.id)
    report = version.probe.get("import") if isinstance(version.probe, dict) else None
    job = jobs_repo.get(session, jobs.process_job_id(version.id))
    if report is not None:
        state = "ready"
    elif job is None:
        state = "pending"
    else:
        state = {"failed": "failed", "cancelled": "failed"}.get(job.status, "processing")
    items = [qa_items.to_out(row.position + 1, qa_items.to_model(row)) for row in rows]
    return QaSetOut(asset_id=asset.id, version=version_ref(version), state=state,
                    job_id=job.id if job else None,
                    job_error=public_error(job.error) if job and state == "failed" else None,
                    count=len(items), items=items, import_report=report)
