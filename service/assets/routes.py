from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import anyio
import anyio.from_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from service.assets import service as assets
from service.assets.ingest import store_original
from service.assets.multipart import MultipartStream, boundary_of
from service.assets.schemas import AssetCreate, AssetOut, AssetPage, AssetPatch, Kind
from service.config import get_settings
from service.deps import CurrentPrincipal, DownloadPrincipal, ProducerPrincipal, SessionDep
from service.errors import BadRequest, KhoError, PayloadTooLarge, UnsupportedMedia
from service.http_files import object_response
from service.qa import service as qa_service
from service.runtime import get_store
from service.usage_hook import record_download
from transcoding.sniff import KIND_TYPES

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


def _sync_chunks(stream: AsyncIterator[bytes]) -> Iterator[bytes]:
    """Pull request-body chunks from the event loop into this worker thread, one at a time."""
    while True:
        try:
            yield anyio.from_thread.run(stream.__anext__)  # type: ignore[arg-type]
        except StopAsyncIteration:
            return


def _metadata(fields: dict[str, str]) -> AssetCreate:
    try:
        raw: dict[str, Any] = json.loads(fields["metadata"]) if "metadata" in fields else {}
        if not isinstance(raw, dict):
            raise ValueError("metadata must be a JSON object")
    except ValueError as exc:
        raise KhoError("malformed_metadata", status=422, reason=str(exc)[:300]) from exc
    for name, value in fields.items():
        if name != "metadata":
            raw.setdefault(name, value)
    try:
        return AssetCreate.model_validate(raw)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise KhoError("malformed_metadata", status=422, reason=reasons,
                       extra={"errors": json.loads(exc.json(include_url=False))[:20]}) from exc


def _declared_kind(fields: dict[str, str]) -> str | None:
    """The kind, if the metadata arrived before the file (then its size limit applies while reading)."""
    kind = fields.get("kind")
    if not kind and "metadata" in fields:
        try:
            raw = json.loads(fields["metadata"])
            kind = raw.get("kind") if isinstance(raw, dict) else None
        except ValueError:
            kind = None
    return kind if kind in KIND_TYPES else None


def _ingest(chunks: Iterator[bytes], content_type: str, principal: CurrentPrincipal, session: SessionDep) -> AssetOut:
    stream = MultipartStream(chunks, boundary_of(content_type))
    settings = get_settings()
    fields: dict[str, str] = {}
    stored = None
    filename = ""
    asset_id = uuid.uuid4()
    store = get_store()
    try:
        while (part := stream.next_part()) is not None:
            if part.filename is None:
                fields[part.name] = part.read_all(1024 * 1024).decode("utf-8", "replace")
                continue
            if part.name != "file" or stored is not None:
                raise BadRequest("bad_multipart", reason=f"unexpected file field '{part.name}'")
            kind = _declared_kind(fields)
            limit = settings.upload_limits.get(kind, settings.max_upload_bytes) if kind else settings.max_upload_bytes
            filename = part.filename or "upload"
            stored = store_original(store, part, kind=kind, limit=limit, asset_id=asset_id, version=1)
        if stored is None:
            raise BadRequest("missing_file")
        meta = _metadata(fields)
        if meta.kind not in settings.upload_limits or stored.size > settings.upload_limits[meta.kind]:
            raise PayloadTooLarge(limit_mb=settings.upload_limits.get(meta.kind, 0) // 2**20, kind=meta.kind)
        if stored.media_type not in KIND_TYPES[meta.kind]:
            raise UnsupportedMedia("kind_mismatch", media_type=stored.media_type, kind=meta.kind)
        if meta.kind == "qa_set":  # an unreadable Q&A file is refused now, naming the bad row, not later by a job
            qa_service.validate_stored_original(store, stored.key, stored.media_type, filename=filename)
        asset = assets.create_from_upload(session, store, principal, meta, stored, filename, asset_id)
        return assets.to_out(session, [asset])[0]
    except BaseException:
        # Errors before the row exists (bad metadata, wrong kind, client gone): drop the stored bytes now.
        if stored is not None:
            store.delete(stored.key)
        raise


@router.post("", status_code=201, response_model=AssetOut, openapi_extra=UPLOAD_DOC)
async def upload_asset(request: Request, principal: ProducerPrincipal, session: SessionDep) -> JSONResponse:
    content_type = request.headers.get("content-type", "")
    chunks = _sync_chunks(request.stream().__aiter__())
    try:
        out = await anyio.to_thread.run_sync(_ingest, chunks, content_type, principal, session)
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
                cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> AssetPage:
    rows, next_cursor = assets.list_page(session, principal, kind=kind, status=status, org_id=org,
                                         terms={"topic": topic or [], "audience": audience or [],
                                                "level": level or []}, cursor=cursor, limit=limit)
    return AssetPage(items=assets.to_out(session, rows), next_cursor=next_cursor)


@router.get("/{asset_id}", response_model=AssetOut)
def get_asset(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> AssetOut:
    return assets.to_out(session, [assets.get_visible(session, principal, asset_id)])[0]


@router.patch("/{asset_id}", response_model=AssetOut)
def patch_asset(asset_id: uuid.UUID, body: AssetPatch, principal: ProducerPrincipal,
                session: SessionDep) -> AssetOut:
    return assets.to_out(session, [assets.update_metadata(session, principal, asset_id, body)])[0]


@router.delete("/{asset_id}", status_code=204)
def delete_asset(asset_id: uuid.UUID, principal: ProducerPrincipal, session: SessionDep) -> Response:
    assets.delete_draft(session, get_store(), principal, asset_id)
    return Response(status_code=204)


@router.get("/{asset_id}/original", responses={206: {"description": "Partial content"}})
def download_original(asset_id: uuid.UUID, request: Request, principal: DownloadPrincipal,
                      session: SessionDep) -> Response:
    asset, version = assets.original_for_download(session, principal, asset_id)
    if "range" not in request.headers or request.headers["range"].startswith("bytes=0-"):
        record_download(session, principal, asset, None)  # one event per download, not per resumed chunk
    return object_response(request, get_store(), version.object_key, size=version.size,
                           media_type=version.media_type, filename=version.original_filename, etag=version.sha256)
