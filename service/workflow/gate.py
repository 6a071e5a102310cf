"""What a processing outcome means for publication. Called by the processing job: when it records a
version's renditions (in that same transaction) and when it fails for good.

An approved version ("approved, publishing when ready") is published as soon as its required renditions
exist; if they cannot be made, publication is blocked and the version goes back to its producer with the
reason (a review event, an outbox event for notifications, and the reason on the version).
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from service.assets import policy
from service.i18n import ui_text
from service.models import Version
from service.models.base import utcnow
from service.outbox import events as outbox
from service.publication.readiness import missing_outputs, short_reason
from service.workflow import repository
from service.workflow.service import Subject, publish, record


def _subject(session: Session, version_id: object) -> Subject | None:
    version = session.get(Version, version_id)
    if version is None:
        return None
    # Locked like an approval locks it: the two never decide on a stale view of each other.
    asset = repository.get_asset_for_update(session, version.asset_id, policy.system_filter())
    if asset is None:
        return None
    session.refresh(version)
    return Subject(asset, version, repository.org_path(session, asset.owner_org_id))


def lock(session: Session, version_id: uuid.UUID) -> None:
    """Take the asset's lock before recording renditions (PostgreSQL; SQLite serialises writers)."""
    _subject(session, version_id)


def after_processing(session: Session, version_id: uuid.UUID) -> None:
    s = _subject(session, version_id)
    if s is None:
        return
    s.version.processed_at = utcnow()
    lacking = missing_outputs(session, s.asset, s.version)
    if lacking:
        block(session, s, "renditions_missing", ", ".join(lacking))
        return
    s.version.rendition_error_code = s.version.rendition_error = None
    if s.version.status == "approved":
        publish(session, None, s, action="publish", from_status="approved")


def after_failure(session: Session, version_id: object, code: str, message: str) -> None:
    s = _subject(session, version_id)
    if s is not None:
        block(session, s, code, short_reason(message) or code)


def block(session: Session, s: Subject, code: str, reason: str) -> None:
    s.version.rendition_error_code, s.version.rendition_error = code[:64], reason
    outbox.emit(session, "asset.changed", asset_id=s.asset.id)
    if s.version.status != "approved":
        return  # not approved yet: the reason shows on the version, and an approval is refused with it
    s.version.status = "changes_requested"
    if s.asset.status != "published":
        s.asset.status = "changes_requested"
    text = ui_text("publication_blocked_reason", "vi", reason=reason) + " / " + ui_text(
        "publication_blocked_reason", "en", reason=reason)
    record(session, s, None, "publication_blocked", "approved", "changes_requested", reason=text)
    producer = s.version.submitted_by_id or s.version.created_by_id
    outbox.emit(session, "asset.publication_blocked", asset_id=s.asset.id, version_id=s.version.id,
                code=code, reason=reason, producer_id=str(producer) if producer else None)
