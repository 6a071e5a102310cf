from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from service.auth import repository
from service.auth import service as auth_service
from service.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    MeResponse,
    TokenRequest,
    TokenResponse,
)
from service.core.errors import NotFound
from service.http.deps import AdminPrincipal, CurrentPrincipal, SessionDep
from service.orgs import service as orgs

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token", response_model=TokenResponse)
def create_token(body: TokenRequest, request: Request, session: SessionDep) -> TokenResponse:
    address = request.client.host if request.client else None
    user = auth_service.authenticate(session, body.email, body.password, address)
    issued = auth_service.issue_token(session, user, "bearer")
    return TokenResponse(access_token=issued.token, expires_at=issued.expires_at)


@router.get("/me", response_model=MeResponse)
def me(principal: CurrentPrincipal) -> MeResponse:
    return MeResponse(kind=principal.kind, id=principal.id, label=principal.label, role=principal.role,
                      organisation_id=principal.organisation_id, scopes=sorted(principal.scopes))


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=201)
def create_api_key(body: ApiKeyCreate, principal: AdminPrincipal, session: SessionDep) -> ApiKeyCreated:
    org_id = body.organisation_id or principal.organisation_id
    orgs.require_manageable(session, principal, org_id)
    created = auth_service.create_api_key(session, name=body.name, organisation_id=org_id, scopes=body.scopes,
                                          actor=principal, rate_limit_per_minute=body.rate_limit_per_minute)
    out = ApiKeyOut.model_validate(created.client, from_attributes=True)
    return ApiKeyCreated(**out.model_dump(), key=created.key)


@router.get("/api-keys", response_model=list[ApiKeyOut])
def list_api_keys(principal: AdminPrincipal, session: SessionDep) -> list[ApiKeyOut]:
    return [ApiKeyOut.model_validate(c, from_attributes=True)
            for c in repository.list_clients(session, principal.organisation_path)]


@router.delete("/api-keys/{client_id}", status_code=204)
def revoke_api_key(client_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep) -> None:
    client = repository.client_by_id(session, client_id)
    if not client:
        raise NotFound(what="API key")
    orgs.require_manageable(session, principal, client.organisation_id)
    auth_service.revoke_api_key(session, client, principal)
