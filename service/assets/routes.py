from __future__ import annotations

import uuid
from typing import Annotated, Any

import anyio
import anyio.from_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from service.assets import focal, upload
from service.assets import service as assets
from service.assets.schemas import AssetOut, AssetPage, FocalIn, FocalOut, Kind
from service.core.errors import KhoError
from service.http.deps import CurrentPrincipal, DownloadPrincipal, ProducerPrincipal, RuntimeDep, SessionDep
from service.http.files import object_response
from service.http.methods import asked_for
from service.usage.hook import record_download

router = APIRouter(prefix="/api/v1/assets", tags=["assets"])

UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file", "metadata"],
        "properties": {
            "metadata": {"type": "string", "description": "JSON AssetCreate (send it before the file, so the "
                                                          "per-kind size limit applies while reading)"},
            "file": {"type": "string", "format": "binary"},
        }}}}},
    "responses": {"201": {"description": "Created"}, "409": {"description": "Duplicate file"},
                  "413": {"description": "Too large"}, "415": {"description": "Unsupported type"}},
}


@router.post("", status_code=201, response_model=AssetOut, openapi_extra=UPLOAD_DOC)
async def upload_asset(request: Request, principal: ProducerPrincipal, session: SessionDep,
                       rt: RuntimeDep) -> JSONResponse:
    content_type = request.headers.get("content-type", "")
    chunks = upload.sync_chunks(request.stream().__aiter__())
    try:
        out = await anyio.to_thread.run_sync(upload.upload_new_asset, rt, chunks, content_type, principal,
                                             session)
    except ClientDisconnect:
        raise KhoError("upload_interrupted", status=400) from None
    return JSONResponse(out.model_dump(mode="json"), status_code=201,
                        headers={"Location": f"/api/v1/assets/{out.id}"})


@router.get("", response_model=AssetPage)
def list_assets(principal: CurrentPrincipal, session: SessionDep,
                kind: Kind | None = None, status: str | None = None, org: uuid.UUID | None = None,
                topic: Annotated[list[str] | None, Query()] = None,
                audience: Annotated[list[str] | None, Query()] = None,
                level: Annotated[list[str] | None, Query()] = None,
                language: Annotated[str | None, Query(max_length=35)] = None,
                cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> AssetPage:
    rows, next_cursor = assets.list_page(session, principal, kind=kind, status=status, org_id=org,
                                         terms={"topic": topic or [], "audience": audience or [],
                                                "level": level or []}, cursor=cursor, limit=limit,
                                         language=language)
    return AssetPage(items=assets.to_out(session, rows), next_cursor=next_cursor)


@router.get("/{asset_id}", response_model=AssetOut)
def get_asset(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> AssetOut:
    return assets.to_out(session, [assets.get_visible(session, principal, asset_id)])[0]


@router.delete("/{asset_id}", status_code=204)
def delete_asset(asset_id: uuid.UUID, principal: ProducerPrincipal, session: SessionDep, rt: RuntimeDep) -> Response:
    assets.delete_draft(session, rt.store, principal, asset_id)
    return Response(status_code=204)


@router.get("/{asset_id}/original", responses={206: {"description": "Partial content"}})
def download_original(asset_id: uuid.UUID, request: Request, principal: DownloadPrincipal,
                      session: SessionDep, rt: RuntimeDep) -> Response:
    asset, version = assets.original_for_download(session, principal, asset_id)
    whole = "range" not in request.headers or request.headers["range"].startswith("bytes=0-")
    if whole and asked_for(request) == "GET":  # a HEAD delivers nothing
        record_download(session, principal, asset, None)  # one event per download, not per resumed chunk
    return object_response(request, rt.store, version.object_key, size=version.size,
                           media_type=version.media_type, filename=version.original_filename, etag=version.sha256)


FOCAL_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not a producer of the owning organisation (or an administrator above it)"},
    409: {"description": "The asset's state does not allow it (withdrawn, rejected)"},
    422: {"description": "x or y outside 0..1, or a kind of asset with no focal-point crops"},
}


@router.get("/{asset_id}/focal-point", response_model=FocalOut)
def get_focal_point(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> FocalOut:
    """The live version's focal point and the outputs cut around it (with the re-render job, if any)."""
    return focal.read_focal(session, principal, asset_id)


@router.put("/{asset_id}/focal-point", response_model=FocalOut, responses=FOCAL_ERRORS)
def put_focal_point(asset_id: uuid.UUID, body: FocalIn, principal: ProducerPrincipal,
                    session: SessionDep) -> FocalOut:
    """Move the focal point, as the focal point page does: audited, and only the crops listed in `crops` are
    re-made (in the job named by `job_id`); every other rendition stays as it is."""
    return focal.put_focal(session, principal, asset_id, body.x, body.y)
