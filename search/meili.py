"""`SearchIndex` on Meilisearch (the engine at scale), through the official `meilisearch` client.

Every write waits for its task, so a returned upsert is searchable — the same contract as the embedded
engine. Sorted pages use keyset cursors expressed as filters (`published_ts < k OR (= k AND id > last)`);
relevance pages use offsets (Meilisearch has no snapshots). Newsroom/search keys are tenant tokens carrying
the caller's visibility filter (`tenant_token`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import meilisearch
from meilisearch.errors import MeilisearchApiError, MeilisearchError

from search import cursor as cursors
from search.highlight import Highlighter
from search.meili_docs import FACET_ATTRS, SORTS, filter_expression, settings, to_meili, visibility_filter
from search.protocol import refill
from search.query import ParsedQuery, parse_query
from search.synonyms import SynonymTable, default_synonyms
from search.types import Health, SearchDocument, SearchHit, SearchQuery, SearchResult, Visibility

BATCH = 5_000


class MeiliIndex:
    engine = "meilisearch"

    def __init__(self, url: str, api_key: str | None = None, *, index_uid: str = "assets",
                 synonyms: SynonymTable | None = None, timeout_ms: int = 60_000) -> None:
        self.client = meilisearch.Client(url, api_key)
        self.uid = index_uid
        self.synonyms = synonyms or default_synonyms()
        self.timeout_ms = timeout_ms
        self._ready = False

    # --- plumbing ----------------------------------------------------------------------------------------

    def _wait(self, task: Any) -> None:
        done = self.client.wait_for_task(task.task_uid, timeout_in_ms=self.timeout_ms)
        if done.status != "succeeded":
            raise MeilisearchError(f"task {task.task_uid} {done.status}: {done.error}")

    @property
    def index(self) -> Any:
        if not self._ready:
            try:
                self.client.get_index(self.uid)
            except MeilisearchApiError:
                self._wait(self.client.create_index(self.uid, {"primaryKey": "id"}))
            self._wait(self.client.index(self.uid).update_settings(settings(self.synonyms)))
            self._ready = True
        return self.client.index(self.uid)

    # --- writes ------------------------------------------------------------------------------------------

    def upsert(self, docs: Iterable[SearchDocument]) -> int:
        batch: list[dict[str, Any]] = []
        n = 0
        for doc in docs:
            batch.append(to_meili(doc))
            if len(batch) == BATCH:
                self._wait(self.index.add_documents(batch, primary_key="id"))
                n, batch = n + len(batch), []
        if batch:
            self._wait(self.index.add_documents(batch, primary_key="id"))
            n += len(batch)
        return n

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._wait(self.index.delete_documents(list(ids)))

    def rebuild(self, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        return refill(self, docs, progress)

    def clear(self) -> None:
        self._wait(self.index.delete_all_documents())

    def drop(self) -> None:
        self._wait(self.client.delete_index(self.uid))
        self._ready = False

    def take_dropped_layout(self) -> bool:
        return False  # the server keeps its documents across our upgrades

    def close(self) -> None:
        """Nothing to release: the client holds no open resources between requests."""

    # --- reads -------------------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.index.get_stats().number_of_documents)

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            page = self.index.get_documents({"fields": ["id"], "limit": 10_000, "offset": offset})
            out.update(str(d.id) for d in page.results)
            offset += len(page.results)
            if not page.results or offset >= page.total:
                return out

    def health(self) -> Health:
        try:
            status = self.client.health().get("status", "")
            docs = self.count()
        except (MeilisearchError, OSError) as exc:
            return Health(ok=False, engine=self.engine, detail=f"{type(exc).__name__}: {exc}")
        return Health(ok=status == "available", engine=self.engine, documents=docs,
                      detail=f"index {self.uid}")

    def _params(self, query: SearchQuery, extra: str | None, limit: int) -> dict[str, Any]:
        params: dict[str, Any] = {
            "filter": filter_expression(query.filters, query.visibility, extra=extra), "limit": limit,
            "attributesToRetrieve": ["id", "title", "summary", "k_new", "k_dl"],
            "matchingStrategy": "frequency", "showRankingScore": True,
        }
        if query.sort in SORTS or not query.q.strip():
            params["sort"] = [f"{SORTS.get(query.sort, 'k_new')}:desc"]
        return params

    def search(self, query: SearchQuery) -> SearchResult:
        cur = cursors.decode(query.cursor, query) if query.cursor else None
        parsed = parse_query(query.q, synonyms=self.synonyms, prefix=query.prefix)
        limit = max(1, min(query.limit, 200))
        keyset = query.sort in SORTS or not query.q.strip()
        attr = SORTS.get(query.sort, "k_new")
        extra = _keyset_filter(attr, cur) if keyset and cur else None
        params = self._params(query, extra, limit + 1)
        if not keyset:
            params["offset"] = cur.offset if cur else 0
        res = self.index.search(parsed.text(), params)
        rows = res["hits"]
        more = len(rows) > limit
        rows = rows[:limit]
        total = int(res.get("estimatedTotalHits", res.get("totalHits", 0))) if cur is None else cur.total
        nxt = None
        if more and rows:
            fp = cursors.fingerprint(query)
            if keyset:
                key = int(rows[-1][attr])
                same = [str(r["id"]) for r in rows if int(r[attr]) == key]
                if cur is not None and cur.last_key == key:
                    same += cur.seen
                c = cursors.Cursor(fp, 0, "", key, same, total)
            else:
                c = cursors.Cursor(fp, (cur.offset if cur else 0) + len(rows), total=total)
            nxt = cursors.encode(c)
        hits = self._hits(rows, parsed)
        facets = self._facets(parsed, query) if query.facets else {}
        return SearchResult(hits=hits, total=total, facets=facets, next_cursor=nxt)

    def _hits(self, rows: list[dict[str, Any]], parsed: ParsedQuery) -> list[SearchHit]:
        last = next((t.folded for t in parsed.terms if t.last), None)
        fuzzy = [t.folded for t in parsed.content_terms()]
        hl = Highlighter(parsed.highlight_terms(), prefix=last, fuzzy=fuzzy)
        return [SearchHit(str(r["id"]), float(r.get("_rankingScore", 0.0)), hl.mark(r.get("title", "")),
                          hl.fragment(r.get("summary", ""))) for r in rows]

    def _facets(self, parsed: ParsedQuery, query: SearchQuery) -> dict[str, dict[str, int]]:
        """Facet counts; a facet with an active filter is counted without its own filter (multi-search)."""
        active = [f for f in FACET_ATTRS if query.filters.get(f)]
        requests = [{"indexUid": self.uid, "q": parsed.text(), "limit": 0, "matchingStrategy": "frequency",
                     "filter": filter_expression(query.filters, query.visibility),
                     "facets": [FACET_ATTRS[f] for f in FACET_ATTRS if f not in active]}]
        requests += [{"indexUid": self.uid, "q": parsed.text(), "limit": 0, "matchingStrategy": "frequency",
                      "filter": filter_expression(query.filters, query.visibility, skip=f),
                      "facets": [FACET_ATTRS[f]]} for f in active]
        out: dict[str, dict[str, int]] = {}
        for result in self.client.multi_search(requests)["results"]:
            for attr, counts in (result.get("facetDistribution") or {}).items():
                out[attr] = {str(k): int(v) for k, v in counts.items()}
        return {f: out.get(FACET_ATTRS[f], {}) for f in FACET_ATTRS}

    def suggest(self, prefix: str, visibility: Visibility, limit: int = 8) -> list[str]:
        parsed = parse_query(prefix, synonyms=self.synonyms, prefix=True)
        if parsed.empty:
            return []
        res = self.index.search(parsed.text(), {"filter": visibility_filter(visibility), "limit": limit * 2,
                                                "attributesToRetrieve": ["title"]})
        return list(dict.fromkeys(h["title"] for h in res["hits"] if h.get("title")))[:limit]

    def tenant_token(self, api_key_uid: str, api_key: str, visibility: Visibility,
                     expires_at: dt.datetime | None = None) -> str:
        """A search-only token for newsroom/staff clients; Meilisearch enforces the visibility filter."""
        rules = {self.uid: {"filter": visibility_filter(visibility)}}
        token = self.client.generate_tenant_token(api_key_uid, rules, api_key=api_key, expires_at=expires_at)
        return str(token)


def _keyset_filter(attr: str, cur: cursors.Cursor) -> str | None:
    """Everything at or below the last key, minus what was already returned with exactly that key."""
    if cur.last_key is None:
        return None
    seen = ", ".join(json.dumps(i, ensure_ascii=False) for i in cur.seen)
    return f"{attr} <= {cur.last_key}" + (f" AND id NOT IN [{seen}]" if seen else "")
