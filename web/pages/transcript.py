"""The transcript page: every caption of an asset's live version, one language after another, as text
(for deaf readers, search engines and anyone who cannot play the media)."""

from __future__ import annotations

import uuid

from fastapi import Request
from starlette.responses import Response

from service.assets import service as assets
from service.deps import SessionDep
from service.languages import captions
from web.render import render
from web.routing import page_router
from web.session import RequiredUser

router = page_router()


@router.get("/tai-nguyen/{asset_id}/loi-thoai")
def transcript_page(asset_id: uuid.UUID, request: Request, user: RequiredUser, session: SessionDep) -> Response:
    asset = assets.get_visible(session, user.principal, asset_id)
    tracks = captions.transcripts(session, user.principal, asset_id)
    return render(request, "transcript.html", {"asset": asset, "tracks": tracks})
