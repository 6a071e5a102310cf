from __future__ import annotations

import uuid
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from service.assets import service as assets
from service.assets.schemas import AssetOut, AssetPatch
from service.assets.upload import sync_chunks
from service.core.errors import KhoError
from service.http.deps import CurrentPrincipal, ProducerPrincipal, ReviewerPrincipal, RuntimeDep, SessionDep
from service.publication.schemas import PublicationOut
from service.workflow import queries, revisions
from service.workflow import service as workflow
from service.workflow.schemas import (
    CommentIn,
    CommentOut,
    DecisionIn,
    DiffOut,
    DownloadersOut,
    QueueItem,
    ReviewEventOut,
    TransitionOut,
    VersionOutFull,
    WithdrawOut,
)
from service.workflow.upload import ingest_version

router = APIRouter(prefix="/api/v1", tags=["workflow"])

def _body(body: DecisionIn | None) -> DecisionIn:
    return body or DecisionIn()


# Here, not in the assets router: an edit of a published asset proposes a revision, which is workflow's.
@router.patch("/assets/{asset_id}", response_model=AssetOut, tags=["assets"])
def patch_asset(asset_id: uuid.UUID, body: AssetPatch, principal: ProducerPrincipal,
                session: SessionDep) -> AssetOut:
    return assets.to_out(session, [revisions.update_metadata(session, principal, asset_id, body)])[0]


@router.post("/assets/{asset_id}/submit", response_model=TransitionOut)
def submit(asset_id: uuid.UUID, principal: ProducerPrincipal, session: SessionDep,
           body: DecisionIn | None = None) -> TransitionOut:
    return workflow.submit(session, principal, asset_id, _body(body))


@router.post("/assets/{asset_id}/approve", response_model=TransitionOut)
def approve(asset_id: uuid.UUID, principal: ReviewerPrincipal, session: SessionDep,
            body: DecisionIn | None = None) -> TransitionOut:
    return workflow.approve(session, principal, asset_id, _body(body))


@router.post("/assets/{asset_id}/request-changes", response_model=TransitionOut)
def request_changes(asset_id: uuid.UUID, principal: ReviewerPrincipal, session: SessionDep,
                    body: DecisionIn) -> TransitionOut:
    return workflow.request_changes(session, principal, asset_id, body)


@router.post("/assets/{asset_id}/reject", response_model=TransitionOut)
def reject(asset_id: uuid.UUID, principal: ReviewerPrincipal, session: SessionDep,
           body: DecisionIn) -> TransitionOut:
    return workflow.reject(session, principal, asset_id, body)


@router.post("/assets/{asset_id}/withdraw", response_model=WithdrawOut)
def withdraw(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep,
             body: DecisionIn) -> WithdrawOut:
    return workflow.withdraw(session, principal, asset_id, body)


@router.get("/review-queue", response_model=list[QueueItem])
def review_queue(principal: ReviewerPrincipal, session: SessionDep,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[QueueItem]:
    return queries.review_queue(session, principal, limit)


@router.get("/assets/{asset_id}/downloaders", response_model=DownloadersOut)
def downloaders(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> DownloadersOut:
    return queries.downloaders(session, principal, asset_id)


@router.get("/assets/{asset_id}/publication", response_model=PublicationOut)
def publication(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> PublicationOut:
    """Ready, pending (renditions being made) or blocked (a required rendition failed, with the reason)."""
    return queries.publication(session, principal, asset_id)


@router.get("/assets/{asset_id}/versions", response_model=list[VersionOutFull])
def list_versions(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[VersionOutFull]:
    return queries.versions(session, principal, asset_id)


VERSION_UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"metadata": {"type": "string", "description": "optional JSON AssetPatch"},
                       "file": {"type": "string", "format": "binary"}}}}}},
    "responses": {"201": {"description": "Version created (pending approval if the asset is published)"},
                  "409": {"description": "Duplicate, unchanged file or wrong state"}},
}


@router.post("/assets/{asset_id}/versions", status_code=201, response_model=VersionOutFull,
             openapi_extra=VERSION_UPLOAD_DOC)
async def upload_version(asset_id: uuid.UUID, request: Request, principal: ProducerPrincipal,
                         session: SessionDep, rt: RuntimeDep) -> JSONResponse:
    chunks = sync_chunks(request.stream().__aiter__())
    try:
        out = await anyio.to_thread.run_sync(ingest_version, rt, chunks, request.headers.get("content-type", ""),
                                             principal, session, asset_id)
    except ClientDisconnect:
        raise KhoError("upload_interrupted", status=400) from None
    return JSONResponse(out.model_dump(mode="json"), status_code=201)


@router.get("/assets/{asset_id}/versions/diff", response_model=DiffOut)
def diff(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, rt: RuntimeDep,
         from_: Annotated[str | None, Query(alias="from")] = None,
         to: str | None = None) -> DiffOut:
    return queries.diff(session, rt, principal, asset_id, from_, to)


@router.get("/assets/{asset_id}/history", response_model=list[ReviewEventOut])
def history(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[ReviewEventOut]:
    return queries.history(session, principal, asset_id)


@router.get("/assets/{asset_id}/comments", response_model=list[CommentOut])
def list_comments(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> list[CommentOut]:
    return queries.comments(session, principal, asset_id)


@router.post("/assets/{asset_id}/comments", response_model=CommentOut, status_code=201)
def add_comment(asset_id: uuid.UUID, body: CommentIn, principal: CurrentPrincipal,
                session: SessionDep) -> CommentOut:
    return queries.add_comment(session, principal, asset_id, body)
