from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from search.query import MAX_QUERY_CHARS
from service.assets import service as assets
from service.assets.schemas import AssetOut
from service.http.deps import ReadPrincipal, RuntimeDep, SessionDep
from service.indexing import service as search
from service.vocab.languages import require_supported

router = APIRouter(prefix="/api/v1/search", tags=["search"])
ListParam = Annotated[list[str] | None, Query()]
CUT = f"what was typed; a longer text is searched by its first {MAX_QUERY_CHARS} characters, cut at a word boundary"


class SearchHitOut(BaseModel):
    score: float
    title_html: str
    summary_html: str
    asset: AssetOut


class SearchOut(BaseModel):
    total: int
    items: list[SearchHitOut]
    facets: dict[str, dict[str, int]]
    next_cursor: str | None


@router.get("", response_model=SearchOut)
def search_assets(principal: ReadPrincipal, session: SessionDep, rt: RuntimeDep,
                  q: Annotated[str, Query(description=CUT)] = "",
                  kind: ListParam = None, topic: ListParam = None, audience: ListParam = None,
                  level: ListParam = None, channel: ListParam = None, profile: ListParam = None,
                  org: Annotated[list[uuid.UUID] | None, Query()] = None,
                  year: Annotated[list[int] | None, Query()] = None,
                  language: Annotated[list[str] | None, Query(max_length=35)] = None,
                  sort: Literal["relevance", "newest", "downloads"] = "relevance",
                  limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None) -> SearchOut:
    filters = {"kind": kind or [], "topic": topic or [], "audience": audience or [], "level": level or [],
               "channel": channel or [], "profile": profile or [], "org": [str(o) for o in org or []],
               "year": [str(y) for y in year or []],
               "language": [require_supported(code) for code in language or []]}
    page = search.search(session, rt.search_index, principal, q=q, filters=filters, sort=sort, limit=limit,
                         cursor=cursor)
    outs = assets.to_out(session, [a for _, a in page.hits])
    return SearchOut(total=page.total, facets=page.facets, next_cursor=page.next_cursor,
                     items=[SearchHitOut(score=h.score, title_html=h.title_html, summary_html=h.summary_html, asset=o)
                            for (h, _), o in zip(page.hits, outs, strict=True)])


@router.get("/suggest", response_model=list[str])
def suggest(principal: ReadPrincipal, rt: RuntimeDep, q: Annotated[str, Query(min_length=1, description=CUT)],
            limit: Annotated[int, Query(ge=1, le=20)] = 8) -> list[str]:
    return search.suggest(rt.search_index, principal, q, limit)
