"""Read side of the workflow: review queue, versions and their diff, history, comments, downloaders.
Version-level material is shown only inside the asset's workspace (see service.assets.policy)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.assets import policy
from service.assets import service as assets
from service.assets.schemas import AssetOut
from service.core.errors import Forbidden, KhoError, NotFound
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.models import Asset, Comment, Version
from service.models.base import utcnow
from service.outbox import events as outbox
from service.publication.readiness import readiness
from service.publication.schemas import PublicationOut, publication_out
from service.workflow import repository, revisions, rules
from service.workflow.schemas import (
    CommentIn,
    CommentOut,
    DiffOut,
    DiffSide,
    DownloadersOut,
    FieldChange,
    QueueItem,
    ReviewEventOut,
    VersionOutFull,
)
from service.workflow.service import downloaders_of

FILE_FIELDS = ("sha256", "media_type", "size", "original_filename")


def workspace_asset(session: Session, principal: Principal, asset_id: uuid.UUID) -> Asset:
    """The asset, if the caller works on it: 404 when invisible, 403 when only its public face is."""
    asset = assets.get_visible(session, principal, asset_id)
    if not policy.in_workspace(principal, asset.owner_org_id, repository.org_path(session, asset.owner_org_id)):
        raise Forbidden()
    return asset


def review_queue(session: Session, principal: Principal, limit: int) -> list[QueueItem]:
    """Read in batches: metadata, approval levels and approvals of the whole queue in one query each."""
    pairs = list(repository.queue(session, policy.review_filter(principal), limit))
    metas = revisions.metadata_of_many(session, pairs)
    levels_of = repository.approval_levels_of(session, {a.owner_org_id for a, _ in pairs})
    approvals_of = repository.round_approvals_of(session, [v.id for _, v in pairs])
    items = []
    for (asset, version), meta in zip(pairs, metas, strict=True):
        levels = levels_of.get(asset.owner_org_id, 1)
        approvals = approvals_of[version.id]
        items.append(QueueItem(
            asset_id=asset.id, version_id=version.id, version_number=version.number, kind=asset.kind,
            title=meta["title"], owner_org_id=asset.owner_org_id, urgent=bool(meta.get("urgent")),
            is_revision=asset.status == "published", submitted_at=version.submitted_at,
            submitted_by_id=version.submitted_by_id, approvals=len(approvals), approval_levels=levels,
            can_approve=rules.may_approve(principal, approvals, levels,
                                          (version.submitted_by_id, version.created_by_id))))
    # A pending revision may propose the urgent flag: sort again on what the reviewer will decide.
    items.sort(key=lambda i: not i.urgent)
    return items


def publication(session: Session, principal: Principal, asset_id: uuid.UUID) -> PublicationOut:
    """Whether the latest version's renditions let it go live (for the producer and the reviewers)."""
    asset = workspace_asset(session, principal, asset_id)
    version = repository.latest_version(session, asset.id)
    if version is None:
        raise NotFound(what="phiên bản / version")
    return publication_out(readiness(session, asset, version), version.status)


def versions(session: Session, principal: Principal, asset_id: uuid.UUID) -> list[VersionOutFull]:
    workspace_asset(session, principal, asset_id)
    return [VersionOutFull.model_validate(v, from_attributes=True)
            for v in repository.versions_of(session, asset_id)]


def _version(session: Session, asset: Asset, ref: str | None, default: Version | None) -> Version:
    if ref is None:
        if default is None:
            raise NotFound(what="phiên bản / version")
        return default
    try:
        number = int(ref)
    except ValueError:
        raise KhoError("validation_failed", status=422, reason="version must be a number") from None
    version = repository.version_by_number(session, asset.id, number)
    if version is None:
        raise NotFound(what="phiên bản / version")
    return version


def as_proposed(session: Session, principal: Principal, asset_id: uuid.UUID, number: int) -> AssetOut:
    """The asset as it will read once version `number` goes live: its proposed metadata over the live ones
    (what the review page shows beside that version's files). Workspace only, like every version read."""
    asset = workspace_asset(session, principal, asset_id)
    version = _version(session, asset, str(number), None)
    live = assets.to_out(session, [asset])[0].model_dump(mode="json")
    meta = revisions.metadata_of(session, asset, version)
    rights = {**live["rights"], **{f: meta[f] for f in revisions.RIGHTS_FIELDS if meta.get(f) is not None}}
    fields = {f: v for f, v in meta.items() if f in AssetOut.model_fields and f not in revisions.RIGHTS_FIELDS
              and v is not None}
    return AssetOut.model_validate({**live, **fields, "rights": rights})


def preview_url(session: Session, rt: Runtime, version: Version) -> str | None:
    """A time-limited URL of the version's smallest image rendition (thumbnail, poster frame, page)."""
    for rendition in repository.renditions_of(session, version.id):
        if rendition.media_type.startswith("image/"):
            return rt.store.download_url(rendition.object_key, expires=rt.download_ttl,
                                         content_type=rendition.media_type)
    return None


def diff(session: Session, rt: Runtime, principal: Principal, asset_id: uuid.UUID, from_ref: str | None,
         to_ref: str | None) -> DiffOut:
    """Field-by-field difference of two versions' metadata and files; defaults: live version → latest."""
    asset = workspace_asset(session, principal, asset_id)
    latest = repository.latest_version(session, asset.id)
    current = session.get(Version, asset.current_version_id) if asset.current_version_id else latest
    old = _version(session, asset, from_ref, current)
    new = _version(session, asset, to_ref, latest)
    old_meta, new_meta = revisions.metadata_of(session, asset, old), revisions.metadata_of(session, asset, new)
    changes = [FieldChange(field=f, old=old_meta.get(f), new=new_meta.get(f))
               for f in revisions.METADATA_FIELDS if old_meta.get(f) != new_meta.get(f)]
    changes += [FieldChange(field=f"file.{f}", old=getattr(old, f), new=getattr(new, f))
                for f in FILE_FIELDS if getattr(old, f) != getattr(new, f)]

    def side(v: Version) -> DiffSide:
        return DiffSide(version_id=v.id, number=v.number, status=v.status, preview_url=preview_url(session, rt, v))

    return DiffOut(asset_id=asset.id, from_version=side(old), to_version=side(new), changes=changes)


def history(session: Session, principal: Principal, asset_id: uuid.UUID) -> list[ReviewEventOut]:
    workspace_asset(session, principal, asset_id)
    return [ReviewEventOut.model_validate(e) for e in repository.history(session, asset_id)]


def comments(session: Session, principal: Principal, asset_id: uuid.UUID) -> list[CommentOut]:
    workspace_asset(session, principal, asset_id)
    return [CommentOut.model_validate(c) for c in repository.comments(session, asset_id)]


def add_comment(session: Session, principal: Principal, asset_id: uuid.UUID, body: CommentIn) -> CommentOut:
    asset = workspace_asset(session, principal, asset_id)
    version_id: Any = None
    if body.version_number is not None:
        version_id = _version(session, asset, str(body.version_number), None).id
    comment = Comment(asset_id=asset.id, version_id=version_id, author_id=principal.user_id, body=body.body,
                      created_at=utcnow())
    repository.add(session, comment)
    outbox.emit(session, "comment.added", asset_id=asset.id, comment_id=comment.id, author_id=principal.user_id)
    return CommentOut.model_validate(comment)


def downloaders(session: Session, principal: Principal, asset_id: uuid.UUID) -> DownloadersOut:
    workspace_asset(session, principal, asset_id)
    return downloaders_of(session, asset_id)


@dataclass(frozen=True)
class WithdrawalNotice:
    """What anyone holding a link to a withdrawn asset is told: what, when, why, and what to use instead."""

    title: str
    withdrawn_at: datetime | None
    reason: str
    replacement_id: uuid.UUID | None
    replacement_title: str | None


def withdrawal_notice(session: Session, asset_id: uuid.UUID) -> WithdrawalNotice | None:
    """Public facts about a withdrawn asset (its title and the reason were public while it was live)."""
    asset = session.get(Asset, asset_id)
    if asset is None or asset.status != "withdrawn":
        return None
    event = repository.last_event(session, asset_id, "withdraw")
    replacement = session.get(Asset, asset.replaced_by_id) if asset.replaced_by_id else None
    live = replacement is not None and replacement.status == "published"
    return WithdrawalNotice(asset.title, event.at if event else None, asset.withdrawn_reason or "",
                            replacement.id if live and replacement else None,
                            replacement.title if live and replacement else None)
