"""The asset page: preview, metadata, rights, one download per channel profile, embed code and link."""

from __future__ import annotations

import uuid

from fastapi import Request
from starlette.responses import Response

from service.assets import service as assets
from service.config import get_settings
from service.deps import SessionDep
from web import seams
from web.present import STREAM_ONLY, ProfileDownloads, RenditionView, labels_for, rendition_views
from web.render import env, lang_of, render
from web.routing import page_router
from web.session import RequiredUser

router = page_router()

EMBED_TEMPLATE = env.from_string(
    '<figure class="kho-embed"><a href="{{ url }}">{{ title }}</a>'
    '<figcaption>{{ credit }}{% if licence %} · {{ licence }}{% endif %}</figcaption></figure>')


def _find(groups: list[ProfileDownloads], *wanted: tuple[str, str]) -> str | None:
    by_key = {(r.profile, r.variant): r for g in groups for r in g.choices}
    for key in wanted:
        if key in by_key:
            return by_key[key].preview_url
    return None


def _media(groups: list[ProfileDownloads]) -> dict[str, object]:
    every: list[RenditionView] = [r for g in groups for r in g.choices]
    return {
        "image": _find(groups, ("web-image", "webp-1600"), ("web-image", "webp-800"), ("web-image", "jpeg-1600"),
                       ("document-preview", "preview")),
        "gallery": [(r.preview_url, r.width, r.height, r.variant) for r in every
                    if r.profile == "web-image" and r.media_type == "image/webp"],
        "video": _find(groups, ("web-mp4", "720p")),
        "poster": _find(groups, ("web-mp4", "poster")),
        "audio": _find(groups, ("podcast", "mp3-128k"), ("loudspeaker", "mp3-mono")),
        "waveform": _find(groups, ("podcast", "waveform")),
        # SEAM (renditions): HLS needs a playlist route that signs each segment; none exists yet, so the
        # progressive web-mp4 plays (hls.js is vendored and player.js takes over once `hls` is set).
        "hls": None,
        "captions": None,
    }


@router.get("/tai-nguyen/{asset_id}")
def asset_page(asset_id: uuid.UUID, request: Request, user: RequiredUser, session: SessionDep) -> Response:
    asset = assets.get_visible(session, user.principal, asset_id)
    out = assets.to_out(session, [asset])[0]
    lang = lang_of(request)
    groups = rendition_views(session, user.principal, asset.id, asset.current_version_id, lang)
    downloads = [ProfileDownloads(g.profile, g.label, g.status,
                                  [r for r in g.choices if r.media_type not in STREAM_ONLY and r.variant != "sprite"])
                 for g in groups]
    page_url = f"{get_settings().base_url.rstrip('/')}/tai-nguyen/{asset.id}"
    embed = EMBED_TEMPLATE.render(url=page_url, title=out.title, credit=out.rights.credit, licence=out.rights.licence)
    orgs = seams.org_names(session, {out.owner_org_id})
    return render(request, "asset.html", {
        "asset": out, "labels": labels_for(session, lang), "org_name": orgs.get(out.owner_org_id, ""),
        "downloads": downloads, "media": _media(groups), "jobs": seams.jobs_of(session, asset.id),
        "page_url": page_url, "embed_code": embed, "workflow_ready": seams.workflow() is not None,
    })
