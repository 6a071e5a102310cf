"""POST /api/v1/imports: the ZIP arrives as the raw request body and is spooled to a temporary file."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Request
from starlette.requests import ClientDisconnect

from service.bulk import service as bulk
from service.bulk.schemas import ImportReportOut
from service.core.db import unit_of_work
from service.core.errors import Forbidden, KhoError, PayloadTooLarge, UnsupportedMedia
from service.core.runtime import runtime_of
from service.http.deps import RuntimeDep, get_principal
from service.identity.principal import Principal

router = APIRouter(prefix="/api/v1/imports", tags=["bulk import"])
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")
IMPORT_DOC: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"application/zip": {"schema": {
        "type": "string", "format": "binary",
        "description": "A ZIP with the files and manifest.csv or manifest.xlsx (columns: file, kind, title, "
                       "summary, topics, audiences, levels, channels, tags, credit, copyright, licence, "
                       "usage terms; Vietnamese headers accepted)"}}}},
    "responses": {"413": {"description": "Too large or over a ZIP limit"},
                  "415": {"description": "Not a ZIP body"}, "422": {"description": "Bad manifest"}},
}


async def _spool(stream: AsyncIterator[bytes], path: Path, limit: int) -> None:
    size = 0
    async with await anyio.open_file(path, "wb") as out:
        async for chunk in stream:
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge("request_too_large", limit_mb=limit // 2**20)
            await out.write(chunk)


def _producer(request: Request) -> Principal:
    """Authenticated in a unit of work of its own, closed before the import starts: each row commits in
    its own transaction, and on SQLite a request session left open (token touch) would block them."""
    with unit_of_work(runtime_of(request).sessionmaker) as session:
        principal = get_principal(request, session)
    if principal.role not in ("admin", "producer"):
        raise Forbidden()
    return principal


@router.post("", response_model=ImportReportOut, openapi_extra=IMPORT_DOC)
async def import_zip(request: Request, rt: RuntimeDep, owner_org: uuid.UUID | None = None) -> ImportReportOut:
    principal = await anyio.to_thread.run_sync(_producer, request)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() not in ZIP_TYPES:
        raise UnsupportedMedia("import_not_zip", reason="send the ZIP as the body with Content-Type application/zip")
    folder = rt.settings.tmp_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.zip"
    try:
        try:
            await _spool(request.stream(), path, rt.settings.limits.max_import_bytes)
        except ClientDisconnect:
            raise KhoError("upload_interrupted", status=400) from None
        report = await anyio.to_thread.run_sync(bulk.run_import, rt, path, principal, owner_org)
    finally:
        if path.exists():
            os.unlink(path)
    return ImportReportOut.model_validate(report.to_dict())
