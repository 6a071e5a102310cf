"""Evidence of use (minh chứng), reviewed by the units the recorder reports to; unit contacts and staff counts;
editing the reporting line."""

from __future__ import annotations

import io
import uuid
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from service.core.db import on_rollback
from service.core.errors import Forbidden, KhoError, NotFound, UnsupportedMedia
from service.identity.principal import Principal
from service.models import Evidence, UnitContact, UnitProfile
from service.models.base import utcnow
from service.outbox import events as outbox
from service.plans import access, repository
from service.plans.lines import direct_reporters
from service.plans.schemas import ContactIn, EvidencePatch, ReviewIn
from service.plans.service import nfc
from storage.base import ObjectStore

# Where a school uses an asset goes beyond the publishing channels of the vocabulary.
USE_CHANNELS = ("zalo-group", "school-assembly")
MAX_IMAGE_BYTES = 15 * 1024 * 1024
# Magic numbers of what a phone camera or screenshot produces.
IMAGE_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"RIFF": "image/webp",
               b"GIF8": "image/gif"}


def sniff_image(content: bytes) -> str:
    for magic, media_type in IMAGE_MAGIC.items():
        if content.startswith(magic) and (media_type != "image/webp" or content[8:12] == b"WEBP"):
            return media_type
    if content[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    raise UnsupportedMedia("unsupported_type", media_type="?")


def channels(session: Session) -> list[str]:
    return [*repository.channel_codes(session), *USE_CHANNELS]


def _check(session: Session, fields: dict[str, Any]) -> None:
    allowed = channels(session)
    if "channel" in fields and fields["channel"] not in allowed:
        raise KhoError("validation_failed", status=422, reason=f"channel must be one of {', '.join(allowed)}")
    if fields.get("post_url") is not None and not str(fields["post_url"]).startswith(("http://", "https://")):
        raise KhoError("validation_failed", status=422, reason="post_url must be an http(s) URL")


def _store_image(session: Session, store: ObjectStore, evidence: Evidence, content: bytes) -> None:
    if len(content) > MAX_IMAGE_BYTES:
        raise KhoError("validation_failed", status=422, reason="image larger than 15 MiB")
    media_type = sniff_image(content)
    key = f"evidence/{evidence.id.hex}/{uuid.uuid4().hex}"
    store.put(key, io.BytesIO(content), size=len(content), content_type=media_type)
    on_rollback(session, lambda: store.delete(key))
    evidence.image_key, evidence.image_type = key, media_type


def record(session: Session, store: ObjectStore, principal: Principal, fields: dict[str, Any],
           image: bytes | None) -> Evidence:
    """Any signed-in member of a unit records its own unit's use of an asset."""
    if principal.kind != "user":
        raise Forbidden()
    _check(session, {"channel": fields.get("channel"), **fields})
    if fields.get("asset_id") and not repository.asset_exists(session, fields["asset_id"]):
        raise NotFound(what="sản phẩm / asset")
    evidence = Evidence(id=uuid.uuid4(), organisation_id=principal.organisation_id, created_by_id=principal.user_id,
                        asset_id=fields.get("asset_id"), channel=fields["channel"],
                        used_on=fields.get("used_on") or utcnow().date(),
                        post_url=str(fields["post_url"]) if fields.get("post_url") else None,
                        views=fields.get("views"), listeners=fields.get("listeners"), copies=fields.get("copies"),
                        staff_reached=fields.get("staff_reached"), note=nfc(fields.get("note") or ""))
    if image:
        _store_image(session, store, evidence, image)
    repository.add(session, evidence)
    return evidence


def get_visible(session: Session, principal: Principal, evidence_id: uuid.UUID) -> Evidence:
    evidence = repository.evidence(session, evidence_id)
    if evidence is None:
        raise NotFound(what="minh chứng / evidence")
    access.require_visible(session, principal, evidence.organisation_id)
    return evidence


def update(session: Session, store: ObjectStore, principal: Principal, evidence_id: uuid.UUID,
           patch: EvidencePatch, image: bytes | None = None) -> Evidence:
    """Only the recording unit edits its evidence, and not once its parent accepted it."""
    evidence = get_visible(session, principal, evidence_id)
    if evidence.organisation_id != principal.organisation_id or principal.kind != "user":
        raise Forbidden()
    if evidence.review == "accepted":
        raise KhoError("evidence_accepted", status=409)
    fields = patch.model_dump(exclude_unset=True)
    _check(session, fields)
    for key, value in fields.items():
        setattr(evidence, key, nfc(value) if key == "note" and value else str(value) if key == "post_url" and value
                else value)
    if image:
        _store_image(session, store, evidence, image)
    evidence.review, evidence.review_note = "pending", None  # a changed record is reviewed again
    session.flush()
    return evidence


def review(session: Session, principal: Principal, evidence_id: uuid.UUID, body: ReviewIn) -> Evidence:
    evidence = get_visible(session, principal, evidence_id)
    access.require_overseer_of(session, principal, evidence.organisation_id)
    evidence.review, evidence.review_note = body.decision, nfc(body.note) or None
    evidence.reviewed_by_id, evidence.reviewed_at = principal.user_id, utcnow()
    session.flush()
    outbox.emit(session, "evidence.reviewed", evidence_id=evidence.id, decision=body.decision,
                reviewer_id=principal.user_id, at=evidence.reviewed_at.isoformat())
    return evidence


def list_for(session: Session, principal: Principal, org_code: str | None, start: date | None,
             end: date | None) -> list[Evidence]:
    if org_code:
        org = access.org_by_code(session, org_code)
        access.require_visible(session, principal, org.id)
        ids = {org.id}
    else:
        ids = access.visible_units(session, principal)
    return repository.evidence_of(session, ids, start, end)


def _own_unit(session: Session, principal: Principal, org_code: str) -> uuid.UUID:
    """Contacts and staff counts are kept by the unit itself (its admins/reviewers) or an admin above it."""
    org = access.org_by_code(session, org_code)
    access.require_own_unit_manager(principal, org)
    return org.id


def set_contact(session: Session, principal: Principal, org_code: str, role: str, body: ContactIn) -> UnitContact:
    if role not in ("contact", "spokesperson"):
        raise NotFound(what="vai trò / role")
    org_id = _own_unit(session, principal, org_code)
    row = repository.contact(session, org_id, role) or UnitContact(organisation_id=org_id, role=role)
    row.full_name, row.position = nfc(body.full_name), nfc(body.position)
    row.phone, row.email = body.phone.strip(), body.email.strip().lower()
    repository.add(session, row)
    return row


def contacts(session: Session, principal: Principal, org_code: str) -> list[UnitContact]:
    org = access.org_by_code(session, org_code)
    access.require_visible(session, principal, org.id)
    return repository.contacts_of(session, [org.id])


def set_staff_count(session: Session, principal: Principal, org_code: str, staff_count: int | None) -> UnitProfile:
    org_id = _own_unit(session, principal, org_code)
    row = repository.profile(session, org_id) or UnitProfile(organisation_id=org_id)
    row.staff_count = staff_count
    repository.add(session, row)
    return row


def lines_of(session: Session, principal: Principal, org_code: str) -> tuple[list[str], list[str]]:
    org = access.org_by_code(session, org_code)
    access.require_visible(session, principal, org.id)
    units, graph = access.lines(session)
    codes = {o.id: o.code for o in repository.orgs(session, set(graph.get(org.id, [])) |
                                                   direct_reporters(graph, org.id)).values()}
    return ([codes[i] for i in graph.get(org.id, []) if i in codes],
            sorted(codes[i] for i in direct_reporters(graph, org.id) if i in codes))


def set_lines(session: Session, principal: Principal, org_code: str, reports_to: list[str]) -> None:
    """An admin above the unit in the tree (or a national admin) changes whom it reports to."""
    org = access.org_by_code(session, org_code)
    if principal.role != "admin" or not org.path.startswith(principal.organisation_path) \
            or org.id == principal.organisation_id and principal.organisation_path.count("/") != 2:
        raise Forbidden()
    targets = [access.org_by_code(session, c).id for c in dict.fromkeys(reports_to)]
    if org.id in targets:
        raise KhoError("validation_failed", status=422, reason="a unit cannot report to itself")
    repository.replace_lines(session, org.id, targets, "edited")


def seed_lines(session: Session, principal: Principal) -> int:
    """Write the derived line of every unit that has no explicit one yet (a national admin's action)."""
    if principal.role != "admin" or principal.organisation_path.count("/") != 2:
        raise Forbidden()
    units, graph = access.lines(session)
    have = {a for a, _ in repository.explicit_lines(session)}
    written = 0
    for org_id, tos in graph.items():
        if org_id not in have and tos:
            repository.replace_lines(session, org_id, tos, "seeded")
            written += 1
    return written
