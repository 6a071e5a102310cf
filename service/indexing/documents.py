"""Database rows → search documents. The index is a copy that can always be rebuilt from here."""

from __future__ import annotations

import html
import re
import uuid

from sqlalchemy.orm import Session

from search.types import SearchDocument
from service.indexing import repository
from service.languages import repository as language_repo
from service.models import Asset
from service.models.base import utcnow
from service.vocab import repository as vocab_repo
from service.vocab.service import TERM_FIELDS

_TAGS = re.compile(r"<[^>]+>")


def index_status(asset: Asset) -> str:
    """"published" only while live: an embargoed or expired asset must not be found by staff.
    The scheduled embargo/expiry work emits asset.changed, which re-indexes at the right moment."""
    now = utcnow()
    if asset.status == "published":
        if asset.publish_at and asset.publish_at > now:
            return "scheduled"
        if asset.expires_at and asset.expires_at <= now:
            return "expired"
    return asset.status


def build(session: Session, asset_ids: list[uuid.UUID]) -> list[SearchDocument]:
    assets = repository.assets_by_ids(session, asset_ids)
    orgs = repository.orgs_by_ids(session, {a.owner_org_id for a in assets})
    version_ids = [a.current_version_id for a in assets if a.current_version_id]
    versions = repository.versions_by_ids(session, version_ids)
    profiles = repository.profiles_by_version(session, version_ids)
    qa = repository.qa_text_by_version(session, version_ids)
    captions = language_repo.caption_text_by_version(session, version_ids)
    terms = vocab_repo.terms_of_assets(session, [a.id for a in assets])
    by_vocab = {v: f for f, v in TERM_FIELDS.items()}
    docs = []
    for a in assets:
        org = orgs.get(a.owner_org_id)
        version = versions.get(a.current_version_id) if a.current_version_id else None
        codes: dict[str, list[str]] = {f: [] for f in TERM_FIELDS}
        labels: list[str] = []
        for term in terms.get(a.id, []):
            if term.vocabulary in by_vocab:
                codes[by_vocab[term.vocabulary]].append(term.code)
            labels += [term.label_vi, term.label_en]
        path_ids = [p for p in (org.path.strip("/").split("/") if org else []) if p]
        stamp = a.published_at or a.created_at
        docs.append(SearchDocument(
            id=str(a.id), kind=a.kind, status=index_status(a), title=a.title, summary=a.summary, tags=list(a.tags),
            topics=codes["topics"], audiences=codes["audiences"], levels=codes["levels"], channels=codes["channels"],
            labels=labels, org_id=str(a.owner_org_id), org_name=org.name if org else "",
            org_path=[str(uuid.UUID(hex=p)) for p in path_ids],
            profiles=sorted(profiles.get(a.current_version_id, set())) if a.current_version_id else [],
            year=stamp.year, published_at=a.published_at.isoformat() if a.published_at else None,
            updated_at=a.updated_at.isoformat(), downloads=a.download_count, urgent=a.urgent,
            qa_text=html.unescape(_TAGS.sub(" ", qa.get(a.current_version_id, ""))) if a.current_version_id else "",
            ocr_text=version.extracted_text if version and a.kind in ("infographic", "poster", "document") else "",
            language=a.language,
            caption_text="\n".join(t for t in (version.extracted_text, captions.get(version.id, "")) if t)
            if version and a.kind in ("video", "podcast") else "",
        ))
    return docs
