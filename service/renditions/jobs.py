from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from service.assets import service as assets
from service.core.errors import NotFound
from service.http.deps import CurrentPrincipal, SessionDep
from service.jobs import repository
from service.jobs.public import public_error

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    status: str
    progress: float
    attempts: int
    error: str | None
    error_code: str | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: str, principal: CurrentPrincipal, session: SessionDep) -> JobOut:
    job = repository.get(session, job_id)
    if job is None or job.asset_id is None:
        raise NotFound(what="công việc / job")
    assets.get_visible(session, principal, job.asset_id)  # the job is visible iff its asset is
    out = JobOut.model_validate(job)
    return out.model_copy(update={"error": public_error(job.error)})
