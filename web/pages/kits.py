"""Collections (kits): list, build from published assets with a format per asset, download as one ZIP
(service/kits; the ZIP streams from GET /api/v1/kits/{slug}.zip)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from search.vietnamese import fold
from service.assets import service as assets
from service.core.errors import KhoError
from service.http import urls
from service.http.deps import RuntimeDep, SessionDep
from service.http.urls import KIT_PAGE
from service.kits import service as kits
from service.kits.schemas import KitItemIn
from service.links import service as links
from service.models import Asset
from web.flash import flash
from web.forms import message
from web.present import profile_labels
from web.render import lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, OptionalUser, ProducerUser, RequiredUser

router = page_router()
KIT_PROFILES = ("", "web-image", "zalo-oa", "facebook-feed", "web-mp4", "youtube", "vertical", "podcast",
                "loudspeaker", "print")
CHOICES_LIMIT = 50


def _slug(title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(title).lower()).strip("-")[:80]
    return f"{base}-{uuid.uuid4().hex[:4]}" if base else uuid.uuid4().hex[:8]


def _page(request: Request, user: RequiredUser, session: SessionDep, error: str | None = None,
          status_code: int = 200) -> Response:
    listed = kits.kits_with_counts(session)
    choices: list[Asset] = []
    if user.can("admin", "producer"):
        choices, _ = assets.list_page(session, user.principal, kind=None, status="published", org_id=None, terms={},
                                      cursor=None, limit=CHOICES_LIMIT)
    names = profile_labels(lang_of(request))  # the profile's own label, not its code
    return render(request, "kits.html", {"kits": listed, "choices": choices, "profiles": KIT_PROFILES,
                                         "profile_names": {p: names.get(p, (p, ""))[0] for p in KIT_PROFILES if p},
                                         "error": error}, status_code=status_code)


@router.get("/bo-suu-tap")
def collections(request: Request, user: RequiredUser, session: SessionDep) -> Response:
    return _page(request, user, session)


@router.get(KIT_PAGE)
def collection(slug: str, request: Request, user: OptionalUser, session: SessionDep) -> Response:
    """The canonical public URL of a kit: what it holds, what was withdrawn from it, the ZIP."""
    found = links.public_kit(session, slug)
    return render(request, "public_kit.html", {"kit": found.kit, "live": found.live, "withdrawn": found.withdrawn,
                                               "kit_url": urls.kit_page(slug), "zip_url": urls.kit_zip(slug),
                                               "asset_url": urls.asset_page})


@router.post("/bo-suu-tap", dependencies=[CsrfChecked])
async def create_collection(request: Request, user: ProducerUser, session: SessionDep, rt: RuntimeDep,
                            title: Annotated[str, Form(min_length=1, max_length=300)],
                            description: Annotated[str, Form(max_length=5000)] = "") -> Response:
    form = await request.form()
    try:
        items = [KitItemIn(asset_id=uuid.UUID(str(v)), profile=str(form.get(f"profile-{v}") or "") or None)
                 for v in form.getlist("asset")]
    except ValueError:
        raise KhoError("validation_failed", status=422, reason="asset") from None
    title = unicodedata.normalize("NFC", title).strip()
    try:
        kits.create(session, user.principal, slug=_slug(title), title=title, description=description.strip(),
                    items=items)
    except KhoError as exc:
        return _page(request, user, session, message(request, exc), exc.status)
    return flash(RedirectResponse("/bo-suu-tap", status_code=303), rt.settings, "flash_kit_created", title=title)
