"""Captions per language of a video or podcast: checked strictly, stored as WebVTT, then packaged by the
processing job (HLS subtitle tracks, mov_text in MP4, burned into the social feed cuts)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.assets import service as assets
from service.audit import service as audit
from service.core.db import after_commit, on_rollback
from service.core.errors import KhoError, NotFound
from service.identity.principal import Principal
from service.jobs import service as jobs
from service.languages import repository
from service.models import Asset, Caption, Version
from service.outbox import events as outbox
from service.vocab.languages import label, require_supported
from storage.base import ObjectStore
from transcoding.video.captions_check import MAX_CAPTION_BYTES, CaptionError, check_caption

CAPTIONED_KINDS = ("video", "podcast")


@dataclass(frozen=True)
class CaptionInfo:
    language: str
    label_vi: str
    label_en: str
    cues: int
    url: str


def _version(session: Session, asset: Asset) -> Version:
    version = session.get(Version, asset.current_version_id) if asset.current_version_id else None
    if version is None:
        raise NotFound(what="phiên bản / version")
    return version


def upload(session: Session, store: ObjectStore, principal: Principal, asset_id: uuid.UUID, language: str,
           raw: bytes) -> Caption:
    asset = assets.get_visible(session, principal, asset_id)
    assets.require_editable(session, principal, asset)
    if asset.kind not in CAPTIONED_KINDS:
        raise KhoError("caption_not_media", status=422)
    code = require_supported(language)
    if len(raw) > MAX_CAPTION_BYTES:
        raise KhoError("caption_invalid", status=422, line=1, reason_vi=f"tệp lớn hơn {MAX_CAPTION_BYTES} byte",
                       reason_en=f"the file is over {MAX_CAPTION_BYTES} bytes", extra={"line": 1})
    try:
        checked = check_caption(raw)
    except CaptionError as exc:
        raise KhoError("caption_invalid", status=422, line=exc.line, reason_vi=exc.reason_vi,
                       reason_en=exc.reason_en, extra={"line": exc.line}) from None
    version = _version(session, asset)
    key = f"captions/{version.id.hex[:2]}/{version.id.hex}/{code}-{uuid.uuid4().hex[:8]}.vtt"
    body = checked.webvtt.encode("utf-8")
    store.put(key, io.BytesIO(body), size=len(body), content_type="text/vtt; charset=utf-8")
    on_rollback(session, lambda: store.delete(key))
    row = repository.caption(session, version.id, code)
    if row is not None:
        old = row.object_key
        row.object_key, row.cues, row.text, row.created_by_id = key, len(checked.cues), checked.text, principal.user_id
        if version.caption_key == old:
            version.caption_key = key
        session.flush()
        if not repository.caption_object_in_use(session, old, besides=row.id):
            after_commit(session, lambda: store.delete(old))
    else:
        row = Caption(version_id=version.id, language=code, object_key=key, cues=len(checked.cues),
                      text=checked.text, created_by_id=principal.user_id)
        session.add(row)
    if version.caption_key is None or code == asset.language:
        version.caption_key = key  # the podcast feed's transcript is the caption in the asset's own language
    session.flush()
    audit.record(session, "asset.caption_added", "asset", asset.id, actor=principal, language=code,
                 cues=len(checked.cues))
    outbox.emit(session, "asset.changed", asset_id=asset.id)  # caption text goes to search
    if asset.kind == "video":  # package the captions into HLS, the MP4s and the burned-in cuts
        jobs.enqueue_processing(session, asset, version, restart=True)
    return row


def listing(session: Session, principal: Principal, asset_id: uuid.UUID) -> list[CaptionInfo]:
    asset = assets.get_visible(session, principal, asset_id)
    rows = repository.captions_of(session, _version(session, asset).id)
    return [CaptionInfo(r.language, label(r.language, "vi"), label(r.language, "en"), r.cues,
                        f"/api/v1/assets/{asset.id}/captions/{r.language}.vtt") for r in rows]


@dataclass(frozen=True)
class Transcript:
    language: str
    label_vi: str
    label_en: str
    lines: list[str]


def transcripts(session: Session, principal: Principal, asset_id: uuid.UUID) -> list[Transcript]:
    asset = assets.get_visible(session, principal, asset_id)
    rows = repository.captions_of(session, _version(session, asset).id)
    return [Transcript(r.language, label(r.language, "vi"), label(r.language, "en"), r.text.splitlines())
            for r in rows]


def get(session: Session, principal: Principal, asset_id: uuid.UUID, language: str) -> tuple[Asset, Caption]:
    asset = assets.get_visible(session, principal, asset_id)
    row = repository.caption(session, _version(session, asset).id, language)
    if row is None:
        raise NotFound(what="phụ đề / caption")
    return asset, row


def of_version(session: Session, version_id: uuid.UUID) -> list[Caption]:
    return repository.captions_of(session, version_id)
