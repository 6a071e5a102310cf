"""Presentation helpers: turn service objects into what templates show (labels, cards, media choices).
No rule about who may see or do what lives here; callers pass only what services returned."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from service.assets.schemas import AssetOut
from service.auth import service as auth_service
from service.core.errors import NotFound
from service.core.runtime import Runtime
from service.identity.principal import Principal
from service.models import VocabularyTerm
from service.orgs import service as orgs
from service.renditions import service as renditions
from service.renditions.schemas import RenditionOut, RenditionsResponse
from service.vocab import service as vocab_service
from transcoding.profiles import default_profiles

FACET_VOCABS = ("kind", "topic", "audience", "level", "channel")
THUMB_PREFERENCE = (("web-image", "webp-400"), ("web-image", "thumb-320"), ("web-mp4", "poster"),
                    ("document-preview", "preview"), ("podcast", "waveform"))
STREAM_ONLY = ("application/vnd.apple.mpegurl", "application/x-mpegurl")


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


def vocabulary_terms(session: Session) -> list[VocabularyTerm]:
    """Every term, retired ones too (they still label the assets that carry them). The same read as
    GET /api/v1/vocabularies."""
    return vocab_service.list_terms(session, include_retired=True)


def labels_for(session: Session, lang: str) -> Labels:
    return Labels(vocabulary_terms(session), lang)


def org_names(session: Session, org_ids: set[uuid.UUID], lang: str = "vi") -> dict[uuid.UUID, str]:
    out: dict[uuid.UUID, str] = {}
    for org_id in org_ids:
        try:
            org = orgs.get_or_404(session, org_id)
        except NotFound:
            continue
        out[org_id] = org.name_en if lang == "en" and org.name_en else org.name
    return out


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
    rendition_count: int = 0
    job_id: str | None = None
    job_status: str | None = None
    job_progress: float | None = None
    job_error: str | None = None
    highlights: dict[str, str] = field(default_factory=dict)


def by_output(outs: list[RenditionOut]) -> dict[tuple[str, str], RenditionOut]:
    """(profile, output as the profile names it) → rendition: variants are named after the delivered size."""
    found: dict[tuple[str, str], RenditionOut] = {}
    for r in outs:
        for name in (r.spec, *r.also_for):
            found.setdefault((r.profile, name), r)
    return found


def pick(outs: list[RenditionOut], preference: tuple[tuple[str, str], ...]) -> RenditionOut | None:
    by_key = by_output(outs)
    for wanted in preference:
        if wanted in by_key:
            return by_key[wanted]
    return None


def listing_of(session: Session, rt: Runtime, principal: Principal, asset: AssetOut) -> RenditionsResponse | None:
    """The renditions service's view of an asset (None for an asset that has no version yet)."""
    if asset.current_version is None:
        return None
    return renditions.list_renditions(session, rt, principal, asset.id)


def cards(session: Session, rt: Runtime, principal: Principal, assets: list[AssetOut], labels: Labels) -> list[Card]:
    names = org_names(session, {a.owner_org_id for a in assets}, labels.lang)
    listings = renditions.list_renditions_many(session, rt, principal, [a.id for a in assets if a.current_version])
    out = []
    for a in assets:
        card = Card(id=a.id, title=a.title, kind=a.kind, kind_label=labels.of("kind", a.kind), summary=a.summary,
                    status=a.status, org_name=names.get(a.owner_org_id, ""), urgent=a.urgent,
                    published_at=a.published_at)
        listing = listings.get(a.id)
        if listing is not None:
            every = [r for p in listing.profiles for r in p.renditions]
            card.rendition_count = len(every)
            card.job_id, card.job_status = listing.job_id, listing.job_status
            card.job_progress, card.job_error = listing.job_progress, listing.job_error
            thumb = pick(every, THUMB_PREFERENCE)
            if thumb is not None:
                card.thumb_url = thumb.signed_url
                # Beside the title in the same link, a thumbnail without its own description is decoration.
                card.thumb_alt = a.alt_text or ""
                card.thumb_width, card.thumb_height = thumb.width, thumb.height
        out.append(card)
    return out


@dataclass
class ProfileDownloads:
    profile: str
    label: str
    status: str  # ready | processing | failed | pending | not_applicable
    choices: list[RenditionOut]


def profile_groups(listing: RenditionsResponse | None, lang: str) -> list[ProfileDownloads]:
    if listing is None:
        return []
    names = profile_labels(lang)
    groups = []
    for p in listing.profiles:
        first = p.renditions[0] if p.renditions else None
        label = (first.label_vi if lang == "vi" else first.label_en) if first else None
        groups.append(ProfileDownloads(p.profile, label or names.get(p.profile, (p.profile, ""))[0], p.status,
                                       list(p.renditions)))
    return groups


def downloadable(groups: list[ProfileDownloads]) -> list[ProfileDownloads]:
    """What a person downloads: no streaming playlists or sprite sheets (they are parts of a player); a
    profile made only of those (web-hls) is played on the page, not listed."""
    out = []
    for g in groups:
        choices = [r for r in g.choices if r.media_type not in STREAM_ONLY and r.variant != "sprite"]
        if choices or g.status != "ready":
            out.append(ProfileDownloads(g.profile, g.label, g.status, choices))
    return out


def profile_labels(lang: str) -> dict[str, tuple[str, str]]:
    """name → (label, channel) from the platform profiles (YAML data, read-only here)."""
    return {name: (p.label_vi if lang == "vi" else p.label_en, p.channel) for name, p in default_profiles().items()}


def user_names(session: Session, user_ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Full names of the people in a history or comment thread (the same read the auth service uses)."""
    out: dict[uuid.UUID, str] = {}
    for user_id in user_ids:
        user = auth_service.user_by_id(session, user_id) if user_id else None
        if user is not None:
            out[user.id] = user.full_name
    return out
