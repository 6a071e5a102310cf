"""tus 1.0 endpoints at /api/v1/uploads/ (see https://tus.io/protocols/resumable-upload)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import anyio
import anyio.from_thread
from fastapi import APIRouter, Header, Request
from fastapi.responses import Response
from starlette.requests import ClientDisconnect

from service.assets.upload import sync_chunks
from service.core.errors import KhoError
from service.http.deps import ProducerPrincipal, RuntimeDep, SessionDep
from service.models import Upload
from service.tus import protocol
from service.tus import service as tus
from service.tus.protocol import TUS_VERSION, TusError

router = APIRouter(prefix="/api/v1/uploads", tags=["uploads (tus)"])
TUS_HEADERS = {"Tus-Resumable": TUS_VERSION}
PATCH_DOC: dict[str, Any] = {
    "requestBody": {"required": True, "content": {protocol.OFFSET_CONTENT_TYPE: {
        "schema": {"type": "string", "format": "binary"}}}},
}
ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"description": "Upload-Offset does not match"}, 412: {"description": "Unsupported tus version"},
    413: {"description": "Too large"}, 415: {"description": "Unsupported type"},
    460: {"description": "Checksum mismatch (chunk discarded)"}}


def _state_headers(upload: Upload) -> dict[str, str]:
    headers = {**TUS_HEADERS, "Upload-Offset": str(upload.offset), "Cache-Control": "no-store",
               "Upload-Expires": protocol.expires_header(tus._aware(upload.expires_at))}
    if upload.length is not None:
        headers["Upload-Length"] = str(upload.length)
    if upload.asset_id:
        headers["Kho-Asset-Id"] = str(upload.asset_id)
    return headers


def _options(rt: RuntimeDep) -> Response:
    return Response(status_code=204, headers={
        **TUS_HEADERS, "Tus-Version": TUS_VERSION, "Tus-Extension": protocol.EXTENSIONS,
        "Tus-Checksum-Algorithm": protocol.CHECKSUM_ALGORITHMS,
        "Tus-Max-Size": str(rt.settings.limits.max_upload_bytes)})


router.add_api_route("", _options, methods=["OPTIONS"], include_in_schema=False)
router.add_api_route("/", _options, methods=["OPTIONS"], status_code=204, summary="tus capabilities",
                     responses={204: {"description": "Capabilities in headers"}})


async def _write(request: Request, session: SessionDep, rt: RuntimeDep, principal: ProducerPrincipal,
                 upload_id: uuid.UUID, offset: int, checksum: bytes | None) -> Upload:
    chunks = sync_chunks(request.stream().__aiter__())
    try:
        return await anyio.to_thread.run_sync(tus.append, session, rt, principal, upload_id, offset, checksum, chunks)
    except ClientDisconnect:
        raise KhoError("upload_interrupted", status=400) from None


async def create_upload(request: Request, session: SessionDep, rt: RuntimeDep, principal: ProducerPrincipal,
                        tus_resumable: Annotated[str | None, Header()] = None,
                        upload_length: Annotated[str | None, Header()] = None,
                        upload_metadata: Annotated[str | None, Header()] = None,
                        upload_checksum: Annotated[str | None, Header()] = None) -> Response:
    protocol.check_version(tus_resumable)
    if request.headers.get("upload-defer-length"):
        raise TusError("tus_bad_header", status=400, reason="Upload-Defer-Length is not supported")
    length = protocol.parse_int("Upload-Length", upload_length)
    fields = protocol.parse_metadata(upload_metadata)
    checksum = protocol.parse_checksum(upload_checksum)
    upload = await anyio.to_thread.run_sync(lambda: tus.create(session, rt.settings, principal, length=length,
                                                               fields=fields, raw_metadata=upload_metadata or ""))
    has_body = request.headers.get("content-type", "").startswith(protocol.OFFSET_CONTENT_TYPE)
    if has_body and request.headers.get("content-length", "0") != "0":  # creation-with-upload
        upload = await _write(request, session, rt, principal, upload.id, 0, checksum)
    headers = _state_headers(upload)
    headers["Location"] = f"/api/v1/uploads/{upload.id}"
    return Response(status_code=201, headers=headers)


router.add_api_route("", create_upload, methods=["POST"], include_in_schema=False)
router.add_api_route("/", create_upload, methods=["POST"], status_code=201, summary="Create a resumable upload",
                     responses={201: {"description": "Created; Location names the upload"}, **ERRORS})


@router.head("/{upload_id}", status_code=200, responses={404: {"description": "Unknown upload"}})
def upload_offset(upload_id: uuid.UUID, session: SessionDep, principal: ProducerPrincipal) -> Response:
    return Response(status_code=200, headers=_state_headers(tus.get_owned(session, principal, upload_id)))


@router.patch("/{upload_id}", status_code=204, openapi_extra=PATCH_DOC,
              responses={204: {"description": "Chunk stored; Upload-Offset is the new offset"}, **ERRORS})
async def upload_chunk(upload_id: uuid.UUID, request: Request, session: SessionDep, rt: RuntimeDep,
                       principal: ProducerPrincipal,
                       tus_resumable: Annotated[str | None, Header()] = None,
                       upload_offset: Annotated[str | None, Header()] = None,
                       upload_checksum: Annotated[str | None, Header()] = None) -> Response:
    protocol.check_version(tus_resumable)
    if not request.headers.get("content-type", "").startswith(protocol.OFFSET_CONTENT_TYPE):
        raise TusError("tus_bad_header", status=415, reason=f"Content-Type must be {protocol.OFFSET_CONTENT_TYPE}")
    offset = protocol.parse_int("Upload-Offset", upload_offset)
    checksum = protocol.parse_checksum(upload_checksum)
    upload = await _write(request, session, rt, principal, upload_id, offset, checksum)
    return Response(status_code=204, headers=_state_headers(upload))


@router.delete("/{upload_id}", status_code=204, responses={404: {"description": "Unknown upload"}})
def terminate_upload(upload_id: uuid.UUID, session: SessionDep, rt: RuntimeDep, principal: ProducerPrincipal,
                     tus_resumable: Annotated[str | None, Header()] = None) -> Response:
    protocol.check_version(tus_resumable)
    tus.terminate(session, rt.store, principal, upload_id)
    return Response(status_code=204, headers=TUS_HEADERS)
