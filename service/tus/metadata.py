"""Asset metadata arriving outside the multipart upload (tus Upload-Metadata, import manifests):
validated with the same schema and vocabularies as POST /api/v1/assets, before any byte is accepted."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from service.assets.schemas import AssetCreate
from service.errors import KhoError
from service.vocab import service as vocab


def asset_meta(raw: dict[str, Any]) -> AssetCreate:
    try:
        return AssetCreate.model_validate(raw)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise KhoError("malformed_metadata", status=422, reason=reasons,
                       extra={"errors": json.loads(exc.json(include_url=False))[:20]}) from exc


def from_tus(fields: dict[str, str]) -> tuple[AssetCreate, str]:
    """`metadata` (a JSON AssetCreate) plus loose keys (kind, title, …) → (metadata, file name)."""
    try:
        raw: Any = json.loads(fields["metadata"]) if "metadata" in fields else {}
    except ValueError as exc:
        raise KhoError("malformed_metadata", status=422, reason=str(exc)[:300]) from exc
    if not isinstance(raw, dict):
        raise KhoError("malformed_metadata", status=422, reason="metadata must be a JSON object")
    for key in ("kind", "title", "summary", "language"):
        if key in fields:
            raw.setdefault(key, fields[key])
    filename = fields.get("filename") or fields.get("name") or "upload"
    return asset_meta(raw), filename[:400]


def check_terms(session: Session, meta: AssetCreate) -> None:
    """Unknown vocabulary codes are refused now rather than after the whole file has arrived."""
    for field, vocabulary in vocab.TERM_FIELDS.items():
        codes = getattr(meta, field)
        if codes:
            vocab.resolve(session, vocabulary, codes)
