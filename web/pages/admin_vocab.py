"""Vocabularies (national data, edited by admins of a top-level unit): add a term, edit its labels,
retire / restore it (service/vocab)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from service.core.errors import Forbidden, KhoError
from service.http.deps import SessionDep
from service.identity.principal import require_national_admin
from service.models.vocab import VOCABULARIES
from service.vocab import service as vocab
from service.vocab.routes import TermCreate, TermPatch
from web.forms import message, validated
from web.present import vocabulary_terms
from web.render import render
from web.routing import page_router
from web.session import AdminUser, CsrfChecked

router = page_router()


def _may_edit(user: AdminUser) -> bool:
    try:
        require_national_admin(user.principal)
    except Forbidden:
        return False
    return True


def _page(request: Request, user: AdminUser, session: SessionDep, *, error: str | None = None,
          status_code: int = 200) -> Response:
    return render(request, "admin/vocab.html", {"terms": vocabulary_terms(session), "vocabularies": VOCABULARIES,
                                                "can_edit": _may_edit(user), "error": error},
                  status_code=status_code)


@router.get("/quan-tri/tu-vung")
def vocabularies(request: Request, user: AdminUser, session: SessionDep) -> Response:
    return _page(request, user, session)


@router.post("/quan-tri/tu-vung", dependencies=[CsrfChecked])
def create_term(request: Request, user: AdminUser, session: SessionDep,
                vocabulary: Annotated[str, Form(max_length=32)], code: Annotated[str, Form(max_length=64)],
                label_vi: Annotated[str, Form(max_length=300)], label_en: Annotated[str, Form(max_length=300)]
                ) -> Response:
    require_national_admin(user.principal)
    try:
        body = validated(TermCreate, vocabulary=vocabulary, code=code.strip(), label_vi=label_vi, label_en=label_en)
        vocab.create_term(session, user.principal, vocabulary=body.vocabulary, code=body.code,
                          label_vi=body.label_vi, label_en=body.label_en)
    except KhoError as exc:
        return _page(request, user, session, error=message(request, exc), status_code=exc.status)
    return RedirectResponse("/quan-tri/tu-vung", status_code=303)


@router.get("/quan-tri/tu-vung/{term_id}")
def edit_term_page(term_id: uuid.UUID, request: Request, user: AdminUser, session: SessionDep) -> Response:
    require_national_admin(user.principal)
    return render(request, "admin/term_edit.html", {"term": vocab.get_term(session, term_id), "error": None})


@router.post("/quan-tri/tu-vung/{term_id}", dependencies=[CsrfChecked])
def edit_term(term_id: uuid.UUID, request: Request, user: AdminUser, session: SessionDep,
              label_vi: Annotated[str, Form(max_length=300)], label_en: Annotated[str, Form(max_length=300)]
              ) -> Response:
    require_national_admin(user.principal)
    try:
        patch = validated(TermPatch, label_vi=label_vi, label_en=label_en)
    except KhoError as exc:
        return render(request, "admin/term_edit.html", {"term": vocab.get_term(session, term_id),
                                                        "error": message(request, exc)}, status_code=exc.status)
    vocab.edit_term(session, user.principal, term_id, patch.model_dump(exclude_unset=True))
    return RedirectResponse("/quan-tri/tu-vung", status_code=303)


@router.post("/quan-tri/tu-vung/{term_id}/{action}", dependencies=[CsrfChecked])
def retire_or_restore(term_id: uuid.UUID, action: str, user: AdminUser, session: SessionDep) -> Response:
    require_national_admin(user.principal)
    if action not in ("ngung-dung", "dung-lai"):
        raise KhoError("not_found", status=404, what="thao tác / action")
    vocab.set_retired(session, user.principal, term_id, action == "ngung-dung")
    return RedirectResponse(f"/quan-tri/tu-vung#term-{term_id}", status_code=303)
