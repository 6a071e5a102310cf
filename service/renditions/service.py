"""Renditions of an asset's versions: status per platform profile, downloads, regeneration.

The live version's renditions are what everyone who sees the asset gets (`/assets/{id}/renditions`). The
renditions of another version (a pending revision under review) are a preview for its workspace only
(`/assets/{id}/versions/{n}/renditions`): who may see which version is decided by
`assets.preview_version` (service/assets/policy.py), never by a caller."""

from __future__ import annotations

import mimetypes
import uuid

from sqlalchemy.orm import Session

from service.assets import policy
from service.assets import repository as assets_repo
from service.assets import service as assets
from service.core.errors import Conflict, KhoError, NotFound
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.jobs import repository as jobs_repo
from service.jobs import service as jobs
from service.jobs.public import public_error
from service.models import Asset, Job, Rendition, Version
from service.models.base import utcnow
from service.renditions.repository import of_version, of_versions
from service.renditions.schemas import ProfileStatus, RenditionOut, RenditionsResponse
from storage.http import ascii_fold, file_title
from transcoding.pipeline import SECTIONS, media_of
from transcoding.profiles import Profile, default_profiles


def expected_profiles(asset: Asset, version: Version) -> list[Profile]:
    sections = SECTIONS.get(media_of(asset.kind, version.media_type), ())
    described = bool(asset.audio_description.strip())  # an image's description is read into audio profiles
    return [p for p in default_profiles().values()
            if (asset.kind in p.kinds and any(p.sections(s) for s in sections))
            or (described and asset.kind in p.described_kinds)]


def _file_name(asset: Asset, r: Rendition) -> str:
    guessed = (mimetypes.guess_extension(r.media_type.split(";")[0]) or ".bin").lstrip(".")
    ext = r.object_key.rsplit(".", 1)[-1] if "." in r.object_key.rsplit("/", 1)[-1] else guessed
    return f"{file_title(asset.title)} - {r.profile} {r.variant}.{ext}"


def to_out(rt: Runtime, asset: Asset, r: Rendition, preview_of: int | None = None) -> RenditionOut:
    """`preview_of`: the number of the non-live version `r` belongs to (its download goes through the
    version's own route, which applies the preview rule)."""
    profile = default_profiles().get(r.profile)
    signed = rt.store.download_url(r.object_key, expires=rt.download_ttl, filename=_file_name(asset, r),
                                      content_type=r.media_type)
    extra = r.extra or {}
    also = extra.get("same_as")
    return RenditionOut(id=r.id, profile=r.profile, variant=r.variant, spec=str(extra.get("spec") or r.variant),
                        also_for=[str(a) for a in also] if isinstance(also, list) else [],
                        channel=profile.channel if profile else None,
                        label_vi=profile.label_vi if profile else None, label_en=profile.label_en if profile else None,
                        media_type=r.media_type, size=r.size, width=r.width, height=r.height, duration=r.duration,
                        bitrate=r.bitrate, loudness_lufs=r.loudness_lufs, true_peak_dbtp=r.true_peak_dbtp,
                        extra=r.extra, download_url=_download_path(asset, r, preview_of),
                        signed_url=signed)


def _download_path(asset: Asset, r: Rendition, preview_of: int | None) -> str:
    if preview_of is None:
        return f"/api/v1/assets/{asset.id}/renditions/{r.id}"
    return f"/api/v1/assets/{asset.id}/versions/{preview_of}/renditions/{r.id}"


def list_renditions(session: Session, rt: Runtime, principal: Principal, asset_id: uuid.UUID) -> RenditionsResponse:
    asset = assets.get_visible(session, principal, asset_id)
    version = assets.current_version(session, asset)
    return _listing(rt, asset, version, of_version(session, version.id),
                    jobs_repo.get(session, jobs.process_job_id(version.id)))


def list_version_renditions(session: Session, rt: Runtime, principal: Principal, asset_id: uuid.UUID,
                            number: int) -> RenditionsResponse:
    """The renditions of version `number`: what a reviewer approves when it is a pending revision."""
    asset = assets.get_visible(session, principal, asset_id)
    return version_listing(session, rt, asset, assets.preview_version(session, principal, asset, number=number))


def version_listing(session: Session, rt: Runtime, asset: Asset, version: Version) -> RenditionsResponse:
    """The listing of a version already checked with `assets.preview_version`."""
    return _listing(rt, asset, version, of_version(session, version.id),
                    jobs_repo.get(session, jobs.process_job_id(version.id)))


def list_renditions_many(session: Session, rt: Runtime, principal: Principal, asset_ids: list[uuid.UUID]
                         ) -> dict[uuid.UUID, RenditionsResponse]:
    """`list_renditions` for a page of assets in four queries (assets, versions, renditions, jobs), whatever
    the page's length; assets the principal cannot see, or without a version, are left out."""
    visible = assets_repo.visible_by_ids(session, asset_ids, policy.visible_filter(principal, utcnow()))
    versions = assets_repo.current_versions(session, visible)
    rows = of_versions(session, list(versions))
    found = jobs_repo.get_many(session, [jobs.process_job_id(v) for v in versions])
    return {a.id: _listing(rt, a, versions[a.current_version_id], rows[a.current_version_id],
                           found.get(jobs.process_job_id(a.current_version_id)))
            for a in visible if a.current_version_id in versions}


def _listing(rt: Runtime, asset: Asset, version: Version, rows: list[Rendition], job: Job | None) -> RenditionsResponse:
    by_profile: dict[str, list[Rendition]] = {}
    for r in rows:
        by_profile.setdefault(r.profile, []).append(r)
    names = [p.name for p in expected_profiles(asset, version)] + sorted(set(by_profile) - {
        p.name for p in expected_profiles(asset, version)})
    job_state = job.status if job else None
    profiles = []
    for name in names:
        ready = by_profile.get(name, [])
        status = "ready" if ready else {"failed": "failed", "running": "processing", "queued": "processing",
                                        "succeeded": "not_applicable"}.get(job_state or "", "pending")
        preview_of = None if version.id == asset.current_version_id else version.number
        profiles.append(ProfileStatus(profile=name, status=status,
                                      renditions=[to_out(rt, asset, r, preview_of) for r in ready]))
    return RenditionsResponse(asset_id=asset.id, version_id=version.id, job_id=job.id if job else None,
                              job_status=job_state, job_progress=job.progress if job else None,
                              job_error=public_error(job.error) if job else None, profiles=profiles)


def get_for_download(session: Session, principal: Principal, asset_id: uuid.UUID,
                     rendition_id: uuid.UUID) -> tuple[Asset, Rendition]:
    asset, version = assets.original_for_download(session, principal, asset_id)  # visibility + withdrawn rules
    return asset, _of(session, version, rendition_id)


def get_version_rendition(session: Session, principal: Principal, asset_id: uuid.UUID, number: int,
                          rendition_id: uuid.UUID) -> tuple[Asset, Version, Rendition]:
    """A rendition of version `number` (live for all who see the asset, any other for its workspace)."""
    asset, version = assets.version_for_download(session, principal, asset_id, number=number)
    return (asset, version, _of(session, version, rendition_id))


def get_for_preview(session: Session, principal: Principal, asset_id: uuid.UUID,
                    rendition_id: uuid.UUID) -> tuple[Asset, Version, Rendition]:
    """A rendition named only by its id, of whichever version the principal may see (the page's HLS player,
    whose playlists name their files relatively): the live one for everyone, others in the workspace."""
    rendition = session.get(Rendition, rendition_id)
    if rendition is None:
        raise NotFound(what="bản dựng / rendition")
    asset, version = assets.version_for_download(session, principal, asset_id, version_id=rendition.version_id)
    return asset, version, rendition


def _of(session: Session, version: Version, rendition_id: uuid.UUID) -> Rendition:
    rendition = session.get(Rendition, rendition_id)
    if rendition is None or rendition.version_id != version.id:
        raise NotFound(what="bản dựng / rendition")
    return rendition


def file_name(asset: Asset, r: Rendition) -> str:
    return _file_name(asset, r)


def ascii_title(asset: Asset) -> str:
    return ascii_fold(asset.title)


def regenerate(session: Session, principal: Principal, asset_id: uuid.UUID, profiles: list[str] | None) -> Job:
    asset = assets.get_visible(session, principal, asset_id)
    assets.require_editable(session, principal, asset)
    version = assets.current_version(session, asset)
    known = default_profiles()
    if profiles:
        unknown = [p for p in profiles if p not in known and not p.startswith("qa-")]
        if unknown:
            raise KhoError("validation_failed", status=422, reason=f"unknown profiles: {', '.join(unknown)}")
    job = jobs_repo.get(session, jobs.process_job_id(version.id))
    if job is not None and job.status in ("queued", "running"):
        raise Conflict(reason="renditions are already being made for this version")
    return jobs.enqueue_processing(session, asset, version, profiles=profiles, restart=True)
