"""`POST /assets/{id}/versions`: stream a new original (multipart, like the first upload) into a version."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio.from_thread
from pydantic import ValidationError
from sqlalchemy.orm import Session

from service.assets import policy
from service.assets import service as assets
from service.assets.ingest import StoredOriginal, store_original
from service.assets.multipart import MultipartStream, boundary_of
from service.assets.schemas import AssetPatch
from service.auth.principal import Principal
from service.config import get_settings
from service.errors import BadRequest, Forbidden, KhoError
from service.models.base import utcnow
from service.qa import service as qa_service
from service.runtime import get_store
from service.workflow import repository, revisions
from service.workflow.schemas import VersionOutFull


def sync_chunks(stream: AsyncIterator[bytes]) -> Iterator[bytes]:
    """Pull request-body chunks from the event loop into this worker thread, one at a time."""
    while True:
        try:
            yield anyio.from_thread.run(stream.__anext__)  # type: ignore[arg-type]
        except StopAsyncIteration:
            return


def _patch(fields: dict[str, str]) -> AssetPatch:
    try:
        raw: Any = json.loads(fields["metadata"]) if fields.get("metadata") else {}
        if not isinstance(raw, dict):
            raise ValueError("metadata must be a JSON object")
        return AssetPatch.model_validate(raw)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise KhoError("malformed_metadata", status=422, reason=reasons) from exc
    except ValueError as exc:
        raise KhoError("malformed_metadata", status=422, reason=str(exc)[:300]) from exc


def ingest_version(chunks: Iterator[bytes], content_type: str, principal: Principal, session: Session,
                   asset_id: uuid.UUID) -> VersionOutFull:
    asset = assets.get_visible(session, principal, asset_id)
    if not policy.can_edit(principal, asset, repository.org_path(session, asset.owner_org_id)):
        raise Forbidden()
    # Lock the asset before streaming, so two uploads cannot take the same version number (and key).
    repository.get_asset_for_update(session, asset_id, policy.visible_filter(principal, utcnow()))
    number = revisions.next_number(session, asset)
    limit = get_settings().upload_limits.get(asset.kind, get_settings().max_upload_bytes)
    store = get_store()
    stream = MultipartStream(chunks, boundary_of(content_type))
    fields: dict[str, str] = {}
    stored: StoredOriginal | None = None
    filename = ""
    try:
        while (part := stream.next_part()) is not None:
            if part.filename is None:
                fields[part.name] = part.read_all(1024 * 1024).decode("utf-8", "replace")
                continue
            if part.name != "file" or stored is not None:
                raise BadRequest("bad_multipart", reason=f"unexpected file field '{part.name}'")
            filename = part.filename or "upload"
            stored = store_original(store, part, kind=asset.kind, limit=limit, asset_id=asset.id, version=number)
        if stored is None:
            raise BadRequest("missing_file")
        if asset.kind == "qa_set":
            qa_service.validate_stored_original(store, stored.key, stored.media_type, filename=filename)
        version = revisions.add_file_version(session, store, principal, asset, stored, filename, _patch(fields),
                                             number)
    except BaseException:
        if stored is not None:  # before the version row owns the bytes (afterwards on_rollback also covers it)
            store.delete(stored.key)
        raise
    return VersionOutFull.model_validate(version, from_attributes=True)
