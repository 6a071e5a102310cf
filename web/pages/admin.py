"""Administration: the index, API keys (shown once), platform profiles (read-only data) and the webhook
subscriptions and delivery log of each API client. Organisations, users and vocabularies have their own
modules."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.auth import service as auth_service
from service.auth.service import CLIENT_SCOPES
from service.core.errors import KhoError, NotFound
from service.http.deps import SessionDep
from service.orgs import service as orgs
from service.webhooks import service as webhooks_service
from transcoding.profiles import default_profiles
from web.render import lang_of, render
from web.routing import page_router
from web.session import AdminUser, CsrfChecked

router = page_router()
DELIVERY_LOG_LIMIT = 50


@router.get("/quan-tri")
def admin_home(request: Request, user: AdminUser) -> Response:
    return render(request, "admin/index.html", {})


def _keys_page(request: Request, user: AdminUser, session: SessionDep, created: object = None,
               error: str | None = None, status_code: int = 200) -> Response:
    clients = auth_service.list_clients(session, user.principal.organisation_path)
    units = orgs.list_subtree(session, user.principal, None)
    return render(request, "admin/keys.html", {"clients": clients, "units": units, "created": created,
                                               "scopes": sorted(CLIENT_SCOPES), "error": error},
                  status_code=status_code, headers={"Cache-Control": "no-store"})


@router.get("/quan-tri/khoa-api")
def api_keys(request: Request, user: AdminUser, session: SessionDep) -> Response:
    return _keys_page(request, user, session)


@router.post("/quan-tri/khoa-api", dependencies=[CsrfChecked])
def create_api_key(request: Request, user: AdminUser, session: SessionDep,
                   name: Annotated[str, Form(min_length=1, max_length=200)],
                   organisation_id: Annotated[uuid.UUID, Form()],
                   scopes: Annotated[list[str] | None, Form()] = None) -> Response:
    orgs.require_manageable(session, user.principal, organisation_id)
    try:
        created = auth_service.create_api_key(session, name=name.strip(), organisation_id=organisation_id,
                                              scopes=scopes or [], actor=user.principal)
    except KhoError as exc:
        return _keys_page(request, user, session, error=exc.detail_vi if lang_of(request) == "vi"
                          else exc.detail_en, status_code=exc.status)
    # The key is shown on this response only; it is never stored in clear and never shown again.
    return _keys_page(request, user, session, created=created, status_code=201)


@router.post("/quan-tri/khoa-api/{client_id}/thu-hoi", dependencies=[CsrfChecked])
def revoke_api_key(client_id: uuid.UUID, user: AdminUser, session: SessionDep) -> Response:
    client = auth_service.client_by_id(session, client_id)
    if client is None:
        raise NotFound(what="API key")
    orgs.require_manageable(session, user.principal, client.organisation_id)
    auth_service.revoke_api_key(session, client, user.principal)
    return RedirectResponse("/quan-tri/khoa-api", status_code=303)


@router.get("/quan-tri/ho-so")
def profiles(request: Request, user: AdminUser) -> Response:
    return render(request, "admin/profiles.html", {"profiles": sorted(default_profiles().values(),
                                                                       key=lambda p: p.name)})


@router.get("/quan-tri/webhook")
def webhooks(request: Request, user: AdminUser, session: SessionDep, khoa: uuid.UUID | None = None) -> Response:
    """API clients of the subtree; for the chosen one, its subscriptions with their latest deliveries."""
    clients = auth_service.list_clients(session, user.principal.organisation_path)
    chosen = next((c for c in clients if c.id == khoa), None) if khoa else None
    overview = webhooks_service.client_overview(session, user.principal, chosen.id, DELIVERY_LOG_LIMIT) \
        if chosen else None
    return render(request, "admin/webhooks.html", {"clients": clients, "chosen": chosen, "overview": overview})
