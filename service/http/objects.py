"""`/objects/{token}`: the time-limited download URL of the local store (S3 uses presigned URLs)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from service.core.errors import Forbidden, NotFound
from service.http.deps import RuntimeDep
from service.http.files import object_response
from storage.base import ObjectNotFound
from storage.signing import InvalidSignature, UrlSigner

router = APIRouter(tags=["downloads"])


@router.get("/objects/{token}", include_in_schema=False)
def signed_object(token: str, request: Request, rt: RuntimeDep) -> Response:
    settings = rt.settings
    try:
        signed = UrlSigner(settings.security.secret_key, settings.base_url).verify(token)
    except InvalidSignature:
        raise Forbidden("link_expired") from None
    store = rt.store
    try:
        stat = store.stat(signed.key)
    except ObjectNotFound:
        raise NotFound(what="tệp / file") from None
    return object_response(request, store, signed.key, size=stat.size,
                           media_type=signed.content_type or "application/octet-stream",
                           filename=signed.filename, etag=stat.etag)
