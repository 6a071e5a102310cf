"""Outbox → notifications. Each consumer turns one workflow event into notices for the people concerned;
the event key makes a second run of the same event add nothing."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from service.http import urls
from service.models import Asset
from service.notifications import recipients, repository
from service.notifications.content import Notice
from service.notifications.service import asset_link, notify
from service.workflow import repository as workflow_repo
from service.workflow import rules


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _asset(session: Session, payload: dict[str, Any]) -> Asset | None:
    asset_id = _uuid(payload.get("asset_id"))
    return repository.asset(session, asset_id) if asset_id else None


def _notice(asset: Asset, kind: str, **extra: Any) -> Notice:
    return Notice(kind=kind, title=asset.title, link=asset_link(asset.id), **extra)


SENT_BACK = {"request_changes": "changes_requested", "reject": "rejected"}


def on_transition(session: Session, payload: dict[str, Any]) -> None:
    asset = _asset(session, payload)
    if asset is None:
        return
    action, actor = payload.get("action"), _uuid(payload.get("actor_id"))
    version_id, key = _uuid(payload.get("version_id")), f"review:{payload.get('event_id')}"
    if action == "submit" and not payload.get("urgent"):  # urgent ones are announced by review.urgent
        owner_path = workflow_repo.org_path(session, asset.owner_org_id)
        ids = workflow_repo.reviewers_for(session, rules.ancestor_ids(owner_path), actor)
        notify(session, recipients.reviewers(session, ids), _notice(asset, "review_requested"), key, asset.id)
    elif action == "approve" and payload.get("to_status") == "in_review":
        notify(session, recipients.without(recipients.makers(session, asset, version_id), actor),
               _notice(asset, "approved"), key, asset.id)
    elif action in SENT_BACK:
        notice = _notice(asset, SENT_BACK[str(action)], reason=payload.get("reason"))
        notify(session, recipients.without(recipients.makers(session, asset, version_id), actor), notice, key,
               asset.id)


def on_urgent_review(session: Session, payload: dict[str, Any]) -> None:
    asset = _asset(session, payload)
    if asset is None:
        return
    ids = [i for i in (_uuid(r) for r in payload.get("reviewer_ids") or []) if i is not None]
    notify(session, recipients.reviewers(session, ids), _notice(asset, "urgent_review"),
           f"urgent:{payload.get('version_id')}", asset.id)


def on_published(session: Session, payload: dict[str, Any]) -> None:
    asset = _asset(session, payload)
    if asset is None:
        return
    version_id = _uuid(payload.get("version_id"))
    notify(session, recipients.makers(session, asset, version_id), _notice(asset, "published"),
           f"published:{version_id}", asset.id)
    if asset.urgent:
        notify(session, recipients.in_scope(session, asset), _notice(asset, "urgent_published"),
               f"urgent-published:{version_id}", asset.id)


def on_withdrawn(session: Session, payload: dict[str, Any]) -> None:
    asset = _asset(session, payload)
    if asset is None:
        return
    replacement = repository.asset(session, asset.replaced_by_id) if asset.replaced_by_id else None
    notice = _notice(asset, "withdrawn", reason=payload.get("reason") or asset.withdrawn_reason,
                     replacement_title=replacement.title if replacement else None,
                     replacement_link=asset_link(replacement.id) if replacement else None)
    people = recipients.takers(session, asset) + recipients.makers(session, asset, asset.current_version_id)
    notify(session, people, notice, f"withdrawn:{asset.id}", asset.id)


def on_comment(session: Session, payload: dict[str, Any]) -> None:
    asset = _asset(session, payload)
    comment_id = _uuid(payload.get("comment_id"))
    comment = repository.comment(session, comment_id) if comment_id else None
    if asset is None or comment is None:
        return
    people = recipients.makers(session, asset, comment.version_id) + recipients.mentioned(session, asset, comment.body)
    notify(session, recipients.without(people, _uuid(payload.get("author_id"))),
           _notice(asset, "comment", quote=comment.body[:500]), f"comment:{comment.id}", asset.id)


def on_report_submitted(session: Session, payload: dict[str, Any]) -> None:
    snapshot_id = _uuid(payload.get("snapshot_id"))
    snapshot = repository.report_snapshot(session, snapshot_id) if snapshot_id else None
    org = repository.organisation(session, snapshot.organisation_id) if snapshot else None
    if snapshot is None or org is None:
        return
    notice = Notice(kind="report_submitted", title=f"{org.name} — {snapshot.period}",
                    link=urls.line_report(org.code, snapshot.period))
    notify(session, recipients.overseers(session, org.id), notice, f"report-submitted:{snapshot.id}")


def on_evidence_reviewed(session: Session, payload: dict[str, Any]) -> None:
    evidence_id = _uuid(payload.get("evidence_id"))
    evidence = repository.evidence(session, evidence_id) if evidence_id else None
    if evidence is None:
        return
    asset = repository.asset(session, evidence.asset_id) if evidence.asset_id else None
    people = recipients.unit_people(session, [evidence.organisation_id]).get(evidence.organisation_id, [])
    if evidence.created_by_id:
        people = people + repository.users(session, [evidence.created_by_id])
    status = "Đã chấp nhận" if evidence.review == "accepted" else "Trả lại"
    notice = Notice(kind="evidence_reviewed", title=f"{asset.title if asset else evidence.channel} ({status})",
                    link=urls.evidence_page(), reason=evidence.review_note)
    notify(session, recipients.without(people, _uuid(payload.get("reviewer_id"))), notice,
           f"evidence:{evidence.id}:{payload.get('at')}")
