from __future__ import annotations

import unicodedata
import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.http.deps import AdminPrincipal, CurrentPrincipal, SessionDep
from service.identity.principal import require_national_admin
from service.models import VocabularyTerm
from service.vocab import repository
from service.vocab import service as vocab

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


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


class TermCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vocabulary: str = Field(min_length=1, max_length=32)
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    label_vi: str = Field(min_length=1, max_length=300)
    label_en: str = Field(min_length=1, max_length=300)
    parent_code: str | None = None

    _clean = field_validator("label_vi", "label_en", mode="before")(_nfc)


class TermPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label_vi: str | None = Field(default=None, min_length=1, max_length=300)
    label_en: str | None = Field(default=None, min_length=1, max_length=300)
    parent_code: str | None = None
    position: int | None = Field(default=None, ge=0)

    _clean = field_validator("label_vi", "label_en", mode="before")(_nfc)


def _out(t: VocabularyTerm) -> TermOut:
    return TermOut(id=t.id, vocabulary=t.vocabulary, code=t.code, label_vi=t.label_vi, label_en=t.label_en,
                   parent_id=t.parent_id, retired=t.retired_at is not None)


@router.post("", response_model=TermOut, status_code=201)
def create_term(body: TermCreate, principal: AdminPrincipal, session: SessionDep) -> TermOut:
    require_national_admin(principal)
    return _out(vocab.create_term(session, principal, vocabulary=body.vocabulary, code=body.code,
                                  label_vi=body.label_vi, label_en=body.label_en, parent_code=body.parent_code))


@router.patch("/{term_id}", response_model=TermOut)
def edit_term(term_id: uuid.UUID, body: TermPatch, principal: AdminPrincipal, session: SessionDep) -> TermOut:
    require_national_admin(principal)
    return _out(vocab.edit_term(session, principal, term_id, body.model_dump(exclude_unset=True)))


@router.post("/{term_id}/retire", response_model=TermOut)
def retire_term(term_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep) -> TermOut:
    require_national_admin(principal)
    return _out(vocab.set_retired(session, principal, term_id, True))


@router.post("/{term_id}/restore", response_model=TermOut)
def restore_term(term_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep) -> TermOut:
    require_national_admin(principal)
    return _out(vocab.set_retired(session, principal, term_id, False))
