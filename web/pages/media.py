"""Streaming files of an HLS rendition set for the page's player (see service/renditions/hls.py for why this exists)."""

from __future__ import annotations

import uuid

from fastapi import Request
from starlette.responses import Response

from service.core.errors import NotFound
from service.http.deps import RuntimeDep, SessionDep
from service.http.files import object_response
from service.renditions import hls
from storage.base import ObjectNotFound
from web.routing import page_router
from web.session import RequiredUser

router = page_router()


@router.get("/tep/hls/{asset_id}/{rendition_id}/{name:path}")
def hls_file(asset_id: uuid.UUID, rendition_id: uuid.UUID, name: str, request: Request, user: RequiredUser,
             session: SessionDep, rt: RuntimeDep) -> Response:
    found = hls.resolve(session, rt, user.principal, asset_id, rendition_id, name)
    store = rt.store
    try:
        size = store.stat(found.key).size
    except ObjectNotFound:
        raise NotFound(what="tệp HLS / HLS file") from None
    response = object_response(request, store, found.key, size=size, media_type=found.media_type, filename=None,
                               etag=found.etag)
    # Private: every request is authorised; the browser may keep what it already played for an hour.
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
