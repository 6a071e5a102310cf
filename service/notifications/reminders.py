"""Reminders: an urgent asset nobody has reviewed after the configured wait is announced to its reviewers
again (once per wait period)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from service.notifications import recipients, repository
from service.notifications.content import Notice
from service.notifications.service import asset_link, notify
from service.workflow import repository as workflow_repo
from service.workflow import rules


def remind_urgent(session: Session, submitted_before: datetime) -> int:
    sent = 0
    for asset, version in repository.urgent_waiting(session, submitted_before):
        owner_path = workflow_repo.org_path(session, asset.owner_org_id)
        ids = workflow_repo.reviewers_for(session, rules.ancestor_ids(owner_path), version.submitted_by_id)
        notice = Notice(kind="urgent_review", title=asset.title, link=asset_link(asset.id), reminder=True)
        # One reminder per version: the key does not change, so the sweep does not repeat it every minute.
        sent += len(notify(session, recipients.reviewers(session, ids), notice, f"urgent-again:{version.id}",
                           asset.id))
    return sent
