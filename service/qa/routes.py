"""Q&A set API: the items (and import report) of a version, and item-by-item editing.

Every edit answers with the new version it created (201 for an insert, 200 otherwise); that version
is re-processed (exports, rows, search text) by the usual job and needs review like any new version."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from service.http.deps import CurrentPrincipal, ProducerPrincipal, RuntimeDep, SessionDep
from service.qa import editing
from service.qa import service as qa
from service.qa.schemas import QaEditOut, QaItemIn, QaItemInsert, QaSetOut, ReorderIn

router = APIRouter(prefix="/api/v1", tags=["qa"])

Position = Annotated[int, Path(ge=1, le=100_000, description="1-based position of the item")]
EDIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "Only producers of the owner organisation and admins of its subtree edit"},
    404: {"description": "No such asset, or no item at that position"},
    409: {"description": "Not a Q&A set, nothing changed, or the asset/pending version is in review"},
    422: {"description": "The item breaks the model (problem names the position)"},
}


@router.get("/assets/{asset_id}/qa", response_model=QaSetOut)
def get_qa(asset_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep,
           version: Annotated[int | None, Query(ge=1, description="version number (workspace only)")] = None,
           ) -> QaSetOut:
    return qa.get_qa(session, principal, asset_id, version)


@router.put("/assets/{asset_id}/qa/items/{position}", response_model=QaEditOut,
            responses=EDIT_RESPONSES)
def update_item(asset_id: uuid.UUID, position: Position, body: QaItemIn, principal: ProducerPrincipal,
                session: SessionDep, rt: RuntimeDep) -> QaEditOut:
    return editing.update_item(session, rt.store, principal, asset_id, position, body)


@router.post("/assets/{asset_id}/qa/items", response_model=QaEditOut, status_code=201,
             responses=EDIT_RESPONSES)
def insert_item(asset_id: uuid.UUID, body: QaItemInsert, principal: ProducerPrincipal,
                session: SessionDep, rt: RuntimeDep) -> QaEditOut:
    return editing.insert_item(session, rt.store, principal, asset_id, body.position, body)


@router.delete("/assets/{asset_id}/qa/items/{position}", response_model=QaEditOut, responses=EDIT_RESPONSES)
def delete_item(asset_id: uuid.UUID, position: Position, principal: ProducerPrincipal,
                session: SessionDep, rt: RuntimeDep) -> QaEditOut:
    return editing.delete_item(session, rt.store, principal, asset_id, position)


@router.post("/assets/{asset_id}/qa/items:reorder", response_model=QaEditOut, responses=EDIT_RESPONSES)
def reorder_items(asset_id: uuid.UUID, body: ReorderIn, principal: ProducerPrincipal,
                  session: SessionDep, rt: RuntimeDep) -> QaEditOut:
    return editing.reorder_items(session, rt.store, principal, asset_id, body.order)
