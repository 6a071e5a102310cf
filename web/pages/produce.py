"""Producer pages: upload (files go straight to POST /api/v1/assets from the browser) and "my assets"."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.assets import service as assets
from service.config import get_settings
from service.deps import SessionDep
from web import seams
from web.present import cards, labels_for
from web.render import lang_of, not_ready, render
from web.routing import page_router
from web.session import CsrfChecked, ProducerUser

router = page_router()
UPLOAD_KINDS = ("infographic", "video", "podcast", "poster", "document", "qa_set")
FINISHED = ("succeeded", "failed", "cancelled")


@router.get("/tai-len")
def upload_page(request: Request, user: ProducerUser, session: SessionDep) -> Response:
    labels = labels_for(session, lang_of(request))
    limits = {k: v // (1024 * 1024) for k, v in get_settings().upload_limits.items()}
    return render(request, "upload.html", {"labels": labels, "kinds": UPLOAD_KINDS, "limits": limits})


@router.get("/cua-toi")
def my_assets(request: Request, user: ProducerUser, session: SessionDep, cursor: str | None = None) -> Response:
    """The producer's organisation's assets, newest first, with their processing jobs."""
    rows, next_cursor = assets.list_page(session, user.principal, kind=None, status=None,
                                         org_id=user.principal.organisation_id, terms={}, cursor=cursor, limit=30)
    outs = assets.to_out(session, rows)
    labels = labels_for(session, lang_of(request))
    jobs = {a.id: seams.jobs_of(session, a.id) for a in outs}
    renditions = seams.renditions_by_version(session, [a.current_version.id for a in outs if a.current_version])
    counts = {a.id: len(renditions.get(a.current_version.id, [])) if a.current_version else 0 for a in outs}
    return render(request, "mine.html", {
        "items": list(zip(outs, cards(session, outs, labels), strict=True)), "jobs": jobs,
        "rendition_counts": counts, "next_cursor": next_cursor, "finished": FINISHED,
        "workflow_ready": seams.workflow() is not None,
    })


@router.post("/tai-nguyen/{asset_id}/gui-duyet", dependencies=[CsrfChecked])
def submit_for_review(asset_id: uuid.UUID, request: Request, user: ProducerUser, session: SessionDep,
                      comment: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Calls service.workflow (issue 5); says "not available yet" while it is absent."""
    workflow = seams.workflow()
    if workflow is None:
        return not_ready(request, "feature_workflow")
    from service.workflow.schemas import DecisionIn

    workflow.submit(session, user.principal, asset_id, DecisionIn(comment=comment.strip() or None))
    return RedirectResponse(f"/tai-nguyen/{asset_id}", status_code=303)
