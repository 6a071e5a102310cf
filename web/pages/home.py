"""Home: the search box with suggestions, the facet sidebar and result cards."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import JSONResponse, Response

from search.query import cut_query
from service.http.deps import RuntimeDep, SessionDep
from web.present import FACET_VOCABS, labels_for
from web.render import lang_of, render
from web.routing import page_router
from web.search_view import run_search, suggestions
from web.session import RequiredUser

router = page_router()
Multi = Annotated[list[str] | None, Query(max_length=20)]


def _clean(values: list[str] | None) -> list[str]:
    return [unicodedata.normalize("NFC", v)[:64] for v in (values or []) if v]


@router.get("/")
def home(request: Request, user: RequiredUser, session: SessionDep, rt: RuntimeDep,
         q: str = "", kind: Multi = None, topic: Multi = None,
         audience: Multi = None, level: Multi = None, channel: Multi = None, cursor: str | None = None) -> Response:
    q = cut_query(q).strip()  # a pasted paragraph is searched by its beginning
    filters = {"kind": _clean(kind), "topic": _clean(topic), "audience": _clean(audience),
               "level": _clean(level), "channel": _clean(channel)}
    filters = {k: v for k, v in filters.items() if v}
    labels = labels_for(session, lang_of(request))
    view = run_search(session, rt, user.principal, q, filters, cursor, labels)
    return render(request, "home.html", {"q": q, "view": view, "facet_vocabs": FACET_VOCABS,
                                         "query_pairs": [(k, v) for k, vs in filters.items() for v in vs]})


@router.get("/goi-y")
def suggest(user: RequiredUser, rt: RuntimeDep, q: str = "") -> Response:
    prefix = cut_query(q)
    return JSONResponse({"suggestions": suggestions(rt.search_index, user.principal, prefix)},
                        headers={"Cache-Control": "private, max-age=30"})
