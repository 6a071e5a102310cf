"""`/api/v1/notifications`: my notifications, unread count, mark read, e-mail preferences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.http.deps import SessionDep, UserPrincipal
from service.notifications import kinds
from service.notifications import service as notifications
from service.notifications.schemas import (
    MarkReadIn,
    MarkReadOut,
    NotificationList,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
)

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("", response_model=NotificationList, summary="My notifications, newest first, with the unread count")
def list_mine(principal: UserPrincipal, session: SessionDep, unread: bool = False,
              limit: Annotated[int, Query(ge=1, le=200)] = 50) -> NotificationList:
    assert principal.user_id is not None
    rows = notifications.list_for(session, principal.user_id, unread_only=unread, limit=limit)
    return NotificationList(unread=notifications.unread_count(session, principal.user_id),
                            items=[NotificationOut.model_validate(r, from_attributes=True) for r in rows])


@router.post("/read", response_model=MarkReadOut, summary="Mark some (ids) or all of my notifications read")
def mark_read(body: MarkReadIn, principal: UserPrincipal, session: SessionDep) -> MarkReadOut:
    assert principal.user_id is not None
    marked = notifications.mark_read(session, principal.user_id, body.ids)
    return MarkReadOut(marked=marked, unread=notifications.unread_count(session, principal.user_id))


@router.get("/preferences", response_model=PreferencesOut)
def get_preferences(principal: UserPrincipal, session: SessionDep) -> PreferencesOut:
    assert principal.user_id is not None
    return PreferencesOut(modes=notifications.preferences(session, principal.user_id),
                          mandatory=sorted(kinds.MANDATORY))


@router.put("/preferences", response_model=PreferencesOut,
            summary="Choose immediate / digest / off per kind (withdrawals and urgent rebuttals stay immediate)")
def put_preferences(body: PreferencesIn, principal: UserPrincipal, session: SessionDep) -> PreferencesOut:
    assert principal.user_id is not None
    modes = notifications.set_preferences(session, principal.user_id, {str(k): str(v) for k, v in body.modes.items()})
    return PreferencesOut(modes=modes, mandatory=sorted(kinds.MANDATORY))
