"""HLS playback through one page-layer route.

A `web-hls` rendition set is one master playlist, one playlist per rung (each with an init segment and
media segments) and optional WebVTT captions. The playlists name their files by relative path, which
signed object URLs cannot resolve, so the player loads everything from
`/tep/hls/{asset_id}/{master_rendition_id}/{name}`: relative names resolve inside that folder, and each
request is checked with the renditions service (visibility, withdrawal, and which version the caller may
see: the live one, or a pending one for its reviewers and producers) before the file is streamed.

Where a file lives is decided by service/renditions/files.py (every file of a multi-file rendition is
stored beside its entry point, named as in `extra["files"]`); a set whose segments are missing from
storage is not offered to the player (the progressive web-mp4 plays instead).
"""

from __future__ import annotations

import posixpath
import re
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.assets.rendition_files import companion_key
from service.core.errors import NotFound
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.models import Rendition
from service.renditions import service as renditions
from service.renditions.schemas import RenditionOut, RenditionsResponse
from storage.base import InvalidKey, StorageError

HLS_PROFILE = "web-hls"
PLAYLIST = "application/vnd.apple.mpegurl"
MEDIA_TYPES = {".m3u8": PLAYLIST, ".m4s": "video/iso.segment", ".mp4": "video/mp4", ".vtt": "text/vtt",
               ".ts": "video/mp2t", ".aac": "audio/aac"}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$")


@dataclass(frozen=True)
class HlsMedia:
    master_url: str | None  # None when the set is incomplete in storage
    captions: list[tuple[str, str]]  # (language, same-origin URL of the WebVTT file)


def _files(r: RenditionOut) -> list[str]:
    files = r.extra.get("files") if isinstance(r.extra, dict) else None
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def stored_key(row: Rendition, rel: str) -> str | None:
    """Storage key of a file listed in a rendition's `extra["files"]`."""
    return companion_key(row.object_key, row.extra, rel)


def _master(listing: RenditionsResponse) -> RenditionOut | None:
    for group in listing.profiles:
        if group.profile == HLS_PROFILE:
            for r in group.renditions:
                if r.media_type == PLAYLIST and r.variant.endswith("master") and _files(r):
                    return r
    return None


def _set(listing: RenditionsResponse, profile: str) -> list[RenditionOut]:
    return [r for g in listing.profiles if g.profile == profile for r in g.renditions]


def media_for(session: Session, rt: Runtime, principal: Principal, listing: RenditionsResponse | None) -> HlsMedia:
    """The player's sources for an asset page (call only for an asset whose files may be served)."""
    master = _master(listing) if listing else None
    if listing is None or master is None:
        return HlsMedia(None, [])
    base = f"/tep/hls/{listing.asset_id}/{master.id}/"
    folder = posixpath.dirname(_files(master)[0])
    captions = [(r.variant.rsplit("-", 1)[-1], base + posixpath.relpath(_files(r)[0], folder))
                for r in _set(listing, master.profile) if r.media_type == "text/vtt" and _files(r)]
    rungs = [r for r in _set(listing, master.profile)
             if r.media_type == PLAYLIST and r.id != master.id and len(_files(r)) > 1]
    if not rungs:
        return HlsMedia(None, captions)
    smallest = min(rungs, key=lambda r: r.height or 0)
    _, _, row = renditions.get_for_preview(session, principal, listing.asset_id, smallest.id)
    key = stored_key(row, _files(smallest)[1])
    try:
        stored = key is not None and rt.store.exists(key)
    except (InvalidKey, StorageError):
        stored = False
    playlist = base + posixpath.basename(_files(master)[0])
    return HlsMedia(playlist if stored else None, captions)


@dataclass(frozen=True)
class HlsFile:
    key: str
    media_type: str
    etag: str


def resolve(session: Session, rt: Runtime, principal: Principal, asset_id: uuid.UUID, master_id: uuid.UUID,
            name: str) -> HlsFile:
    """The stored file `name` (relative to the master playlist) of an HLS set of a version the caller may see."""
    asset, version, master_row = renditions.get_for_preview(session, principal, asset_id, master_id)  # rules, 410
    master_files = master_row.extra.get("files") if isinstance(master_row.extra, dict) else None
    if (master_row.media_type != PLAYLIST or not master_row.variant.endswith("master")
            or not isinstance(master_files, list) or not master_files or not _SAFE_NAME.match(name)):
        raise NotFound(what="tệp HLS / HLS file")
    folder = posixpath.dirname(str(master_files[0]))
    rel = posixpath.normpath(posixpath.join(folder, name))
    if not rel.startswith(folder + "/") or ".." in rel.split("/"):
        raise NotFound(what="tệp HLS / HLS file")
    listing = renditions.version_listing(session, rt, asset, version)
    for r in _set(listing, master_row.profile):
        if rel in _files(r):
            _, _, row = renditions.get_for_preview(session, principal, asset_id, r.id)
            key = stored_key(row, rel)
            if key is None:
                break
            suffix = posixpath.splitext(rel)[1].lower()
            return HlsFile(key, MEDIA_TYPES.get(suffix, "application/octet-stream"),
                           f"{row.id.hex}-{_files(r).index(rel)}")
    raise NotFound(what="tệp HLS / HLS file")
