from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from starlette.responses import Response

from service.http.deps import (
    AdminPrincipal,
    CurrentPrincipal,
    DownloadPrincipal,
    ProducerPrincipal,
    RuntimeDep,
    SessionDep,
)
from service.http.files import object_response
from service.http.methods import asked_for
from service.renditions import service as renditions
from service.renditions.jobs import JobOut
from service.renditions.schemas import ProfileOut, RegenerateRequest, RenditionsResponse
from service.usage.hook import record_download
from transcoding.profiles import default_profiles

router = APIRouter(prefix="/api/v1", tags=["renditions"])


@router.get("/assets/{asset_id}/renditions", response_model=RenditionsResponse)
def list_renditions(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep,
                    rt: RuntimeDep) -> RenditionsResponse:
    return renditions.list_renditions(session, rt, principal, asset_id)


@router.post("/assets/{asset_id}/renditions:regenerate", response_model=JobOut, status_code=202)
def regenerate(asset_id: uuid.UUID, body: RegenerateRequest, principal: ProducerPrincipal,
               session: SessionDep) -> JobOut:
    return JobOut.model_validate(renditions.regenerate(session, principal, asset_id, body.profiles))


@router.get("/assets/{asset_id}/renditions/{rendition_id}", responses={206: {"description": "Partial content"}})
def download_rendition(asset_id: uuid.UUID, rendition_id: uuid.UUID, request: Request,
                       principal: DownloadPrincipal, session: SessionDep, rt: RuntimeDep) -> Response:
    asset, r = renditions.get_for_download(session, principal, asset_id, rendition_id)
    whole = "range" not in request.headers or request.headers["range"].startswith("bytes=0-")
    if whole and asked_for(request) == "GET":  # a HEAD delivers nothing
        record_download(session, principal, asset, r)
    return object_response(request, rt.store, r.object_key, size=r.size, media_type=r.media_type,
                           filename=renditions.file_name(asset, r), etag=f"{r.id.hex}-{r.size}")


@router.get("/assets/{asset_id}/versions/{number}/renditions", response_model=RenditionsResponse,
            responses={404: {"description": "No such version, or not one the caller may preview"}})
def list_version_renditions(asset_id: uuid.UUID, number: int, principal: CurrentPrincipal,
                            session: SessionDep, rt: RuntimeDep) -> RenditionsResponse:
    """The renditions of one version. The live version's are what everyone who sees the asset gets; a
    pending revision's (what a reviewer approves) only its reviewers and its organisation's producers."""
    return renditions.list_version_renditions(session, rt, principal, asset_id, number)


@router.get("/assets/{asset_id}/versions/{number}/renditions/{rendition_id}",
            responses={206: {"description": "Partial content"},
                       404: {"description": "No such rendition, or of a version the caller may not preview"},
                       410: {"description": "The asset was withdrawn"}})
def download_version_rendition(asset_id: uuid.UUID, number: int, rendition_id: uuid.UUID, request: Request,
                               principal: DownloadPrincipal, session: SessionDep, rt: RuntimeDep) -> Response:
    asset, version, r = renditions.get_version_rendition(session, principal, asset_id, number, rendition_id)
    whole = "range" not in request.headers or request.headers["range"].startswith("bytes=0-")
    if whole and asked_for(request) == "GET" and version.id == asset.current_version_id:
        record_download(session, principal, asset, r)  # a preview of a pending version is not use
    return object_response(request, rt.store, r.object_key, size=r.size, media_type=r.media_type,
                           filename=renditions.file_name(asset, r), etag=f"{r.id.hex}-{r.size}")


@router.get("/profiles", response_model=list[ProfileOut])
def list_profiles(principal: AdminPrincipal) -> list[ProfileOut]:
    return [ProfileOut(name=p.name, channel=p.channel, label_vi=p.label_vi, label_en=p.label_en,
                       description_vi=p.description_vi, kinds=list(p.kinds),
                       outputs={m: [s.model_dump() for s in p.sections(m)]
                                for m in ("video", "audio", "image", "document") if p.sections(m)})
            for p in default_profiles().values()]
