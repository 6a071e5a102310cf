"""Asset use cases: create from an upload, list, read, edit metadata, delete drafts, serve originals."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.assets import policy, repository, variants
from service.assets.ingest import StoredOriginal
from service.assets.schemas import AssetCreate, AssetOut, AssetPatch, Rights, VersionOut
from service.audit import service as audit
from service.core.db import after_commit, on_rollback, unit_of_work
from service.core.errors import Conflict, Forbidden, KhoError, NotFound
from service.core.runtime import session_runtime
from service.identity.principal import Principal
from service.jobs import service as jobs
from service.models import Asset, Version
from service.models.base import utcnow
from service.orgs import service as orgs
from service.outbox import events as outbox
from service.vocab import repository as vocab_repo
from service.vocab import service as vocab
from service.vocab.languages import require_supported
from storage.base import ObjectStore
from transcoding.profiles import described_profile_names

EDITABLE_STATUSES = ("draft", "changes_requested")
SCALAR_FIELDS = ("title", "summary", "alt_text", "audio_description", "language", "credit", "copyright_notice",
                 "licence", "usage_terms", "publish_at", "expires_at", "urgent", "focal_x", "focal_y")


def owner_org_for(session: Session, principal: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    if requested is None or requested == principal.organisation_id:
        return principal.organisation_id
    org = orgs.get_or_404(session, requested)
    if principal.role != "admin" or not orgs.in_subtree(principal.organisation_path, org.path):
        raise Forbidden()
    return org.id


def _apply(session: Session, asset: Asset, changes: dict[str, Any]) -> None:
    if changes.get("language") is not None:
        changes = {**changes, "language": require_supported(changes["language"])}
        variants.require_language_free(session, asset, changes["language"])
    for field in SCALAR_FIELDS:
        if field in changes and changes[field] is not None:
            setattr(asset, field, changes[field])
    if changes.get("tags") is not None:
        asset.tags = vocab.normalise_tags(changes["tags"])
    if any(changes.get(f) is not None for f in vocab.TERM_FIELDS):
        current = vocab.codes_by_field(session, [asset.id]).get(asset.id, {})
        term_ids: list[uuid.UUID] = []
        for field, vocabulary in vocab.TERM_FIELDS.items():
            codes = changes.get(field)
            old = current.get(field, [])
            term_ids += vocab.resolve(session, vocabulary, codes if codes is not None else old,
                                      allow_retired=frozenset(old))
        vocab_repo.replace_asset_terms(session, asset.id, term_ids)
    if asset.publish_at and asset.expires_at and asset.expires_at <= asset.publish_at:
        raise KhoError("malformed_metadata", status=422, reason="expires_at must be after publish_at")


def create_from_upload(session: Session, store: ObjectStore, principal: Principal, meta: AssetCreate,
                       stored: StoredOriginal, filename: str, asset_id: uuid.UUID) -> Asset:
    # Whatever fails from here on, the stored bytes must not outlive the transaction.
    on_rollback(session, lambda: store.delete(stored.key))
    repository.lock_hash(session, stored.sha256)
    existing = repository.version_by_hash(session, stored.sha256)
    if existing:
        raise Conflict("duplicate_file", asset_id=str(existing.asset_id), extra={"asset_id": str(existing.asset_id)})
    owner = owner_org_for(session, principal, meta.owner_org_id)
    asset = Asset(id=asset_id, kind=meta.kind, title=meta.title, owner_org_id=owner,
                  created_by_id=principal.user_id, status="draft")
    repository.add(session, asset)
    _apply(session, asset, meta.model_dump(exclude={"kind", "owner_org_id", "variant_of"}))
    if meta.variant_of is not None:
        variants.link(session, principal, asset, meta.variant_of, utcnow())
    version = Version(asset_id=asset.id, number=1, status="draft", object_key=stored.key, sha256=stored.sha256,
                      size=stored.size, media_type=stored.media_type, original_filename=filename[:400],
                      created_by_id=principal.user_id)
    if meta.focal_x is not None and meta.focal_y is not None:  # chosen at upload; else processing finds one
        version.focal_x, version.focal_y, version.focal_source = meta.focal_x, meta.focal_y, "manual"
    repository.add(session, version)
    asset.current_version_id = version.id
    audit.record(session, "asset.created", "asset", asset.id, actor=principal, kind=asset.kind,
                 sha256=stored.sha256, size=stored.size)
    outbox.emit(session, "asset.changed", asset_id=asset.id)
    jobs.enqueue_processing(session, asset, version)
    return asset


def current_version(session: Session, asset: Asset) -> Version:
    """The live version of an asset (NotFound when it has none yet)."""
    version = repository.get_version(session, asset.current_version_id) if asset.current_version_id else None
    if version is None:
        raise NotFound(what="phiên bản / version")
    return version


def get_visible(session: Session, principal: Principal, asset_id: uuid.UUID) -> Asset:
    asset = repository.get(session, asset_id, policy.visible_filter(principal, utcnow()))
    if not asset:
        raise NotFound(what="tài nguyên / asset")
    return asset


def preview_version(session: Session, principal: Principal, asset: Asset, *, number: int | None = None,
                    version_id: uuid.UUID | None = None) -> Version:
    """A version of a visible asset whose files the principal may see, named by number or id: the live one
    for everyone who sees the asset; a pending, rejected or superseded one only inside the asset's
    workspace (the reviewers and the producing organisation, policy.version_visible). Anyone else gets a
    404, whether the version exists or not: the public, newsroom clients and share links see the live one."""
    if number is not None:
        version = repository.version_by_number(session, asset.id, number)
    else:
        version = repository.get_version(session, version_id) if version_id else None
    if version is None or version.asset_id != asset.id or not policy.version_visible(
            principal, asset, version, repository.owner_path(session, asset), utcnow()):
        raise NotFound(what="phiên bản / version")
    return version


def version_for_download(session: Session, principal: Principal, asset_id: uuid.UUID, *, number: int | None = None,
                         version_id: uuid.UUID | None = None) -> tuple[Asset, Version]:
    """`preview_version` with the download rules of `original_for_download` (visibility, 410 once withdrawn)."""
    asset, _ = original_for_download(session, principal, asset_id)
    return asset, preview_version(session, principal, asset, number=number, version_id=version_id)


def get_visible_many(session: Session, principal: Principal, asset_ids: list[uuid.UUID]) -> list[Asset]:
    """`get_visible` for a list in one query, in the order asked; NotFound if any one is not visible."""
    found = {a.id: a for a in repository.visible_by_ids(session, asset_ids, policy.visible_filter(principal, utcnow()))}
    if any(i not in found for i in asset_ids):
        raise NotFound(what="tài nguyên / asset")
    return [found[i] for i in asset_ids]


def can_edit(session: Session, principal: Principal, asset: Asset) -> bool:
    return policy.can_edit(principal, asset, repository.owner_path(session, asset))


def require_editable(session: Session, principal: Principal, asset: Asset) -> None:
    if not policy.can_edit(principal, asset, repository.owner_path(session, asset)):
        raise Forbidden()


def apply_changes(session: Session, asset: Asset, changes: dict[str, Any]) -> None:
    """Apply validated metadata changes (an `AssetPatch` dump) to the asset's live columns and terms."""
    _apply(session, asset, changes)


def edit_in_place(session: Session, principal: Principal, asset: Asset, patch: AssetPatch) -> Asset:
    """Edit a draft (or an asset sent back for changes) in place. The caller has checked the principal may
    edit it; an edit of a published asset is a revision instead (service.workflow.revisions.update_metadata)."""
    if asset.status not in EDITABLE_STATUSES:
        raise Conflict("invalid_state", action="sửa / edit", state=asset.status)
    changes = patch.model_dump(exclude_unset=True)
    described_before = asset.audio_description
    _apply(session, asset, changes)
    if asset.audio_description != described_before:
        _reread_description(session, asset)
    asset.updated_at = asset.edited_at = utcnow()  # terms live in another table: stamp the edit explicitly
    audit.record(session, "asset.updated", "asset", asset.id, actor=principal, fields=sorted(changes))
    outbox.emit(session, "asset.changed", asset_id=asset.id)
    return asset


def _reread_description(session: Session, asset: Asset) -> None:
    """A changed audio description remakes only the outputs that read it (podcast, loudspeaker); written,
    changed or removed. A processing job still queued reads the new text anyway when it runs."""
    names = described_profile_names(asset.kind)
    version = session.get(Version, asset.current_version_id) if asset.current_version_id else None
    if names and version is not None:
        jobs.enqueue_processing(session, asset, version, profiles=names, restart=True)


def delete_draft(session: Session, store: ObjectStore, principal: Principal, asset_id: uuid.UUID) -> None:
    asset = get_visible(session, principal, asset_id)
    require_editable(session, principal, asset)
    if asset.status != "draft" or asset.published_at is not None:
        raise Conflict("invalid_state", action="xoá / delete", state=asset.status)
    keys = repository.object_keys_of_asset(session, asset.id)
    repository.delete_asset(session, asset)
    audit.record(session, "asset.deleted", "asset", asset_id, actor=principal)
    outbox.emit(session, "asset.deleted", asset_id=asset_id)

    def remove_objects() -> None:
        for key in keys:
            store.delete(key)

    after_commit(session, remove_objects)


def encode_cursor(asset: Asset) -> str:
    return base64.urlsafe_b64encode(f"{asset.created_at.isoformat()}|{asset.id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        stamp, _, ident = raw.partition("|")
        return datetime.fromisoformat(stamp), uuid.UUID(ident)
    except (ValueError, UnicodeDecodeError) as exc:
        raise KhoError("validation_failed", reason="invalid cursor") from exc


def list_page(session: Session, principal: Principal, *, kind: str | None, status: str | None,
              org_id: uuid.UUID | None, terms: dict[str, list[str]], cursor: str | None, limit: int,
              language: str | None = None) -> tuple[list[Asset], str | None]:
    rows = repository.page(session, policy.visible_filter(principal, utcnow()), kind=kind, status=status,
                           org_id=org_id, term_codes=terms, after=decode_cursor(cursor), limit=limit + 1,
                           language=require_supported(language) if language else None)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]) if more and rows else None


def to_out(session: Session, assets: list[Asset]) -> list[AssetOut]:
    codes = vocab.codes_by_field(session, [a.id for a in assets])
    versions = repository.current_versions(session, assets)
    groups = variants.languages_of(session, assets, utcnow())
    out = []
    for a in assets:
        fields = codes.get(a.id, {})
        version = versions.get(a.current_version_id) if a.current_version_id else None
        out.append(AssetOut(
            id=a.id, kind=a.kind, status=a.status, title=a.title, summary=a.summary, alt_text=a.alt_text,
            audio_description=a.audio_description, language=a.language, topics=fields.get("topics", []),
            audiences=fields.get("audiences", []),
            levels=fields.get("levels", []), channels=fields.get("channels", []), tags=a.tags,
            rights=Rights(credit=a.credit, copyright_notice=a.copyright_notice, licence=a.licence,
                          usage_terms=a.usage_terms),
            owner_org_id=a.owner_org_id, publish_at=a.publish_at, expires_at=a.expires_at,
            published_at=a.published_at, urgent=a.urgent, focal_x=a.focal_x, focal_y=a.focal_y,
            withdrawn_reason=a.withdrawn_reason, replaced_by_id=a.replaced_by_id, download_count=a.download_count,
            current_version=VersionOut.model_validate(version) if version else None,
            created_at=a.created_at, updated_at=a.updated_at,
            variant_of_id=a.variant_of_id, languages=groups.get(a.id, [])))
    return out


def original_for_download(session: Session, principal: Principal, asset_id: uuid.UUID) -> tuple[Asset, Version]:
    asset = get_visible(session, principal, asset_id)
    if asset.status == "withdrawn":
        # Recorded in its own transaction: the 410 below rolls the request's transaction back.
        with unit_of_work(session_runtime(session).sessionmaker) as audit_session:
            audit.record(audit_session, "asset.withdrawn_download_attempt", "asset", asset.id, actor=principal)
        raise KhoError("invalid_state", status=410, action="tải về / download", state=asset.status,
                       extra={"reason": asset.withdrawn_reason})
    version = repository.get_version(session, asset.current_version_id) if asset.current_version_id else None
    if not version:
        raise NotFound(what="tệp gốc / original")
    return asset, version
