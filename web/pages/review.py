"""The review queue (urgent first) and the review page: the full asset in its player, every file that will
be published, the description a reader will see, the previous version's differences, and one confirmed
decision, all on service/workflow."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.assets import service as assets
from service.core.errors import NotFound
from service.http.deps import RuntimeDep, SessionDep
from service.languages import captions, translations
from service.renditions import hls
from service.renditions import service as renditions
from service.vocab.languages import label as language_label
from service.workflow import queries as review_queries
from service.workflow import service as workflow
from service.workflow.schemas import DecisionIn
from web import preview, textdiff
from web.flash import flash
from web.present import cards, labels_for, profile_groups, user_names
from web.render import lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, ReviewerUser

router = page_router()
DECISIONS = {"approve": workflow.approve, "request_changes": workflow.request_changes, "reject": workflow.reject}
FLASH_KEYS = {"approve": "flash_approved", "request_changes": "flash_request_changes", "reject": "flash_reject"}
QUEUE_LIMIT = 100


@router.get("/duyet")
def review_queue(request: Request, user: ReviewerUser, session: SessionDep, rt: RuntimeDep) -> Response:
    queued = review_queries.review_queue(session, user.principal, QUEUE_LIMIT)  # urgent first
    outs = assets.to_out(session, assets.get_visible_many(session, user.principal, [i.asset_id for i in queued]))
    shown = cards(session, rt, user.principal, outs, labels_for(session, lang_of(request)))
    for card, item in zip(shown, queued, strict=True):
        card.title, card.urgent = item.title, item.urgent  # the version under review may propose new ones
    return render(request, "review.html", {"entries": list(zip(shown, queued, strict=True))})


@router.get("/duyet/{asset_id}")
def review_detail(asset_id: uuid.UUID, request: Request, user: ReviewerUser, session: SessionDep,
                  rt: RuntimeDep) -> Response:
    principal = user.principal
    lang = lang_of(request)
    asset = assets.get_visible(session, principal, asset_id)
    out = assets.to_out(session, [asset])[0]
    queue = review_queries.review_queue(session, principal, QUEUE_LIMIT)  # urgent first, as on /duyet
    at = next((n for n, i in enumerate(queue) if i.asset_id == asset_id), None)
    item = queue[at] if at is not None else None
    # Previous and next in the queue (links and ← → keys), as Immich steps through a timeline and
    # ResourceSpace through a result set: a reviewer works through the queue without going back to it.
    around = {"position": at + 1, "total": len(queue),
              "previous": queue[at - 1] if at > 0 else None,
              "next": queue[at + 1] if at + 1 < len(queue) else None} if at is not None else None
    versions = review_queries.versions(session, principal, asset_id)
    number = item.version_number if item else max((v.number for v in versions), default=1)
    earlier = max((v.number for v in versions if v.number < number), default=None)
    # The previous version against the one under review; a first version is compared with nothing.
    diff = review_queries.diff(session, rt, principal, asset_id, str(earlier or number), str(number))
    labels = labels_for(session, lang)
    changes = [textdiff.describe(c.field, c.old, c.new, labels) for c in diff.changes
               if c.field not in textdiff.HIDDEN] if earlier else []

    # The version under review, as it will go live: a pending revision's files and metadata, not the live ones.
    listing = renditions.list_version_renditions(session, rt, principal, asset_id, number) if versions else None
    if versions:
        out = review_queries.as_proposed(session, principal, asset_id, number)
    groups = profile_groups(listing, lang)
    stream = hls.media_for(session, rt, principal, listing) if out.status != "withdrawn" else hls.HlsMedia(None, [])
    original = translations.original_of(session, principal, asset)
    own_lines = next((t.lines for t in captions.transcripts(session, principal, asset_id)
                      if t.language == asset.language), []) if original else []
    history = review_queries.history(session, principal, asset_id)
    comments = review_queries.comments(session, principal, asset_id)
    people = user_names(session, {e.actor_id for e in history} | {c.author_id for c in comments})
    return render(request, "review_detail.html", {
        "asset": out, "diff": diff, "earlier": earlier, "number": number, "changes": changes, "item": item,
        "around": around,
        "history": history, "comments": comments, "people": people, "labels": labels,
        "media": preview.media(groups, stream), "qa": preview.qa_set(session, principal, out),
        "published": preview.published(groups, lang), "listing": listing,
        "caption_labels": {code: language_label(code, lang) for code, _ in stream.captions},
        "language_label": language_label(out.language, lang),
        "original": original, "own_lines": own_lines, "own_label": language_label(asset.language, lang)})


def _decide(asset_id: uuid.UUID, decision: str, user: ReviewerUser, session: SessionDep, rt: RuntimeDep, reason: str,
            comment: str) -> Response:
    act = DECISIONS.get(decision)
    if act is None:
        raise NotFound(what="quyết định / decision")
    item = next((i for i in review_queries.review_queue(session, user.principal, QUEUE_LIMIT)
                 if i.asset_id == asset_id), None)
    title = item.title if item else assets.get_visible(session, user.principal, asset_id).title
    act(session, user.principal, asset_id, DecisionIn(reason=reason or None, comment=comment or None))
    return flash(RedirectResponse("/duyet", status_code=303), rt.settings, FLASH_KEYS[decision], title=title)


@router.post("/duyet/{asset_id}", dependencies=[CsrfChecked])
def decide_one(asset_id: uuid.UUID, user: ReviewerUser, session: SessionDep, rt: RuntimeDep,
               decision: Annotated[str, Form(max_length=40)],
               reason: Annotated[str, Form(max_length=5000)] = "",
               comment: Annotated[str, Form(max_length=20000)] = "") -> Response:
    """The review page's one decision form (the choice is a field; the page confirms it before sending)."""
    return _decide(asset_id, decision, user, session, rt, reason, comment)


@router.post("/duyet/{asset_id}/{decision}", dependencies=[CsrfChecked])
def decide(asset_id: uuid.UUID, decision: str, user: ReviewerUser, session: SessionDep, rt: RuntimeDep,
           reason: Annotated[str, Form(max_length=5000)] = "",
           comment: Annotated[str, Form(max_length=20000)] = "") -> Response:
    return _decide(asset_id, decision, user, session, rt, reason, comment)
