"""Producer pages: upload (files go from the browser to the resumable tus endpoint /api/v1/uploads),
"my assets" with live job progress, and submitting for review."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.assets import service as assets
from service.http.deps import RuntimeDep, SessionDep
from service.vocab.languages import choices as language_choices
from service.workflow import service as workflow
from service.workflow.schemas import DecisionIn
from transcoding.profiles import default_profiles
from web.flash import flash
from web.present import cards, labels_for
from web.render import lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, ProducerUser

router = page_router()
UPLOAD_KINDS = ("infographic", "video", "podcast", "poster", "document", "qa_set")
FINISHED = ("succeeded", "failed", "cancelled")
SUBMITTABLE = ("draft", "changes_requested")


@router.get("/tai-len")
def upload_page(request: Request, user: ProducerUser, session: SessionDep, rt: RuntimeDep,
                variant_of: uuid.UUID | None = None) -> Response:
    labels = labels_for(session, lang_of(request))
    original = assets.get_visible(session, user.principal, variant_of) if variant_of else None
    limits = {k: v // (1024 * 1024) for k, v in rt.settings.limits.upload_limits.items()}
    english = lang_of(request) == "en"  # the per-output progress names each channel's version
    profile_labels = {p.name: p.label_en if english else p.label_vi for p in default_profiles().values()}
    return render(request, "upload.html", {"labels": labels, "kinds": UPLOAD_KINDS, "limits": limits,
                                           "chunk_bytes": rt.settings.limits.tus_web_chunk_bytes,
                                           "languages": language_choices(lang_of(request)),
                                           "original": original,
                                           "profile_labels": profile_labels})


@router.get("/cua-toi")
def my_assets(request: Request, user: ProducerUser, session: SessionDep, rt: RuntimeDep,
              cursor: str | None = None) -> Response:
    """The producer's organisation's assets, newest first, with their processing state."""
    rows, next_cursor = assets.list_page(session, user.principal, kind=None, status=None,
                                         org_id=user.principal.organisation_id, terms={}, cursor=cursor, limit=30)
    outs = assets.to_out(session, rows)
    shown = cards(session, rt, user.principal, outs, labels_for(session, lang_of(request)))
    return render(request, "mine.html", {"items": list(zip(outs, shown, strict=True)), "next_cursor": next_cursor,
                                         "finished": FINISHED, "submittable": SUBMITTABLE})


@router.post("/tai-nguyen/{asset_id}/gui-duyet", dependencies=[CsrfChecked])
def submit_for_review(asset_id: uuid.UUID, request: Request, user: ProducerUser, session: SessionDep, rt: RuntimeDep,
                      comment: Annotated[str, Form(max_length=2000)] = "",
                      back: Annotated[str, Form(max_length=20)] = "") -> Response:
    workflow.submit(session, user.principal, asset_id, DecisionIn(comment=comment or None))
    title = assets.get_visible(session, user.principal, asset_id).title
    back_to = "/cua-toi" if back == "mine" else f"/tai-nguyen/{asset_id}"
    return flash(RedirectResponse(back_to, status_code=303), rt.settings, "flash_submitted", title=title)
