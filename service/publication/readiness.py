"""Whether a version's renditions allow it to go live: ready, still being made (pending), or blocked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from service.jobs import repository as jobs_repo
from service.jobs.service import process_job_id
from service.models import Asset, Version
from service.publication import rules
from service.renditions.repository import of_version

State = Literal["ready", "pending", "blocked"]
_MAX_REASON = 300


@dataclass(frozen=True)
class Readiness:
    state: State
    code: str | None = None
    reason: str | None = None
    missing: list[str] = field(default_factory=list)


def short_reason(text: str | None) -> str:
    """The first line of a processing error, cut: never a traceback in front of a producer."""
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return first[:_MAX_REASON]


def missing_outputs(session: Session, asset: Asset, version: Version) -> list[str]:
    made = rules.made_outputs((r.profile, r.variant, r.extra or {}) for r in of_version(session, version.id))
    return rules.missing(rules.required_outputs(asset.kind, version.media_type), made)


def readiness(session: Session, asset: Asset, version: Version) -> Readiness:
    """`processed_at` is written in the same transaction as the renditions, so an approval that waits for
    the asset lock held by that transaction sees both; the job row is marked succeeded only afterwards."""
    if version.rendition_error_code:
        return Readiness("blocked", version.rendition_error_code, version.rendition_error)
    job = jobs_repo.get(session, process_job_id(version.id))
    lacking = missing_outputs(session, asset, version)
    if version.processed_at is not None or (job is not None and job.status == "succeeded"):
        if lacking:
            return Readiness("blocked", "renditions_missing", ", ".join(lacking), lacking)
        return Readiness("ready")
    if job is not None and job.status in ("failed", "cancelled"):
        return Readiness("blocked", job.error_code or job.status, short_reason(job.error) or job.status, lacking)
    return Readiness("pending", missing=lacking)
