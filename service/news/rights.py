"""Delivered copies carry their rights: the first delivery of an object stamps a copy (XMP/IPTC, ID3,
MP4 atoms via `transcoding.rights`) under `delivered/<asset>/<hash>`; later deliveries reuse it. The
hash covers the source object and the rights text, so a metadata change yields a fresh copy, and a
withdrawal removes the asset's whole `delivered/<asset>/` prefix."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import tempfile
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path

from service.core.runtime import Runtime
from service.http import urls
from service.models import Asset
from transcoding.rights import DeliveryRights, embed_rights, embeddable


@dataclass(frozen=True)
class Delivered:
    key: str
    size: int
    media_type: str


def rights_for(asset: Asset, organisation_name: str) -> DeliveryRights:
    return DeliveryRights(title=asset.title, organisation=organisation_name, credit=asset.credit,
                          copyright_notice=asset.copyright_notice, usage_terms=asset.usage_terms,
                          asset_id=str(asset.id), asset_url=urls.asset_page(asset.id))


# Sizes of stamped copies already made, kept by the runtime. Keys are content addresses (source + rights),
# so an entry never goes stale; feeds state each enclosure's exact length without asking the store every time.
KnownSizes = OrderedDict[str, int]
_KNOWN_MAX = 4096


def _new_known_sizes(_: Runtime) -> KnownSizes:
    return OrderedDict()


def _known_sizes(rt: Runtime) -> KnownSizes:
    return rt.adapter(_new_known_sizes)


def _remember(rt: Runtime, key: str, size: int) -> int:
    known = _known_sizes(rt)
    known[key] = size
    known.move_to_end(key)
    while len(known) > _KNOWN_MAX:
        known.popitem(last=False)
    return size


def delivered_prefix(asset_id: object) -> str:
    return f"delivered/{asset_id}/"


def forget_delivered(rt: Runtime, asset_id: object) -> None:
    """Called when the asset's stamped copies are deleted (withdrawal)."""
    prefix = delivered_prefix(asset_id)
    sizes = _known_sizes(rt)
    for known in [k for k in list(sizes) if k.startswith(prefix)]:
        sizes.pop(known, None)


def delivered_copy(rt: Runtime, *, source_key: str, size: int, media_type: str,
                   rights: DeliveryRights) -> Delivered:
    """The rights-stamped copy of `source_key` (created once); formats without metadata are served as is."""
    if not embeddable(media_type):
        return Delivered(source_key, size, media_type)
    digest = hashlib.sha256(json.dumps([source_key, asdict(rights)], ensure_ascii=False).encode()).hexdigest()
    ext = mimetypes.guess_extension(media_type) or ".bin"
    key = f"{delivered_prefix(rights.asset_id)}{digest[:32]}{ext}"
    store = rt.store
    known = _known_sizes(rt).get(key)
    if known is not None:
        return Delivered(key, known, media_type)
    if store.exists(key):
        return Delivered(key, _remember(rt, key, store.stat(key).size), media_type)
    tmp_root = rt.settings.tmp_dir
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as work:
        path = Path(work) / f"copy{ext}"
        with store.open(source_key) as reader, path.open("wb") as out:
            for chunk in reader.iter_chunks():
                out.write(chunk)
        embed_rights(path, media_type, rights)
        stat = store.put_file(key, path, content_type=media_type)
    return Delivered(key, _remember(rt, key, stat.size), media_type)
