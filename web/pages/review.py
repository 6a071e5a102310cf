"""The review queue (urgent first), the version diff with old/new previews, and review decisions, all on
service/workflow."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.assets import service as assets
from service.deps import SessionDep
from service.errors import NotFound
from service.languages import captions, translations
from service.languages.service import label as language_label
from service.workflow import queries as review_queries
from service.workflow import service as workflow
from service.workflow.schemas import DecisionIn
from web.present import cards, labels_for, user_names
from web.render import lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, ReviewerUser

router = page_router()
DECISIONS = {"approve": workflow.approve, "request_changes": workflow.request_changes, "reject": workflow.reject}
QUEUE_LIMIT = 100


@router.get("/duyet")
def review_queue(request: Request, user: ReviewerUser, session: SessionDep) -> Response:
    queued = review_queries.review_queue(session, user.principal, QUEUE_LIMIT)  # urgent first
    outs = assets.to_out(session, [assets.get_visible(session, user.principal, i.asset_id) for i in queued])
    shown = cards(session, user.principal, outs, labels_for(session, lang_of(request)))
    for card, item in zip(shown, queued, strict=True):
        card.title, card.urgent = item.title, item.urgent  # the version under review may propose new ones
    return render(request, "review.html", {"entries": list(zip(shown, queued, strict=True))})


@router.get("/duyet/{asset_id}")
def review_detail(asset_id: uuid.UUID, request: Request, user: ReviewerUser, session: SessionDep) -> Response:
    principal = user.principal
    diff = review_queries.diff(session, principal, asset_id, None, None)
    asset = assets.get_visible(session, principal, asset_id)
    out = assets.to_out(session, [asset])[0]
    original = translations.original_of(session, principal, asset)
    own_lines = next((t.lines for t in captions.transcripts(session, principal, asset_id)
                      if t.language == asset.language), []) if original else []
    history = review_queries.history(session, principal, asset_id)
    comments = review_queries.comments(session, principal, asset_id)
    item = next((i for i in review_queries.review_queue(session, principal, QUEUE_LIMIT) if i.asset_id == asset_id),
                None)
    people = user_names(session, {e.actor_id for e in history} | {c.author_id for c in comments})
    return render(request, "review_detail.html", {
        "asset": out, "diff": diff, "item": item, "history": history, "comments": comments, "people": people,
        "labels": labels_for(session, lang_of(request)), "original": original, "own_lines": own_lines,
        "own_label": language_label(asset.language, lang_of(request))})


@router.post("/duyet/{asset_id}/{decision}", dependencies=[CsrfChecked])
def decide(asset_id: uuid.UUID, decision: str, user: ReviewerUser, session: SessionDep,
           reason: Annotated[str, Form(max_length=5000)] = "",
           comment: Annotated[str, Form(max_length=20000)] = "") -> Response:
    act = DECISIONS.get(decision)
    if act is None:
        raise NotFound(what="quyết định / decision")
    act(session, user.principal, asset_id, DecisionIn(reason=reason or None, comment=comment or None))
    return RedirectResponse("/duyet", status_code=303)
