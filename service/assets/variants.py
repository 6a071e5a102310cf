"""Language versions: an asset linked to the original it translates. Each is an asset of its own (own
file, own review); the original and its versions form a group offered together."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from service.assets import policy, repository
from service.assets.schemas import LanguageVersionOut
from service.core.errors import Conflict, NotFound
from service.identity.principal import Principal
from service.models import Asset
from service.vocab.languages import label


class Member(Protocol):
    """What places an asset in its language group (an Asset, or a light row of one)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def variant_of_id(self) -> uuid.UUID | None: ...


def root_id(asset: Member) -> uuid.UUID:
    return asset.variant_of_id or asset.id


def link(session: Session, principal: Principal, asset: Asset, variant_of: uuid.UUID, now: datetime) -> None:
    """Make `asset` a language version of `variant_of` (or of its original, when given a version)."""
    target = repository.get(session, variant_of, policy.visible_filter(principal, now))
    if target is None:
        raise NotFound(what="bản gốc / original")
    root = root_id(target)
    if asset.language in repository.group_languages(session, root):
        raise Conflict("variant_language_taken", tag=asset.language)
    asset.variant_of_id = root
    session.flush()
    deliver_request(session, asset)


def require_language_free(session: Session, asset: Asset, code: str) -> None:
    """A group holds one version per language: changing a member's language must not duplicate one."""
    if code != asset.language and code in repository.group_languages(session, root_id(asset), besides=asset.id):
        raise Conflict("variant_language_taken", tag=code)


def deliver_request(session: Session, variant: Asset) -> None:
    """A new language version fulfils the open translation request for its language in its group."""
    if variant.variant_of_id is None:
        return
    row = repository.open_translation_request(session, variant.variant_of_id, variant.language)
    if row is not None:
        row.status, row.variant_id = "delivered", variant.id
        session.flush()


def languages_of(session: Session, assets: list[Asset], now: datetime) -> dict[uuid.UUID, list[LanguageVersionOut]]:
    """Asset id → every live language of its group (plus itself, whatever its status)."""
    groups = repository.group_members(session, {root_id(a) for a in assets}, policy.live_filter(now))
    out: dict[uuid.UUID, list[LanguageVersionOut]] = {}
    for a in assets:
        members = groups.get(root_id(a), [])
        if all(m.id != a.id for m in members):
            members = [*members, a]
        out[a.id] = [_ref(m) for m in members]
    return out


def live_groups(session: Session, assets: Sequence[Member], now: datetime
                ) -> dict[uuid.UUID, list[repository.GroupRef]]:
    """Asset id → the live members of its group (itself included when live), as light rows."""
    groups = repository.group_refs(session, {root_id(a) for a in assets}, policy.live_filter(now))
    return {a.id: groups.get(root_id(a), []) for a in assets}


def members_visible(session: Session, principal: Principal, asset: Asset, now: datetime) -> list[LanguageVersionOut]:
    root = root_id(asset)
    return [_ref(m) for m in repository.group_members(session, {root}, policy.visible_filter(principal, now))[root]]


def _ref(a: Asset) -> LanguageVersionOut:
    return LanguageVersionOut(language=a.language, label_vi=label(a.language, "vi"), label_en=label(a.language, "en"),
                              asset_id=a.id, title=a.title, status=a.status, original=a.variant_of_id is None)
