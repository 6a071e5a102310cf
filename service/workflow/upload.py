"""`POST /assets/{id}/versions`: stream a new original (multipart, like the first upload) into a version."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlalchemy.orm import Session

from service.assets import policy, upload
from service.assets import service as assets
from service.assets.schemas import AssetPatch
from service.core.errors import Forbidden
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.models.base import utcnow
from service.workflow import repository, revisions
from service.workflow.schemas import VersionOutFull


def ingest_version(rt: Runtime, chunks: Iterator[bytes], content_type: str, principal: Principal, session: Session,
                   asset_id: uuid.UUID, form_fields: tuple[str, ...] = ()) -> VersionOutFull:
    """`form_fields`: plain form fields taken as metadata beside the `metadata` JSON (the web form has no
    JavaScript to build JSON); an empty field changes nothing."""
    asset = assets.get_visible(session, principal, asset_id)
    if not policy.can_edit(principal, asset, repository.org_path(session, asset.owner_org_id)):
        raise Forbidden()
    # Lock the asset before streaming, so two uploads cannot take the same version number (and key).
    repository.get_asset_for_update(session, asset_id, policy.visible_filter(principal, utcnow()))
    number = revisions.next_number(session, asset)
    store = rt.store
    received = upload.receive(chunks, content_type, store, rt.settings, asset_id=asset.id, version=number,
                              kind_of=lambda _fields: asset.kind)
    try:
        upload.check_fits_kind(rt.settings, store, received.stored, asset.kind, received.filename)
        raw = upload.metadata_dict(received.fields, loose=False)
        for name in form_fields:
            if received.fields.get(name, "").strip():
                raw.setdefault(name, received.fields[name].strip())
        patch = upload.validate_model(AssetPatch, raw)
        version = revisions.add_file_version(session, store, principal, asset, received.stored, received.filename,
                                             patch, number)
    except BaseException:
        store.delete(received.stored.key)  # before the version row owns the bytes (on_rollback covers after)
        raise
    return VersionOutFull.model_validate(version, from_attributes=True)
