"""The focal point in processing: which point a run crops around, and which of its outputs it may record.

A producer who moves the focal point bumps `Version.focal_revision` and gets a job that re-renders only
the focal-point crops (transcoding/crops.py). Any run that cropped around an older revision (the first
processing still running, an earlier re-render) leaves those crops to the newer job: it records the rest
and deletes the stale uploads, so the latest point wins whatever order the jobs finish in, and no object
is left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.assets.rendition_files import stored_keys
from service.models import Asset, Rendition, Version
from transcoding.crops import MEDIA_OF_KIND, cover_outputs
from transcoding.types import FocalPoint, RenditionOutput

OutputKey = tuple[str, str]  # (profile, output name in the profile)


def requested_outputs(payload: dict[str, Any]) -> list[OutputKey] | None:
    wanted = payload.get("outputs")
    if not isinstance(wanted, list) or not wanted:
        return None
    return [(str(p), str(o)) for p, o in wanted]


def focal_for(asset: Asset, version: Version) -> FocalPoint | None:
    """The version's own point; pictures without one get theirs found by processing (None); video keeps
    the asset's (set through the API, centre by default)."""
    if version.focal_x is not None and version.focal_y is not None:
        return FocalPoint(version.focal_x, version.focal_y)
    if MEDIA_OF_KIND.get(asset.kind) == "image":
        return None
    return FocalPoint(asset.focal_x, asset.focal_y)


def spec_name(row: Rendition | RenditionOutput) -> str:
    return str(row.extra.get("spec") or row.variant)


@dataclass
class RecordPlan:
    record: list[tuple[str, RenditionOutput]]
    doomed: Callable[[Rendition], bool]
    unused: list[str] = field(default_factory=list)


def plan_record(payload: dict[str, Any], kind: str, version: Version, uploaded: list[tuple[str, RenditionOutput]],
                revision: int) -> RecordPlan:
    """What this run records and which existing renditions its rows replace."""
    crops = {(c.profile, c.spec) for c in cover_outputs(kind)}
    stale = version.focal_revision != revision
    requested = requested_outputs(payload)
    if requested is not None:
        wanted = set(requested) - (crops if stale else set())
        record = [(k, o) for k, o in uploaded if (o.profile, spec_name(o)) in wanted]
        unused = [key for k, o in uploaded if (o.profile, spec_name(o)) not in wanted
                  for key in stored_keys(k, o.extra)]
        return RecordPlan(record, lambda r: (r.profile, spec_name(r)) in wanted, unused)
    kept = crops if stale else set()
    record = [(k, o) for k, o in uploaded if (o.profile, spec_name(o)) not in kept]
    unused = [key for k, o in uploaded if (o.profile, spec_name(o)) in kept for key in stored_keys(k, o.extra)]
    profiles = {o.profile for _, o in uploaded}
    return RecordPlan(record, lambda r: r.profile in profiles and (r.profile, spec_name(r)) not in kept, unused)
