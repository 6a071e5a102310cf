"""Kits (collections): curated sets of assets, downloadable as one streamed ZIP with a Vietnamese README."""

from __future__ import annotations

import hashlib
import mimetypes
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from service.audit import service as audit
from service.core.errors import Conflict, Forbidden, KhoError, NotFound
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.kits import repository
from service.kits.manifest import MANIFEST_NAME, Missing, manifest_bytes, missing_reason
from service.kits.readme import KitEntry, readme_text
from service.kits.schemas import KitItemIn
from service.kits.zipstream import ZipMember, stream_zip
from service.models import Collection, CollectionItem, Rendition
from service.models.base import utcnow
from service.news import repository as news_repo
from service.news.rights import delivered_copy, rights_for
from service.orgs import repository as orgs_repo
from service.usage import service as usage
from storage.http import file_title
from transcoding.rights import DeliveryRights


def get_or_404(session: Session, slug: str) -> Collection:
    kit = repository.by_slug(session, slug)
    if kit is None:
        raise NotFound(what="bộ tài liệu / kit")
    return kit


def _require_editor(session: Session, principal: Principal, kit: Collection) -> None:
    if principal.role == "producer" and kit.owner_org_id == principal.organisation_id:
        return
    owner = orgs_repo.get(session, kit.owner_org_id)
    if principal.role == "admin" and owner is not None and owner.path.startswith(principal.organisation_path):
        return
    raise Forbidden()


def _items(session: Session, kit_id: uuid.UUID, items: list[KitItemIn]) -> list[CollectionItem]:
    if not items:
        raise KhoError("kit_no_items", status=422)
    wanted = list(dict.fromkeys(i.asset_id for i in items))
    missing = set(wanted) - repository.existing_assets(session, wanted)
    if missing:
        raise KhoError("validation_failed", status=422, reason=f"unknown assets: {', '.join(map(str, missing))}")
    seen: set[uuid.UUID] = set()
    rows = []
    for pos, item in enumerate(items):
        if item.asset_id not in seen:
            seen.add(item.asset_id)
            rows.append(CollectionItem(collection_id=kit_id, asset_id=item.asset_id, position=pos,
                                       profile=item.profile))
    return rows


def create(session: Session, principal: Principal, *, slug: str, title: str, description: str,
           items: list[KitItemIn]) -> Collection:
    if repository.by_slug(session, slug):
        raise Conflict("kit_slug_taken", slug=slug)
    kit = Collection(slug=slug, title=unicodedata.normalize("NFC", title),
                     description=unicodedata.normalize("NFC", description),
                     owner_org_id=principal.organisation_id, created_by_id=principal.user_id)
    repository.add(session, kit)
    repository.replace_items(session, kit.id, _items(session, kit.id, items))
    session.flush()
    _require_live_items(session, kit.id)
    audit.record(session, "kit.created", "collection", kit.id, actor=principal, slug=slug, items=len(items))
    return kit


def update(session: Session, principal: Principal, slug: str, *, title: str | None, description: str | None,
           items: list[KitItemIn] | None) -> Collection:
    kit = get_or_404(session, slug)
    _require_editor(session, principal, kit)
    if title is not None:
        kit.title = unicodedata.normalize("NFC", title)
    if description is not None:
        kit.description = unicodedata.normalize("NFC", description)
    if items is not None:
        repository.replace_items(session, kit.id, _items(session, kit.id, items))
        session.flush()
        _require_live_items(session, kit.id)
    audit.record(session, "kit.updated", "collection", kit.id, actor=principal)
    return kit


def delete(session: Session, principal: Principal, slug: str) -> None:
    kit = get_or_404(session, slug)
    _require_editor(session, principal, kit)
    repository.remove(session, kit)
    audit.record(session, "kit.deleted", "collection", kit.id, actor=principal, slug=slug)


def items_of(session: Session, kit: Collection) -> list[CollectionItem]:
    return repository.items(session, kit.id)


def items_by_kit(session: Session, kits: list[Collection]) -> dict[uuid.UUID, list[CollectionItem]]:
    return repository.items_of_kits(session, [k.id for k in kits])


def kits_with_counts(session: Session, limit: int = 100) -> list[tuple[Collection, int]]:
    """Kits with how many items each holds, counted in the same query."""
    return repository.all_kits(session, limit)


def list_kits(session: Session, limit: int = 100) -> list[Collection]:
    return [k for k, _ in repository.all_kits(session, limit)]


@dataclass(frozen=True)
class _Source:
    key: str
    size: int
    media_type: str
    rights: DeliveryRights
    name: str


def _safe(name: str) -> str:
    return file_title(name, 80) or "tai-nguyen"


def _require_live_items(session: Session, kit_id: uuid.UUID) -> None:
    """A kit is public as soon as it exists: refuse one with nothing anyone could download."""
    if not repository.live_items(session, kit_id, utcnow()):
        raise KhoError("kit_empty", status=409)


def zip_stream(session: Session, rt: Runtime, principal: Principal, slug: str,
               downloading: bool = True) -> tuple[str, Iterator[bytes]]:
    """(file name, byte stream). Everything the stream needs is read now: it runs after the session ends.
    `downloading` is False for a HEAD request: nothing is delivered, no usage is recorded."""
    kit = get_or_404(session, slug)
    now = utcnow()
    rows = repository.live_items(session, kit.id, now)
    if not rows:
        raise KhoError("kit_empty", status=409)
    live_ids = {a.id for _, a in rows}
    missing = [Missing(a, missing_reason(a, now)) for _, a in repository.items_with_assets(session, kit.id)
               if a.id not in live_ids]
    versions = news_repo.versions(session, [a.current_version_id for _, a in rows if a.current_version_id])
    orgs = news_repo.organisations(session, [a.owner_org_id for _, a in rows])
    # The renditions of every item that asks for a profile, read at once (not one query per item).
    chosen = news_repo.renditions(session, [a.current_version_id for i, a in rows
                                            if i.profile and a.current_version_id])
    sources: list[_Source] = []
    entries: list[KitEntry] = []
    uses: list[dict[str, Any]] = []
    for n, (item, asset) in enumerate(rows, start=1):
        version = versions.get(asset.current_version_id) if asset.current_version_id else None
        if version is None:
            continue
        rendition = _largest(chosen.get(version.id, []), item.profile) if item.profile else None
        key, size, media_type = ((rendition.object_key, rendition.size, rendition.media_type) if rendition
                                 else (version.object_key, version.size, version.media_type))
        org = orgs.get(asset.owner_org_id)
        ext = "." + version.original_filename.rsplit(".", 1)[-1] if not rendition and "." in \
            version.original_filename else _ext(media_type)
        name = f"{n:02d} - {_safe(asset.title)}{ext}"
        sources.append(_Source(key, size, media_type, rights_for(asset, org.name if org else ""), name))
        entries.append(KitEntry(name, asset, org.name if org else "", rendition.profile if rendition else "original",
                                media_type))
        uses.append({"asset_id": asset.id, "version_id": version.id, "rendition": rendition,
                     "profile": item.profile or "original", "channel": "kit", "bytes_sent": size})
    if downloading:  # every file's download in one write (not two inserts per file)
        usage.record_many("download", principal, session, uses)
    readme = readme_text(kit, entries, [m.asset for m in missing if m.why == "withdrawn"]).encode("utf-8")
    sums: dict[str, tuple[str, int]] = {}

    def manifest() -> list[bytes]:  # called after every file was streamed: `sums` is complete
        return [manifest_bytes(kit, entries, missing, sums, now)]

    return f"{kit.slug}.zip", stream_zip(_members(rt, sources, readme, sums, manifest))


def _largest(renditions: list[Rendition], profile: str) -> Rendition | None:
    """The largest rendition of the profile (the single-item read took the same one)."""
    return max((r for r in renditions if r.profile == profile), key=lambda r: r.size, default=None)


def _ext(media_type: str) -> str:
    return mimetypes.guess_extension(media_type) or ".bin"


def _members(rt: Runtime, sources: list[_Source], readme: bytes, sums: dict[str, tuple[str, int]],
             manifest: Callable[[], list[bytes]]) -> Iterator[ZipMember]:
    now = utcnow()
    yield ZipMember("README.txt", len(readme), now, lambda: [readme], compress=True)
    for src in sources:
        yield ZipMember(src.name, src.size + 1024 * 1024, now,
                        lambda s=src: _read(rt, s, sums))  # type: ignore[misc]
    yield ZipMember(MANIFEST_NAME, 0, now, manifest, compress=True)


def _read(rt: Runtime, src: _Source, sums: dict[str, tuple[str, int]]) -> Iterable[bytes]:
    """The rights-stamped copy (made on first delivery), read in chunks and hashed on the way."""
    copy = delivered_copy(rt, source_key=src.key, size=src.size, media_type=src.media_type, rights=src.rights)
    digest, size = hashlib.sha256(), 0
    with rt.store.open(copy.key) as reader:
        for chunk in reader.iter_chunks():
            digest.update(chunk)
            size += len(chunk)
            yield chunk
    sums[src.name] = (digest.hexdigest(), size)
