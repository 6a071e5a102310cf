"""Administration: organisations, users, API keys (shown once), vocabularies, profiles, webhooks."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.auth import repository as auth_repo
from service.auth import service as auth_service
from service.auth.service import CLIENT_SCOPES
from service.deps import SessionDep
from service.errors import KhoError, NotFound
from service.orgs import repository as orgs_repo
from service.orgs import service as orgs
from web import seams
from web.present import labels_for
from web.render import lang_of, not_ready, render
from web.routing import page_router
from web.session import AdminUser, CsrfChecked

router = page_router()


@router.get("/quan-tri")
def admin_home(request: Request, user: AdminUser) -> Response:
    return render(request, "admin/index.html", {})


@router.get("/quan-tri/don-vi")
def organisations(request: Request, user: AdminUser, session: SessionDep) -> Response:
    # SEAM (issue 5): creating/editing units goes through service/workflow's org admin once it lands.
    units = orgs_repo.subtree(session, user.principal.organisation_path)
    return render(request, "admin/orgs.html", {"units": units,
                                               "can_edit": seams.service_function(
                                                   "service.workflow.service", "create_organisation") is not None})


@router.get("/quan-tri/nguoi-dung")
def users(request: Request, user: AdminUser, session: SessionDep) -> Response:
    lister = seams.service_function("service.workflow.service", "list_users")
    listed = lister(session, user.principal) if lister else None
    return render(request, "admin/users.html", {"users": listed})


def _keys_page(request: Request, user: AdminUser, session: SessionDep, created: object = None,
               error: str | None = None, status_code: int = 200) -> Response:
    clients = auth_repo.list_clients(session, user.principal.organisation_path)
    units = orgs_repo.subtree(session, user.principal.organisation_path)
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
    client = auth_repo.client_by_id(session, client_id)
    if client is None:
        raise NotFound(what="API key")
    orgs.require_manageable(session, user.principal, client.organisation_id)
    auth_service.revoke_api_key(session, client, user.principal)
    return RedirectResponse("/quan-tri/khoa-api", status_code=303)


@router.get("/quan-tri/tu-vung")
def vocabularies(request: Request, user: AdminUser, session: SessionDep) -> Response:
    terms = seams.vocabulary_terms(session, include_retired=True)
    return render(request, "admin/vocab.html", {"terms": terms, "labels": labels_for(session, lang_of(request))})


@router.get("/quan-tri/ho-so")
def profiles(request: Request, user: AdminUser) -> Response:
    from transcoding.profiles import default_profiles

    return render(request, "admin/profiles.html", {"profiles": sorted(default_profiles().values(),
                                                                       key=lambda p: p.name)})


@router.get("/quan-tri/webhook")
def webhooks(request: Request, user: AdminUser) -> Response:
    """Subscriptions belong to API clients (service/webhooks manages them per key, through the API)."""
    if seams.webhooks() is None:
        return not_ready(request, "feature_webhooks")
    return render(request, "admin/webhooks.html", {})
