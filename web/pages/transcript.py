"""The transcript page: every caption of an asset's live version, one language after another, as text
(for deaf readers, search engines and anyone who cannot play the media)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from service.assets import service as assets
from service.http.deps import RuntimeDep, SessionDep
from service.languages import captions
from service.vocab.languages import choices as language_choices
from transcoding.video.captions_check import MAX_CAPTION_BYTES
from web.render import lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, RequiredUser

router = page_router()


@router.get("/tai-nguyen/{asset_id}/loi-thoai")
def transcript_page(asset_id: uuid.UUID, request: Request, user: RequiredUser, session: SessionDep) -> Response:
    asset = assets.get_visible(session, user.principal, asset_id)
    tracks = captions.transcripts(session, user.principal, asset_id)
    editable = assets.can_edit(session, user.principal, asset) and asset.kind in captions.CAPTIONED_KINDS
    return render(request, "transcript.html", {"asset": asset, "tracks": tracks, "editable": editable,
                                               "languages": language_choices(lang_of(request))})


@router.post("/tai-nguyen/{asset_id}/loi-thoai", dependencies=[CsrfChecked])
def upload_caption(asset_id: uuid.UUID, user: RequiredUser, session: SessionDep, rt: RuntimeDep,
                   language: Annotated[str, Form(max_length=35)],
                   file: Annotated[UploadFile, File()]) -> Response:
    """The caption form of the transcript page (a refused file shows the error page naming its line)."""
    captions.upload(session, rt.store, user.principal, asset_id, language, file.file.read(MAX_CAPTION_BYTES + 1))
    return RedirectResponse(f"/tai-nguyen/{asset_id}/loi-thoai", status_code=303)
