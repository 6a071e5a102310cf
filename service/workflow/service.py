"""The review workflow: submit, approve, request changes, reject, withdraw; embargo and expiry.

Transitions act on the asset's latest version. For an asset that was never published the asset's status
follows that version (draft → in_review → published / changes_requested); for a published asset the
latest version may be a pending revision, reviewed while the live version stays published.
Every transition writes a review event, an audit entry and an `asset.changed` outbox event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from service.assets import policy
from service.audit import service as audit
from service.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from service.identity.principal import Principal
from service.models import Asset, Comment, ReviewEvent, Version
from service.models.base import utcnow
from service.outbox import events as outbox
from service.publication.readiness import readiness
from service.publication.schemas import publication_out
from service.usage import service as usage
from service.workflow import repository, revisions, rules
from service.workflow.schemas import (
    ClientRef,
    DecisionIn,
    DownloadersOut,
    OrganisationRef,
    TransitionOut,
    VersionRef,
    WithdrawOut,
)

EXPIRED_REASON = "Hết thời hạn sử dụng (expires_at) — tự động gỡ. / Expired — withdrawn automatically."


@dataclass
class Subject:
    asset: Asset
    version: Version  # the latest version: the one under work
    owner_path: str


def load(session: Session, principal: Principal, asset_id: uuid.UUID) -> Subject:
    asset = repository.get_asset_for_update(session, asset_id, policy.visible_filter(principal, utcnow()))
    version = repository.latest_version(session, asset_id) if asset else None
    if asset is None or version is None:
        raise NotFound(what="tài nguyên / asset")
    return Subject(asset, version, repository.org_path(session, asset.owner_org_id))


def _state_error(action: str, state: str) -> Conflict:
    return Conflict("invalid_state", action=action, state=state)


def _reason(body: DecisionIn) -> str:
    if not body.reason:
        raise Unprocessable("reason_required")
    return body.reason


def record(session: Session, s: Subject, actor: Principal | None, action: str, from_status: str,
           to_status: str, *, reason: str | None = None, comment: str | None = None,
           urgent: bool = False) -> ReviewEvent:
    """History row + audit entry + outbox event for one transition (and the decision's comment)."""
    event = ReviewEvent(asset_id=s.asset.id, version_id=s.version.id, actor_id=actor.user_id if actor else None,
                        action=action, from_status=from_status, to_status=to_status, reason=reason)
    repository.add(session, event)
    if comment or reason:
        repository.add(session, Comment(asset_id=s.asset.id, version_id=s.version.id, review_event_id=event.id,
                                        author_id=actor.user_id if actor else None, body=comment or reason or ""))
    audit.record(session, f"asset.{action}", "asset", s.asset.id, actor=actor, version=s.version.number,
                 from_status=from_status, to_status=to_status, asset_status=s.asset.status, reason=reason)
    s.asset.updated_at = utcnow()
    outbox.emit(session, "asset.changed", asset_id=s.asset.id)
    outbox.emit(session, "review.transition", asset_id=s.asset.id, version_id=s.version.id, action=action,
                to_status=to_status, actor_id=actor.user_id if actor else None, reason=reason, event_id=event.id,
                urgent=urgent)
    return event


def _out(session: Session, s: Subject, event: ReviewEvent) -> TransitionOut:
    return TransitionOut(asset_id=s.asset.id, status=s.asset.status,
                         version=VersionRef(id=s.version.id, number=s.version.number, status=s.version.status),
                         approvals=s.asset.approvals,
                         approval_levels=repository.approval_levels(session, s.asset.owner_org_id),
                         event_id=event.id,
                         publication=publication_out(readiness(session, s.asset, s.version), s.version.status))


def _require_reviewer(principal: Principal, s: Subject) -> None:
    if principal.kind != "user" or principal.role not in policy.REVIEW_ROLES:
        raise Forbidden()
    if not policy.can_review(principal, s.owner_path):
        raise Forbidden("outside_subtree")


def submit(session: Session, principal: Principal, asset_id: uuid.UUID, body: DecisionIn) -> TransitionOut:
    s = load(session, principal, asset_id)
    if not policy.can_edit(principal, s.asset, s.owner_path):
        raise Forbidden()
    if s.asset.status not in (*rules.EDIT_STATES, "published") or s.version.status not in rules.EDIT_STATES:
        raise _state_error("gửi duyệt / submit", s.asset.status if s.asset.status != "published"
                           else s.version.status)
    meta = revisions.metadata_of(session, s.asset, s.version)
    if s.asset.kind in rules.ALT_TEXT_KINDS and not (meta.get("alt_text") or "").strip():
        raise Unprocessable("alt_text_required", kind=s.asset.kind)
    before = s.version.status
    s.version.status, s.version.submitted_by_id, s.version.submitted_at = "in_review", principal.user_id, utcnow()
    s.asset.approvals = 0
    if s.asset.status != "published":
        s.asset.status = "in_review"
    event = record(session, s, principal, "submit", before, "in_review", comment=body.comment,
                   urgent=bool(meta.get("urgent")))
    if meta.get("urgent"):
        reviewers = repository.reviewers_for(session, rules.ancestor_ids(s.owner_path), principal.user_id)
        outbox.emit(session, "review.urgent", asset_id=s.asset.id, version_id=s.version.id,
                    reviewer_ids=[str(r) for r in reviewers])
    return _out(session, s, event)


def approve(session: Session, principal: Principal, asset_id: uuid.UUID, body: DecisionIn) -> TransitionOut:
    s = load(session, principal, asset_id)
    _require_reviewer(principal, s)
    if s.version.status != "in_review":
        raise _state_error("duyệt / approve", s.version.status)
    rules.check_not_author(principal, s.version.submitted_by_id, s.version.created_by_id)
    levels = repository.approval_levels(session, s.asset.owner_org_id)
    level = rules.check_approval_level(principal, repository.round_approvals(session, s.version.id), levels)
    if level < levels:
        s.asset.approvals = level
        event = record(session, s, principal, "approve", "in_review", "in_review", comment=body.comment)
        return _out(session, s, event)
    ready = readiness(session, s.asset, s.version)
    if ready.state == "blocked":
        raise Conflict("publication_blocked", reason=ready.reason or ready.code or "",
                       extra={"publication": publication_out(ready).model_dump()})
    if ready.state == "pending":
        return _hold(session, principal, s, body)
    return _out(session, s, publish(session, principal, s, action="approve", from_status="in_review",
                                    comment=body.comment))


def _hold(session: Session, principal: Principal, s: Subject, body: DecisionIn) -> TransitionOut:
    """Every approval is given but the required renditions are still being made: "approved, publishing
    when ready". The processing job publishes it when it records them (service/workflow/gate.py)."""
    s.version.status, s.version.decided_at = "approved", utcnow()
    s.asset.approvals = 0
    if s.asset.status != "published":
        s.asset.status = "approved"
    event = record(session, s, principal, "approve", "in_review", "approved", comment=body.comment)
    return _out(session, s, event)


def publish(session: Session, actor: Principal | None, s: Subject, *, action: str, from_status: str,
            comment: str | None = None) -> ReviewEvent:
    """Make the version live: by the last approval, or by the processing job for an approved version."""
    now = utcnow()
    asset, version = s.asset, s.version
    revision = asset.status == "published"
    if revision:
        old_id = revisions.apply_revision(session, asset, version)
        outbox.emit(session, "asset.superseded", asset_id=asset.id, version_id=old_id, by_version_id=version.id)
        outbox.emit(session, "asset.updated", asset_id=asset.id, version_id=version.id)
    version.status, version.decided_at = "published", now
    asset.status, asset.approvals = "published", 0
    version.proposed = revisions.snapshot(session, asset)  # what went live, for later diffs
    event = record(session, s, actor, action, from_status, "published", comment=comment)
    if not revision and (asset.publish_at is None or asset.publish_at <= now):
        release(session, asset, now)
    return event


def release(session: Session, asset: Asset, now: datetime) -> None:
    """The moment an approved asset goes live (at approval, or when its embargo ends)."""
    asset.published_at = now
    outbox.emit(session, "asset.published", asset_id=asset.id, version_id=asset.current_version_id)


def _send_back(session: Session, principal: Principal, asset_id: uuid.UUID, body: DecisionIn,
               action: str, to_status: str, label: str) -> TransitionOut:
    s = load(session, principal, asset_id)
    _require_reviewer(principal, s)
    if s.version.status != "in_review":
        raise _state_error(label, s.version.status)
    rules.check_not_author(principal, s.version.submitted_by_id, s.version.created_by_id)
    reason = _reason(body)
    s.version.status, s.version.decided_at = to_status, utcnow()
    s.asset.approvals = 0
    if s.asset.status != "published":
        s.asset.status = "changes_requested" if to_status == "changes_requested" else "draft"
    event = record(session, s, principal, action, "in_review", to_status, reason=reason, comment=body.comment)
    return _out(session, s, event)


def request_changes(session: Session, principal: Principal, asset_id: uuid.UUID, body: DecisionIn) -> TransitionOut:
    return _send_back(session, principal, asset_id, body, "request_changes", "changes_requested",
                      "yêu cầu chỉnh sửa / request changes")


def reject(session: Session, principal: Principal, asset_id: uuid.UUID, body: DecisionIn) -> TransitionOut:
    """A rejected version is closed for good; a new file version (or, when published, a new edit) is needed."""
    return _send_back(session, principal, asset_id, body, "reject", "rejected", "từ chối / reject")


def withdraw(session: Session, principal: Principal, asset_id: uuid.UUID, body: DecisionIn) -> WithdrawOut:
    s = load(session, principal, asset_id)
    if not (policy.can_edit(principal, s.asset, s.owner_path) or policy.can_review(principal, s.owner_path)):
        raise Forbidden()
    if s.asset.status != "published":
        raise _state_error("gỡ bỏ / withdraw", s.asset.status)
    reason = _reason(body)
    if body.replacement_asset_id is not None:
        s.asset.replaced_by_id = _replacement(session, principal, s.asset.id, body.replacement_asset_id)
    event, takers = _withdraw(session, s, principal, reason, body.comment)
    base = _out(session, s, event)
    return WithdrawOut(**base.model_dump(), reason=reason, downloaders=takers)


def _replacement(session: Session, principal: Principal, asset_id: uuid.UUID, replacement_id: uuid.UUID
                 ) -> uuid.UUID:
    """A withdrawn asset may point at the published asset that replaces it (its page, notices and search
    send people there)."""
    other = repository.visible_asset(session, replacement_id, policy.visible_filter(principal, utcnow()))
    if other is None or other.id == asset_id or other.status != "published":
        raise Unprocessable("replacement_invalid")
    return other.id


def _withdraw(session: Session, s: Subject, actor: Principal | None, reason: str, comment: str | None = None
              ) -> tuple[ReviewEvent, DownloadersOut]:
    s.asset.status, s.asset.withdrawn_reason, s.asset.approvals = "withdrawn", reason, 0
    if s.version.id != s.asset.current_version_id and s.version.status in (*repository.OPEN_VERSION_STATUSES,
                                                                             "approved"):
        s.version.status = "rejected"  # a pending revision of a withdrawn asset can never go live
    usage.settle_pulls(session)  # pulls of newsroom pages still in the outbox count among the takers
    takers = downloaders_of(session, s.asset.id)
    event = record(session, s, actor, "withdraw", "published", "withdrawn", reason=reason, comment=comment)
    outbox.emit(session, "asset.withdrawn", asset_id=s.asset.id, reason=reason,
                organisation_ids=[str(o.id) for o in takers.organisations],
                api_client_ids=[str(c.id) for c in takers.api_clients])
    return event, takers


def downloaders_of(session: Session, asset_id: uuid.UUID) -> DownloadersOut:
    orgs, clients = repository.downloaders(session, asset_id)
    return DownloadersOut(
        organisations=[OrganisationRef(id=o.id, code=o.code, name=o.name, downloads=n) for o, n in orgs],
        api_clients=[ClientRef(id=c.id, name=c.name, organisation_id=c.organisation_id, downloads=n)
                     for c, n in clients])


@dataclass(frozen=True)
class DueReport:
    released: list[uuid.UUID]
    expired: list[uuid.UUID]


def run_due(session: Session, now: datetime | None = None) -> DueReport:
    """Scheduled: announce approved assets whose embargo ended; withdraw those past their expiry."""
    now = now or utcnow()
    released = []
    for asset in repository.due_embargoed(session, now):
        release(session, asset, now)
        audit.record(session, "asset.embargo_released", "asset", asset.id, publish_at=asset.publish_at)
        outbox.emit(session, "asset.changed", asset_id=asset.id)
        released.append(asset.id)
    expired = []
    for asset in repository.due_expired(session, now):
        version = repository.latest_version(session, asset.id)
        assert version is not None
        subject = Subject(asset, version, repository.org_path(session, asset.owner_org_id))
        _withdraw(session, subject, None, EXPIRED_REASON)
        expired.append(asset.id)
    return DueReport(released, expired)
