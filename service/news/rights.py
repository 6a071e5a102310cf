"""Delivered copies carry their rights: the first delivery of an object stamps a copy (XMP/IPTC, ID3,
MP4 atoms via `transcoding.rights`) under `delivered/<asset>/<hash>`; later deliveries reuse it. The
hash covers the source object and the rights text, so a metadata change yields a fresh copy, and a
withdrawal removes the asset's whole `delivered/<asset>/` prefix."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from service.config import get_settings
from service.models import Asset
from storage.base import ObjectStore
from transcoding.rights import DeliveryRights, embed_rights, embeddable


@dataclass(frozen=True)
class Delivered:
    key: str
    size: int
    media_type: str


def rights_for(asset: Asset, organisation_name: str) -> DeliveryRights:
    base = get_settings().base_url.rstrip("/")
    return DeliveryRights(title=asset.title, organisation=organisation_name, credit=asset.credit,
                          copyright_notice=asset.copyright_notice, usage_terms=asset.usage_terms,
                          asset_id=str(asset.id), asset_url=f"{base}/assets/{asset.id}")


def delivered_prefix(asset_id: object) -> str:
    return f"delivered/{asset_id}/"


def delivered_copy(store: ObjectStore, *, source_key: str, size: int, media_type: str,
                   rights: DeliveryRights) -> Delivered:
    """The rights-stamped copy of `source_key` (created once); formats without metadata are served as is."""
    if not embeddable(media_type):
        return Delivered(source_key, size, media_type)
    digest = hashlib.sha256(json.dumps([source_key, asdict(rights)], ensure_ascii=False).encode()).hexdigest()
    ext = mimetypes.guess_extension(media_type) or ".bin"
    key = f"{delivered_prefix(rights.asset_id)}{digest[:32]}{ext}"
    if store.exists(key):
        return Delivered(key, store.stat(key).size, media_type)
    tmp_root = get_settings().tmp_dir
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as work:
        path = Path(work) / f"copy{ext}"
        with store.open(source_key) as reader, path.open("wb") as out:
            for chunk in reader.iter_chunks():
                out.write(chunk)
        embed_rights(path, media_type, rights)
        stat = store.put_file(key, path, content_type=media_type)
    return Delivered(key, stat.size, media_type)
