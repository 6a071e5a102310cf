"""The asset page: preview (gallery, HLS video with captions, audio), metadata, rights, one download per
channel profile, embed code and link; for the people who work on it: history, comments, withdrawal and,
after a withdrawal, who had downloaded it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from service.assets import service as assets
from service.assets.schemas import AssetOut
from service.core.errors import Forbidden, NotFound
from service.http import urls
from service.http.deps import RuntimeDep, SessionDep
from service.http.urls import ASSET_PAGE
from service.identity.principal import Principal
from service.links import service as links
from service.publication.schemas import PublicationOut
from service.renditions import hls
from service.vocab.languages import label as language_label
from service.workflow import queries as review_queries
from service.workflow import service as workflow
from service.workflow.schemas import CommentIn, CommentOut, DecisionIn, DownloadersOut, ReviewEventOut
from transcoding.crops import cover_outputs
from web import downloads, preview
from web.flash import flash
from web.present import (
    ProfileDownloads,
    downloadable,
    labels_for,
    listing_of,
    org_names,
    profile_groups,
    user_names,
)
from web.render import env, lang_of, render
from web.routing import page_router
from web.session import CsrfChecked, LoginRequired, OptionalUser, RequiredUser

router = page_router()

EMBED_TEMPLATE = env.from_string(
    '<figure class="kho-embed"><a href="{{ url }}">{{ title }}</a>'
    '<figcaption>{{ credit }}{% if licence %} · {{ licence }}{% endif %}</figcaption></figure>')


def _media(groups: list[ProfileDownloads], stream: hls.HlsMedia) -> dict[str, object]:
    return preview.media(groups, stream)  # the player area, shared with the review page


@dataclass
class Workspace:
    """What only the people working on the asset see (the workflow service decides who that is)."""

    history: list[ReviewEventOut] = field(default_factory=list)
    comments: list[CommentOut] = field(default_factory=list)
    downloaders: DownloadersOut | None = None
    people: dict[uuid.UUID, str] = field(default_factory=dict)
    publication: PublicationOut | None = None  # whether the latest version's renditions let it go live


def _workspace(session: Session, principal: Principal, asset: AssetOut) -> Workspace | None:
    try:
        space = Workspace(review_queries.history(session, principal, asset.id),
                          review_queries.comments(session, principal, asset.id))
        if asset.status == "withdrawn":
            space.downloaders = review_queries.downloaders(session, principal, asset.id)
        space.publication = review_queries.publication(session, principal, asset.id)
    except Forbidden:
        return None
    space.people = user_names(session, {e.actor_id for e in space.history} | {c.author_id for c in space.comments})
    return space


@router.get(ASSET_PAGE)
def asset_page(asset_id: uuid.UUID, request: Request, user: OptionalUser, session: SessionDep,
               rt: RuntimeDep) -> Response:
    """The canonical public URL of an asset: members see everything they may, anyone else the public
    face of a live asset (410 once withdrawn); drafts and reviews stay behind sign-in."""
    if user is None:
        return _public_page(request, session, asset_id)
    principal = user.principal
    try:
        visible = assets.get_visible(session, principal, asset_id)
    except NotFound:
        if review_queries.withdrawal_notice(session, asset_id) is None:
            raise
        return _withdrawn_page(request, session, asset_id)
    out = assets.to_out(session, [visible])[0]
    lang = lang_of(request)
    listing = listing_of(session, rt, principal, out)
    groups = profile_groups(listing, lang)
    # A withdrawn asset's files are not served (the player would only meet 410s).
    stream = hls.media_for(session, rt, principal, listing) if out.status != "withdrawn" else hls.HlsMedia(None, [])
    page_url = urls.asset_page(out.id)
    embed = EMBED_TEMPLATE.render(url=page_url, title=out.title, credit=out.rights.credit, licence=out.rights.licence)
    labels = labels_for(session, lang)
    shown = downloadable(groups) if out.status != "withdrawn" else []
    return render(request, "asset.html", {
        "asset": out, "labels": labels,
        "channels": downloads.channel_panels(out, shown, lang, page_url, labels.many("topic", out.topics))
        if out.status != "withdrawn" else [],
        "files": downloads.all_files(shown, lang),
        "focal_editable": bool(cover_outputs(out.kind)) and out.current_version is not None
        and assets.can_edit(session, principal, visible),
        "org_name": org_names(session, {out.owner_org_id}, lang).get(out.owner_org_id, ""),
        "downloads": shown, "media": _media(groups, stream),
        "listing": listing, "page_url": page_url, "embed_code": embed,
        "workspace": _workspace(session, principal, out),
        "language_label": language_label(out.language, lang),
        "caption_labels": {code: language_label(code, lang) for code, _ in stream.captions},
        "qa": preview.qa_set(session, principal, out),
    }, status_code=410 if out.status == "withdrawn" else 200)


def _withdrawn_page(request: Request, session: Session, asset_id: uuid.UUID) -> Response:
    """410 for anyone holding a link to a withdrawn asset: when, why, and the replacement to use instead."""
    notice = review_queries.withdrawal_notice(session, asset_id)
    assert notice is not None
    return render(request, "withdrawn.html", {"notice": notice, "page_url": urls.asset_page(asset_id)},
                  status_code=410)


def _public_page(request: Request, session: Session, asset_id: uuid.UUID) -> Response:
    try:
        found = links.public_asset(session, asset_id)
    except links.Withdrawn:
        return _withdrawn_page(request, session, asset_id)
    if found is None:
        raise LoginRequired(request.url.path)
    return render(request, "public_asset.html", {
        "asset": found.asset, "org_name": found.organisation.name if found.organisation else "",
        "page_url": urls.asset_page(asset_id), "labels": labels_for(session, lang_of(request))})


@router.post("/tai-nguyen/{asset_id}/thu-hoi", dependencies=[CsrfChecked])
def withdraw(asset_id: uuid.UUID, user: RequiredUser, session: SessionDep, rt: RuntimeDep,
             reason: Annotated[str, Form(max_length=5000)] = "",
             comment: Annotated[str, Form(max_length=20000)] = "") -> Response:
    """Reason required (the workflow service refuses without one); subscribers are notified by it."""
    title = assets.get_visible(session, user.principal, asset_id).title
    workflow.withdraw(session, user.principal, asset_id, DecisionIn(reason=reason or None, comment=comment or None))
    return flash(RedirectResponse(f"/tai-nguyen/{asset_id}#nguoi-da-tai", status_code=303), rt.settings,
                 "flash_withdrawn", title=title)


@router.post("/tai-nguyen/{asset_id}/binh-luan", dependencies=[CsrfChecked])
def add_comment(asset_id: uuid.UUID, user: RequiredUser, session: SessionDep, rt: RuntimeDep,
                body: Annotated[str, Form(min_length=1, max_length=20000)]) -> Response:
    review_queries.add_comment(session, user.principal, asset_id, CommentIn(body=body))
    return flash(RedirectResponse(f"/tai-nguyen/{asset_id}#binh-luan", status_code=303), rt.settings, "flash_commented")
