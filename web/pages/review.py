"""The review queue (urgent first), the version diff and review decisions, on service/workflow (issue 5).
While that service is absent the pages say "not available yet"."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.assets import service as assets
from service.deps import SessionDep
from web import seams
from web.present import cards, labels_for
from web.render import lang_of, not_ready, render
from web.routing import page_router
from web.session import CsrfChecked, ReviewerUser

router = page_router()
DECISIONS = ("approve", "request_changes", "reject")
QUEUE_LIMIT = 100


@router.get("/duyet")
def review_queue(request: Request, user: ReviewerUser, session: SessionDep) -> Response:
    queries = seams.module_if_present("service.workflow.queries")
    if queries is None:
        return not_ready(request, "feature_workflow")
    queued = queries.review_queue(session, user.principal, QUEUE_LIMIT)  # already urgent first
    shown = [assets.get_visible(session, user.principal, item.asset_id) for item in queued]
    outs = assets.to_out(session, shown)
    titled = cards(session, outs, labels_for(session, lang_of(request)))
    for card, item in zip(titled, queued, strict=True):
        card.title, card.urgent = item.title, item.urgent  # the version under review may propose new ones
    return render(request, "review.html", {"cards": titled, "items": dict(zip([c.id for c in titled], queued,
                                                                               strict=True))})


@router.get("/duyet/{asset_id}")
def review_detail(asset_id: uuid.UUID, request: Request, user: ReviewerUser, session: SessionDep) -> Response:
    queries = seams.module_if_present("service.workflow.queries")
    if queries is None:
        return not_ready(request, "feature_workflow")
    diff = queries.diff(session, user.principal, asset_id, None, None)
    out = assets.to_out(session, [assets.get_visible(session, user.principal, asset_id)])[0]
    return render(request, "review_detail.html", {"asset": out, "diff": diff,
                                                  "labels": labels_for(session, lang_of(request))})


@router.post("/duyet/{asset_id}/{decision}", dependencies=[CsrfChecked])
def decide(asset_id: uuid.UUID, decision: str, request: Request, user: ReviewerUser, session: SessionDep,
           reason: Annotated[str, Form(max_length=5000)] = "") -> Response:
    workflow = seams.workflow()
    if workflow is None or decision not in DECISIONS:
        return not_ready(request, "feature_workflow")
    from service.workflow.schemas import DecisionIn

    getattr(workflow, decision)(session, user.principal, asset_id, DecisionIn(reason=reason.strip() or None))
    return RedirectResponse("/duyet", status_code=303)
