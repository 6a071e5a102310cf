"""Asset metadata arriving outside the multipart upload (tus Upload-Metadata, import manifests):
validated with the same schema and vocabularies as POST /api/v1/assets, before any byte is accepted."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.assets.schemas import AssetCreate
from service.inputs import models as inputs
from service.inputs.text import client_filename
from service.vocab import service as vocab


def asset_meta(raw: dict[str, Any]) -> AssetCreate:
    return inputs.validate(AssetCreate, raw)


def from_tus(fields: dict[str, str]) -> tuple[AssetCreate, str]:
    """`metadata` (a JSON AssetCreate) plus loose keys (kind, title, …) → (metadata, file name)."""
    raw = inputs.metadata_object(fields.get("metadata"))
    for key in ("kind", "title", "summary", "language"):
        if key in fields:
            raw.setdefault(key, fields[key])
    return asset_meta(raw), client_filename(fields.get("filename") or fields.get("name"))


def check_terms(session: Session, meta: AssetCreate) -> None:
    """Unknown vocabulary codes are refused now rather than after the whole file has arrived."""
    for field, vocabulary in vocab.TERM_FIELDS.items():
        codes = getattr(meta, field)
        if codes:
            vocab.resolve(session, vocabulary, codes)
