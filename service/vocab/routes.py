from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel

from service.deps import CurrentPrincipal, SessionDep
from service.vocab import repository

router = APIRouter(prefix="/api/v1/vocabularies", tags=["vocabularies"])


class TermOut(BaseModel):
    id: uuid.UUID
    vocabulary: str
    code: str
    label_vi: str
    label_en: str
    parent_id: uuid.UUID | None
    retired: bool


@router.get("", response_model=list[TermOut])
def list_terms(principal: CurrentPrincipal, session: SessionDep, vocabulary: str | None = None) -> list[TermOut]:
    return [TermOut(id=t.id, vocabulary=t.vocabulary, code=t.code, label_vi=t.label_vi, label_en=t.label_en,
                    parent_id=t.parent_id, retired=t.retired_at is not None)
            for t in repository.list_terms(session, vocabulary)]
