"""The focal point page: the producer taps the picture (or moves the point with the arrow keys), sees
every channel's crop change on the spot, and saves; only the crops are re-made (service/assets/focal.py)."""

from __future__ import annotations

import math
import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.assets import focal as focal_service
from service.assets import service as assets
from service.http.deps import RuntimeDep, SessionDep
from service.jobs import service as jobs
from service.jobs.service import refocus_job_id
from transcoding.crops import CoverOutput
from transcoding.image.geometry import cover_box
from transcoding.types import FocalPoint
from web.present import THUMB_PREFERENCE, listing_of, pick
from web.render import lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, ProducerUser

router = page_router()
PAGE = "/tai-nguyen/{asset_id}/diem-chinh"
PICTURE_PREFERENCE = (("web-image", "jpeg-800"), ("web-image", "webp-800"), ("web-image", "jpeg-1600"),
                      ("web-mp4", "poster"), *THUMB_PREFERENCE)


def ratio(width: int, height: int) -> str:
    """16:9, 1:1, 9:16 — or 1,91:1 when the reduced ratio has large terms (1200×630)."""
    g = math.gcd(width, height)
    w, h = width // g, height // g
    if max(w, h) <= 21:
        return f"{w}:{h}"
    return f"{width / height:.2f}".replace(".", ",") + ":1"


def _crop_view(crop: CoverOutput, lang: str, size: tuple[int, int] | None, focal: FocalPoint) -> dict[str, object]:
    box = cover_box(size, (crop.width, crop.height), focal) if size else None
    return {"label": crop.label_vi if lang == "vi" else crop.label_en, "ratio": ratio(crop.width, crop.height),
            "width": crop.width, "height": crop.height, "key": f"{crop.profile}/{crop.spec}",
            "box": ",".join(f"{v / (size[i % 2]):.6f}" for i, v in enumerate(box)) if box and size else ""}


@router.get(PAGE)
def focal_page(asset_id: uuid.UUID, request: Request, user: ProducerUser, session: SessionDep, rt: RuntimeDep,
               saved: int = 0) -> Response:
    asset, state = focal_service.editable_focal(session, user.principal, asset_id)
    out = assets.to_out(session, [asset])[0]
    listing = listing_of(session, rt, user.principal, out)
    every = [r for p in listing.profiles for r in p.renditions] if listing else []
    picture = pick(every, PICTURE_PREFERENCE)
    lang = lang_of(request)
    size = (picture.width, picture.height) if picture and picture.width and picture.height else None
    focal = FocalPoint(state.x, state.y)
    version = assets.current_version(session, asset)
    job = jobs.find(session, refocus_job_id(version.id, version.focal_revision)) if version.focal_revision else None
    return render(request, "focal.html", {
        "asset": out, "state": state, "picture": picture,
        "crops": [_crop_view(c, lang, size, focal) for c in state.crops],
        "saved": bool(saved), "job": job,
    })


@router.post(PAGE, dependencies=[CsrfChecked])
def save_focal(asset_id: uuid.UUID, user: ProducerUser, session: SessionDep,
               x: Annotated[float, Form(ge=0, le=100)], y: Annotated[float, Form(ge=0, le=100)]) -> Response:
    """x and y in percent of width and height (what the range inputs and the picture give)."""
    focal_service.set_focal(session, user.principal, asset_id, x / 100, y / 100)
    return RedirectResponse(f"/tai-nguyen/{asset_id}/diem-chinh?saved=1#ket-qua", status_code=303)
