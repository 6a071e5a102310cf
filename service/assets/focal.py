"""The focal point of an asset's current version: where every cover crop (16:9 covers, thumbnails, 9:16
stories) centres. Saving one re-renders only those crops, in a job of their own (service/processing/refocus.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from service.assets import service as assets
from service.assets.schemas import FocalCropOut, FocalOut
from service.audit import service as audit
from service.core.errors import Conflict, KhoError
from service.identity.principal import Principal
from service.jobs import service as jobs
from service.jobs.service import refocus_job_id
from service.models import Asset, Job, Version
from service.outbox import events as outbox
from transcoding.crops import CoverOutput, cover_outputs, focal_profiles

FOCAL_STATES = ("draft", "in_review", "changes_requested", "approved", "published")


@dataclass(frozen=True)
class FocalState:
    x: float
    y: float
    source: str  # "manual", "auto" or "default" (not found yet: processing has not run)
    crops: list[CoverOutput]


def state_of(session: Session, asset: Asset) -> FocalState:
    version = assets.current_version(session, asset)
    if version.focal_x is not None and version.focal_y is not None:
        return FocalState(version.focal_x, version.focal_y, version.focal_source or "manual", cover_outputs(asset.kind))
    return FocalState(asset.focal_x, asset.focal_y, "default", cover_outputs(asset.kind))


def editable_focal(session: Session, principal: Principal, asset_id: uuid.UUID) -> tuple[Asset, FocalState]:
    """The asset and its focal point, for someone who may move it (Forbidden/NotFound otherwise)."""
    asset = assets.get_visible(session, principal, asset_id)
    assets.require_editable(session, principal, asset)
    if not cover_outputs(asset.kind):
        raise KhoError("validation_failed", status=422, reason="this kind of asset has no focal-point crops")
    return asset, state_of(session, asset)


def set_focal(session: Session, principal: Principal, asset_id: uuid.UUID, x: float, y: float) -> Job:
    """Store the producer's point on the current version and queue the re-render of its crops."""
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise KhoError("validation_failed", status=422, reason="focal point must be within 0..1")
    asset, _ = editable_focal(session, principal, asset_id)
    if asset.status not in FOCAL_STATES:
        raise Conflict("invalid_state", action="đặt điểm chính / set focal point", state=asset.status)
    version = assets.current_version(session, asset)
    version.focal_x, version.focal_y, version.focal_source = x, y, "manual"
    version.focal_revision += 1
    asset.focal_x, asset.focal_y = x, y  # the API's AssetOut reports the live point
    audit.record(session, "asset.focal_set", "asset", asset.id, actor=principal, x=round(x, 4), y=round(y, 4),
                 version=version.number)
    outbox.emit(session, "asset.changed", asset_id=asset.id)
    outputs = [[c.profile, c.spec] for c in cover_outputs(asset.kind)]
    return jobs.enqueue(session, refocus_job_id(version.id, version.focal_revision), "process",
                        asset_id=asset.id, version_id=version.id,
                        payload={"profiles": focal_profiles(asset.kind), "outputs": outputs})


def _out(session: Session, asset: Asset) -> FocalOut:
    state = state_of(session, asset)
    version: Version = assets.current_version(session, asset)
    job = jobs.find(session, refocus_job_id(version.id, version.focal_revision)) if version.focal_revision else None
    source: Literal["manual", "auto", "default"] = (
        "manual" if state.source == "manual" else "auto" if state.source == "auto" else "default")
    return FocalOut(asset_id=asset.id, version_number=version.number, x=state.x, y=state.y, source=source,
                    crops=[FocalCropOut(profile=c.profile, spec=c.spec, channel=c.channel, label_vi=c.label_vi,
                                        label_en=c.label_en, width=c.width, height=c.height) for c in state.crops],
                    job_id=job.id if job else None, job_status=job.status if job else None)


def read_focal(session: Session, principal: Principal, asset_id: uuid.UUID) -> FocalOut:
    """The focal point of the live version, for anyone who sees the asset (its AssetOut shows it too)."""
    return _out(session, assets.get_visible(session, principal, asset_id))


def put_focal(session: Session, principal: Principal, asset_id: uuid.UUID, x: float, y: float) -> FocalOut:
    """`set_focal` (the focal page's save: permission, audit, crops-only re-render), answered as the API reads it."""
    set_focal(session, principal, asset_id, x, y)
    return _out(session, assets.get_visible(session, principal, asset_id))
