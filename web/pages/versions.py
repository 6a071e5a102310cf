"""Uploading a replacement version from the web: a plain multipart form streamed into the same ingest as
`POST /api/v1/assets/{id}/versions`, then back to the asset page with a confirmation."""

from __future__ import annotations

import secrets
import uuid

import anyio
from fastapi import Request
from starlette.requests import ClientDisconnect
from starlette.responses import RedirectResponse, Response

from service.assets import service as assets
from service.assets.upload import sync_chunks
from service.core.errors import KhoError
from service.http.deps import RuntimeDep, SessionDep
from service.workflow import queries as review_queries
from service.workflow.upload import ingest_version
from web.flash import flash
from web.present import labels_for
from web.render import lang_of, render
from web.routing import page_router
from web.session import CsrfRejected, ProducerUser

router = page_router()
FORM_FIELDS = ("title", "summary", "alt_text")
PAGE = "/tai-nguyen/{asset_id}/phien-ban-moi"


@router.get(PAGE)
def new_version_page(asset_id: uuid.UUID, request: Request, user: ProducerUser, session: SessionDep,
                     rt: RuntimeDep) -> Response:
    asset = assets.get_visible(session, user.principal, asset_id)
    out = assets.to_out(session, [asset])[0]
    versions = review_queries.versions(session, user.principal, asset_id)  # the workspace check
    limit = rt.settings.limits.upload_limits.get(out.kind, rt.settings.limits.max_upload_bytes)
    return render(request, "new_version.html", {
        "asset": out, "labels": labels_for(session, lang_of(request)), "limit": limit,
        "current": max((v.number for v in versions), default=1)})


@router.post(PAGE)
async def upload_new_version(asset_id: uuid.UUID, request: Request, user: ProducerUser, session: SessionDep,
                             rt: RuntimeDep, csrf_token: str = "") -> Response:
    """The CSRF token comes in the query string: it must be checked before the file is read, and in a
    streamed multipart body the file may come before any other field."""
    if not user.csrf_token or not secrets.compare_digest(csrf_token, user.csrf_token):
        raise CsrfRejected("forbidden")
    chunks = sync_chunks(request.stream().__aiter__())
    try:
        version = await anyio.to_thread.run_sync(
            lambda: ingest_version(rt, chunks, request.headers.get("content-type", ""), user.principal, session,
                                   asset_id, FORM_FIELDS))
    except ClientDisconnect:
        raise KhoError("upload_interrupted", status=400) from None
    return flash(RedirectResponse(f"/tai-nguyen/{asset_id}", status_code=303), rt.settings, "flash_version_uploaded",
                 number=version.number)
