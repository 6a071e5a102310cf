"""Presentation helpers: turn service objects into what templates show (labels, cards, media choices).
No rule about who may see or do what lives here; callers pass only what services returned."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from service.assets.schemas import AssetOut
from service.auth.principal import Principal
from service.models import Rendition, VocabularyTerm
from web import seams

FACET_VOCABS = ("kind", "topic", "audience", "level", "channel")
FIELD_OF_VOCAB = {"topic": "topics", "audience": "audiences", "level": "levels", "channel": "channels"}
THUMB_PREFERENCE = (("web-image", "webp-400"), ("web-image", "thumb-320"), ("web-mp4", "poster"),
                    ("document-preview", "preview"), ("podcast", "waveform"))


class Labels:
    """Vocabulary code → label in the page language."""

    def __init__(self, terms: list[VocabularyTerm], lang: str) -> None:
        self.lang = lang
        self.by_vocab: dict[str, list[VocabularyTerm]] = {}
        self._label: dict[tuple[str, str], str] = {}
        for term in terms:
            self.by_vocab.setdefault(term.vocabulary, []).append(term)
            self._label[(term.vocabulary, term.code)] = term.label_vi if lang == "vi" else term.label_en

    def of(self, vocabulary: str, code: str) -> str:
        return self._label.get((vocabulary, code), code)

    def many(self, vocabulary: str, codes: list[str]) -> list[str]:
        return [self.of(vocabulary, c) for c in codes]

    def choices(self, vocabulary: str) -> list[tuple[str, str]]:
        return [(t.code, self.of(vocabulary, t.code)) for t in self.by_vocab.get(vocabulary, [])
                if t.retired_at is None]


def labels_for(session: Session, lang: str) -> Labels:
    return Labels(seams.vocabulary_terms(session, include_retired=True), lang)


@dataclass
class Card:
    id: uuid.UUID
    title: str
    kind: str
    kind_label: str
    summary: str
    status: str
    org_name: str
    urgent: bool
    published_at: datetime | None
    thumb_url: str | None = None
    thumb_alt: str = ""
    thumb_width: int | None = None
    thumb_height: int | None = None
    highlights: dict[str, str] = field(default_factory=dict)


def pick(renditions: list[Rendition], preference: tuple[tuple[str, str], ...]) -> Rendition | None:
    by_key = {(r.profile, r.variant): r for r in renditions}
    for wanted in preference:
        if wanted in by_key:
            return by_key[wanted]
    return None


def cards(session: Session, assets: list[AssetOut], labels: Labels) -> list[Card]:
    versions = [a.current_version.id for a in assets if a.current_version]
    renditions = seams.renditions_by_version(session, versions)
    orgs = seams.org_names(session, {a.owner_org_id for a in assets})
    out = []
    for a in assets:
        card = Card(id=a.id, title=a.title, kind=a.kind, kind_label=labels.of("kind", a.kind), summary=a.summary,
                    status=a.status, org_name=orgs.get(a.owner_org_id, ""), urgent=a.urgent,
                    published_at=a.published_at)
        thumb = pick(renditions.get(a.current_version.id, []) if a.current_version else [], THUMB_PREFERENCE)
        if thumb is not None:
            card.thumb_url = seams.object_url(thumb.object_key, content_type=thumb.media_type)
            card.thumb_alt = a.alt_text or a.title
            card.thumb_width, card.thumb_height = thumb.width, thumb.height
        out.append(card)
    return out


@dataclass
class RenditionView:
    id: uuid.UUID
    profile: str
    variant: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    duration: float | None
    preview_url: str
    download_url: str | None  # None while no download service exists


@dataclass
class ProfileDownloads:
    profile: str
    label: str
    status: str  # ready | processing | failed | pending | not_applicable
    choices: list[RenditionView]


STREAM_ONLY = ("application/vnd.apple.mpegurl", "application/x-mpegurl")


def rendition_views(session: Session, principal: Principal, asset_id: uuid.UUID, version_id: uuid.UUID | None,
                    lang: str) -> list[ProfileDownloads]:
    """Per profile: status and renditions, from service/renditions when present (signed preview URLs and
    counted downloads), else read-only from the stored rows (SEAM: no downloads then)."""
    service = seams.module_if_present("service.renditions.service")
    groups: list[ProfileDownloads] = []
    if service is not None:
        listing = service.list_renditions(session, principal, asset_id)
        for p in listing.profiles:
            views = [RenditionView(r.id, r.profile, r.variant, r.media_type, r.size, r.width, r.height, r.duration,
                                   r.signed_url, r.download_url) for r in p.renditions]
            label = (p.renditions[0].label_vi if lang == "vi" else p.renditions[0].label_en) if p.renditions else None
            groups.append(ProfileDownloads(p.profile, label or profile_labels(lang).get(p.profile, (p.profile,))[0],
                                           p.status, views))
        return groups
    labels = profile_labels(lang)
    by_profile: dict[str, ProfileDownloads] = {}
    for r in seams.renditions_of(session, version_id):
        group = by_profile.setdefault(r.profile, ProfileDownloads(r.profile, labels.get(r.profile, (r.profile,))[0],
                                                                  "ready", []))
        group.choices.append(RenditionView(r.id, r.profile, r.variant, r.media_type, r.size, r.width, r.height,
                                           r.duration, seams.object_url(r.object_key, content_type=r.media_type),
                                           None))
    return list(by_profile.values())


def profile_labels(lang: str) -> dict[str, tuple[str, str]]:
    """name → (label, channel) from the platform profiles (data, read-only here)."""
    try:
        from transcoding.profiles import default_profiles

        profiles = default_profiles()
    except Exception:  # noqa: BLE001 - labels are cosmetic; fall back to profile names
        return {}
    return {name: (p.label_vi if lang == "vi" else p.label_en, p.channel) for name, p in profiles.items()}
