"""New versions of an asset: a metadata edit or a new file. While an asset is published the live version
stays untouched; the change waits in a pending version (`Version.proposed`) until it is approved."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from service.assets import repository as assets_repo
from service.assets import service as assets
from service.assets.ingest import StoredOriginal
from service.assets.schemas import AssetPatch
from service.audit import service as audit
from service.core.db import on_rollback
from service.core.errors import Conflict, KhoError
from service.identity.principal import Principal
from service.jobs import service as jobs
from service.languages import repository as language_repo
from service.models import Asset, Version
from service.models.base import utcnow
from service.outbox import events as outbox
from service.vocab import service as vocab
from service.workflow import repository
from storage.base import ObjectStore

METADATA_FIELDS: tuple[str, ...] = tuple(AssetPatch.model_fields)
RIGHTS_FIELDS = ("credit", "copyright_notice", "licence", "usage_terms")
OPEN = repository.OPEN_VERSION_STATUSES


def snapshot(session: Session, asset: Asset) -> dict[str, Any]:
    """The asset's live metadata as JSON, in the shape of an `AssetPatch`."""
    out = assets.to_out(session, [asset])[0].model_dump(mode="json")
    rights = out.pop("rights")
    return {f: rights[f] if f in RIGHTS_FIELDS else out[f] for f in METADATA_FIELDS}


def metadata_of_many(session: Session, pairs: list[tuple[Asset, Version]]) -> list[dict[str, Any]]:
    """`metadata_of` for a list (the review queue): the live metadata of every asset read in one batch."""
    outs = assets.to_out(session, [a for a, _ in pairs])
    live = {}
    for out in outs:
        dumped = out.model_dump(mode="json")
        rights = dumped.pop("rights")
        live[out.id] = {f: rights[f] if f in RIGHTS_FIELDS else dumped[f] for f in METADATA_FIELDS}
    return [_metadata(asset, version, live[asset.id]) for asset, version in pairs]


def _metadata(asset: Asset, version: Version, live: dict[str, Any]) -> dict[str, Any]:
    if version.id == asset.current_version_id and version.status == "published":
        return live
    if version.status == "superseded" and set(METADATA_FIELDS) <= set(version.proposed):
        return {f: version.proposed[f] for f in METADATA_FIELDS}
    return {**live, **version.proposed}


def metadata_of(session: Session, asset: Asset, version: Version) -> dict[str, Any]:
    """What a version says about the asset: the live metadata for the current version, the snapshot
    taken when a superseded version went live, or the live metadata overlaid with a pending proposal."""
    if version.id == asset.current_version_id and version.status == "published":
        return snapshot(session, asset)
    if version.status == "superseded" and set(METADATA_FIELDS) <= set(version.proposed):
        return {f: version.proposed[f] for f in METADATA_FIELDS}
    return {**snapshot(session, asset), **version.proposed}


def _validate(session: Session, asset: Asset, merged: dict[str, Any], changes: dict[str, Any]) -> None:
    current = vocab.codes_by_field(session, [asset.id]).get(asset.id, {})
    for field, vocabulary in vocab.TERM_FIELDS.items():
        if changes.get(field) is not None:
            vocab.resolve(session, vocabulary, changes[field], allow_retired=frozenset(current.get(field, [])))
    parsed = AssetPatch.model_validate({k: v for k, v in merged.items() if v is not None})
    if parsed.publish_at and parsed.expires_at and parsed.expires_at <= parsed.publish_at:
        raise KhoError("malformed_metadata", status=422, reason="expires_at must be after publish_at")


def _pending(session: Session, asset: Asset) -> Version | None:
    latest = repository.latest_version(session, asset.id)
    if latest is None or latest.id == asset.current_version_id or latest.status not in OPEN:
        return None
    if latest.status == "in_review":
        raise Conflict("invalid_state", action="sửa / edit", state="in_review")
    return latest


def _new_version(session: Session, asset: Asset, principal: Principal, number: int, *, like: Version,
                 stored: StoredOriginal | None, filename: str, proposed: dict[str, Any], status: str) -> Version:
    same_file = stored is None
    version = Version(
        asset_id=asset.id, number=number, status=status, proposed=proposed, created_by_id=principal.user_id,
        object_key=like.object_key if same_file else stored.key,  # type: ignore[union-attr]
        sha256=like.sha256 if same_file else stored.sha256,  # type: ignore[union-attr]
        size=like.size if same_file else stored.size,  # type: ignore[union-attr]
        media_type=like.media_type if same_file else stored.media_type,  # type: ignore[union-attr]
        original_filename=(like.original_filename if same_file else filename)[:400],
        probe=dict(like.probe) if same_file else {},
        extracted_text=like.extracted_text if same_file else "",
        caption_key=like.caption_key if same_file else None)
    repository.add(session, version)
    if same_file:  # the same media keeps its captions (their objects are shared, see languages.captions)
        language_repo.copy_captions(session, like.id, version.id)
    return version


def _changes(patch: AssetPatch) -> dict[str, Any]:
    changes = patch.model_dump(mode="json", exclude_unset=True)
    if changes.get("tags") is not None:
        changes["tags"] = vocab.normalise_tags(changes["tags"])
    return changes


def propose_metadata(session: Session, principal: Principal, asset: Asset, patch: AssetPatch) -> Version:
    """A metadata edit of a published asset: merged into the open pending version or a new one."""
    changes = _changes(patch)
    pending = _pending(session, asset)
    base = pending.proposed if pending else {}
    merged = {**snapshot(session, asset), **base, **changes}
    _validate(session, asset, merged, changes)
    if pending:
        pending.proposed = {**base, **changes}
        version = pending
    else:
        current = assets_repo.get_version(session, asset.current_version_id)  # type: ignore[arg-type]
        latest = repository.latest_version(session, asset.id)
        assert current is not None and latest is not None
        version = _new_version(session, asset, principal, latest.number + 1, like=current, stored=None,
                               filename="", proposed=changes, status="draft")
        jobs.enqueue_processing(session, asset, version)
    audit.record(session, "asset.revision_proposed", "asset", asset.id, actor=principal, version=version.number,
                 fields=sorted(changes))
    outbox.emit(session, "asset.changed", asset_id=asset.id)
    return version


def update_metadata(session: Session, principal: Principal, asset_id: uuid.UUID, patch: AssetPatch) -> Asset:
    """Edit a draft in place; an edit of a published asset becomes a new version awaiting approval
    (the live metadata is unchanged until a reviewer approves it)."""
    asset = assets.get_visible(session, principal, asset_id)
    assets.require_editable(session, principal, asset)
    if asset.status == "published":
        propose_metadata(session, principal, asset, patch)
        return asset
    return assets.edit_in_place(session, principal, asset, patch)


def next_number(session: Session, asset: Asset) -> int:
    latest = repository.latest_version(session, asset.id)
    return (latest.number if latest else 0) + 1


def add_file_version(session: Session, store: ObjectStore, principal: Principal, asset: Asset,
                     stored: StoredOriginal, filename: str, patch: AssetPatch, number: int) -> Version:
    """A new original. Published asset: a pending version; unpublished asset: the new current draft."""
    on_rollback(session, lambda: store.delete(stored.key))
    if asset.status not in ("draft", "changes_requested", "published"):
        raise Conflict("invalid_state", action="tải phiên bản mới / upload a new version", state=asset.status)
    assets_repo.lock_hash(session, stored.sha256)
    existing = assets_repo.version_by_hash(session, stored.sha256)
    current = assets_repo.get_version(session, asset.current_version_id) if asset.current_version_id else None
    if current is not None and current.sha256 == stored.sha256:
        raise Conflict("no_change")
    if existing is not None and existing.asset_id != asset.id:
        raise Conflict("duplicate_file", asset_id=str(existing.asset_id), extra={"asset_id": str(existing.asset_id)})
    changes = _changes(patch)
    assert current is not None
    if asset.status == "published":
        pending = _pending(session, asset)
        proposed = {**(pending.proposed if pending else {}), **changes}
        _validate(session, asset, {**snapshot(session, asset), **proposed}, changes)
        if pending:
            pending.status = "superseded"  # replaced before anyone approved it
        version = _new_version(session, asset, principal, number, like=current, stored=stored, filename=filename,
                               proposed=proposed, status="draft")
    else:
        current.proposed = snapshot(session, asset)  # what the replaced draft said, for the reviewer's diff
        assets.apply_changes(session, asset, patch.model_dump(exclude_unset=True))
        current.status = "superseded"
        version = _new_version(session, asset, principal, number, like=current, stored=stored, filename=filename,
                               proposed={}, status=asset.status)
        asset.current_version_id = version.id
        asset.updated_at = utcnow()
    jobs.enqueue_processing(session, asset, version)
    audit.record(session, "asset.version_added", "asset", asset.id, actor=principal, version=version.number,
                 sha256=stored.sha256, size=stored.size, fields=sorted(changes))
    outbox.emit(session, "asset.changed", asset_id=asset.id)
    return version


def apply_revision(session: Session, asset: Asset, version: Version) -> uuid.UUID:
    """Make an approved pending version the live one; returns the id of the version it supersedes."""
    old = assets_repo.get_version(session, asset.current_version_id)  # type: ignore[arg-type]
    assert old is not None
    proposed = AssetPatch.model_validate(version.proposed).model_dump(exclude_unset=True)
    assets.apply_changes(session, asset, proposed)
    if old.object_key == version.object_key:
        repository.move_missing_renditions(session, old.id, version.id)
    old.status = "superseded"
    asset.current_version_id = version.id
    return old.id
