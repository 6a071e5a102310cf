"""Translation requests: a producer asks a unit with translators for a version of an asset in a language,
by a date. The unit sees its open requests; uploading the language version (with `variant_of`) delivers
the request (service.assets.variants.deliver_request); the reviewer then compares original and translation
side by side."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from service.assets import repository as assets_repo
from service.assets import service as assets
from service.assets.variants import root_id
from service.audit import service as audit
from service.core.errors import Conflict, KhoError, NotFound
from service.identity.principal import Principal
from service.languages import repository
from service.models import Asset, TranslationRequest
from service.orgs import repository as orgs_repo
from service.vocab.languages import label, require_supported


@dataclass(frozen=True)
class Original:
    """What the reviewer of a language version sees of its original, beside the translation."""

    asset_id: uuid.UUID
    language: str
    label_vi: str
    label_en: str
    title: str
    summary: str
    transcript: list[str]


def request(session: Session, principal: Principal, asset_id: uuid.UUID, *, language: str, unit_code: str,
            due_on: date, note: str) -> TranslationRequest:
    asset = assets.get_visible(session, principal, asset_id)
    assets.require_editable(session, principal, asset)
    code = require_supported(language)
    root = root_id(asset)
    if code in assets_repo.group_languages(session, root):
        raise Conflict("variant_language_taken", tag=code)
    unit = orgs_repo.by_code(session, unit_code)
    if unit is None:
        raise NotFound(what="đơn vị / unit")
    if due_on < date.today():
        raise KhoError("validation_failed", status=422, reason="due_on is in the past")
    row = TranslationRequest(asset_id=root, language=code, unit_org_id=unit.id, requested_by_id=principal.user_id,
                             due_on=due_on, note=note)
    session.add(row)
    session.flush()
    audit.record(session, "asset.translation_requested", "asset", root, actor=principal, language=code,
                 unit=unit.code, due_on=due_on.isoformat())
    return row


def for_unit(session: Session, principal: Principal) -> list[TranslationRequest]:
    """Open requests addressed to the principal's unit, and those its own assets asked for."""
    return repository.translation_requests_for(session, principal.organisation_id)


def original_of(session: Session, principal: Principal, asset: Asset) -> Original | None:
    if asset.variant_of_id is None:
        return None
    original = session.get(Asset, asset.variant_of_id)
    if original is None:
        return None
    lines: list[str] = []
    if original.current_version_id:
        for caption in repository.captions_of(session, original.current_version_id):
            if caption.language == original.language:
                lines = caption.text.splitlines()
    return Original(original.id, original.language, label(original.language, "vi"), label(original.language, "en"),
                    original.title, original.summary, lines)
