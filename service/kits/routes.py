"""`/api/v1/kits`: collections CRUD and the streamed ZIP download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response, StreamingResponse

from service.http import urls
from service.http.deps import CurrentPrincipal, DownloadPrincipal, ProducerPrincipal, RuntimeDep, SessionDep
from service.http.methods import asked_for
from service.kits import service as kits
from service.kits.schemas import KitIn, KitItemIn, KitOut, KitPatch
from service.models import Collection, CollectionItem
from storage.http import content_disposition

router = APIRouter(prefix="/api/v1/kits", tags=["kits"])


def _out(session: Session, kit: Collection, items: list[CollectionItem] | None = None) -> KitOut:
    """`items`: the kit's items when the caller read them already (a list reads all kits' items at once)."""
    rows = kits.items_of(session, kit) if items is None else items
    return KitOut(id=kit.id, slug=kit.slug, title=kit.title, description=kit.description,
                  owner_org_id=kit.owner_org_id, created_at=kit.created_at,
                  items=[KitItemIn(asset_id=i.asset_id, profile=i.profile) for i in rows],
                  zip_url=urls.kit_zip(kit.slug))


@router.get("/{slug}.zip", summary="The kit as one ZIP, streamed (chosen profile per asset + README.txt)",
            responses={200: {"content": {"application/zip": {}}}, 409: {"description": "No published assets"}})
def download_zip(slug: str, request: Request, principal: DownloadPrincipal, session: SessionDep,
                 rt: RuntimeDep) -> Response:
    filename, stream = kits.zip_stream(session, rt, principal, slug, downloading=asked_for(request) == "GET")
    return StreamingResponse(stream, media_type="application/zip",
                             headers={"Content-Disposition": content_disposition(filename, "attachment"),
                                      "Cache-Control": "no-store"})


@router.post("", status_code=201, response_model=KitOut)
def create_kit(body: KitIn, principal: ProducerPrincipal, session: SessionDep) -> KitOut:
    kit = kits.create(session, principal, slug=body.slug, title=body.title, description=body.description,
                      items=body.items)
    return _out(session, kit)


@router.get("", response_model=list[KitOut])
def list_kits(principal: CurrentPrincipal, session: SessionDep,
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[KitOut]:
    listed = kits.list_kits(session, limit)
    items = kits.items_by_kit(session, listed)
    return [_out(session, k, items[k.id]) for k in listed]


@router.get("/{slug}", response_model=KitOut)
def get_kit(slug: str, principal: CurrentPrincipal, session: SessionDep) -> KitOut:
    return _out(session, kits.get_or_404(session, slug))


@router.patch("/{slug}", response_model=KitOut)
def update_kit(slug: str, body: KitPatch, principal: ProducerPrincipal, session: SessionDep) -> KitOut:
    kit = kits.update(session, principal, slug, title=body.title, description=body.description, items=body.items)
    return _out(session, kit)


@router.delete("/{slug}", status_code=204)
def delete_kit(slug: str, principal: ProducerPrincipal, session: SessionDep) -> Response:
    kits.delete(session, principal, slug)
    return Response(status_code=204)
