"""Old and short forms of public URLs redirect to the canonical ones (service/http/urls.py), and
vocabulary terms named in ninjs `subjects` and feed categories resolve to their labels."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import RedirectResponse

from service.core.errors import NotFound
from service.http import urls
from service.http.deps import SessionDep
from service.vocab import repository as vocab_repo

router = APIRouter(tags=["links"])


class TermOut(BaseModel):
    uri: str
    vocabulary: str
    code: str
    label_vi: str
    label_en: str
    retired: bool


@router.get("/assets/{asset_id}", include_in_schema=False)
def asset_redirect(asset_id: uuid.UUID) -> RedirectResponse:
    return RedirectResponse(urls.asset_page(asset_id), status_code=301)


@router.get("/kits/{slug}", include_in_schema=False)
def kit_redirect(slug: str) -> RedirectResponse:
    return RedirectResponse(urls.kit_page(slug), status_code=301)


@router.get("/vocab/{vocabulary}", response_model=list[TermOut], summary="The terms of one vocabulary (public)")
def vocabulary_terms(vocabulary: str, session: SessionDep) -> list[TermOut]:
    terms = vocab_repo.list_terms(session, vocabulary)
    if not terms:
        raise NotFound(what="bộ từ vựng / vocabulary")
    return [_term(t.vocabulary, t.code, t.label_vi, t.label_en, t.retired_at is not None) for t in terms]


@router.get("/vocab/{vocabulary}/{code}", response_model=TermOut, summary="One vocabulary term (public)")
def vocabulary_term(vocabulary: str, code: str, session: SessionDep) -> TermOut:
    t = vocab_repo.by_code(session, vocabulary, code)
    if t is None:
        raise NotFound(what="thuật ngữ / term")
    return _term(t.vocabulary, t.code, t.label_vi, t.label_en, t.retired_at is not None)


def _term(vocabulary: str, code: str, label_vi: str, label_en: str, retired: bool) -> TermOut:
    return TermOut(uri=urls.term(vocabulary, code), vocabulary=vocabulary, code=code, label_vi=label_vi,
                   label_en=label_en, retired=retired)
