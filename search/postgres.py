"""`SearchIndex` on PostgreSQL: the engine for several API and worker hosts sharing the service's database.

Documents live in the engine's own table (postgres_schema), analysed by the project's Vietnamese analyser
into a `tsvector` with a GIN index; typo candidates come from a vocabulary table with a `pg_trgm` index
plus the one-edit variants of short words; facets are counted by SQL. A write is committed when `upsert`
returns, so every host sees it on its next search. Relevance pages use offsets (there is no snapshot to
pin across hosts); sorted pages use keyset cursors on unique numeric keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from search import cursor as cursors
from search.highlight import Highlighter
from search.postgres_filters import Params, check_filters, facets_sql, filters_sql, visibility_sql
from search.postgres_query import PlanBuilder, TextPlan, distance, edits1, lookup_words, max_edits
from search.postgres_rebuild import note_sql, rebuild, shadow, writer_key
from search.postgres_schema import (
    GLUED,
    LAYOUT,
    check_name,
    ddl,
    drop_sql,
    sorted_terms,
    to_row,
    upsert_sql,
    vocabulary_sql,
)
from search.query import ParsedQuery, parse_query
from search.synonyms import SynonymTable, default_synonyms
from search.types import FACET_FIELDS, Health, SearchDocument, SearchHit, SearchQuery, SearchResult, Visibility
from search.vietnamese import fold, nfc, syllables, telex_decode

BATCH = 500
SORT_KEY = {"newest": "k_new", "downloads": "k_dl"}
# ts_rank weights of the D, C, B, A classes: unused, extracted text (OCR, Q&A, captions), body, title.
WEIGHTS = "{0.2, 0.3, 0.5, 1.0}"
VARIANTS_PER_WORD = 8
EXACT_BONUS = 0.25
# No JIT: compiling a plan over tens of thousands of matches costs more than running it. A work_mem in
# which ranking and counting the matches of a common word stay in memory (the default 4 MB spilled them).
OPTIONS = "-c enable_seqscan=off -c jit=off -c work_mem=64MB"
RANK_CANDIDATES = 600  # matches ranked on the whole document; the rest only on their title


def engine_url(url: str) -> str:
    """The service's database URL with the psycopg 3 driver, whatever spelling it came in."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


class PostgresIndex:
    engine = "postgres"

    def __init__(self, url: str, *, table: str = "search_documents", synonyms: SynonymTable | None = None,
                 pool_size: int = 4) -> None:
        self.table = check_name(table)
        self.synonyms = synonyms or default_synonyms()
        # No sequential scans on the engine's own connections: the planner prices `doc @@ query` as cheap,
        # but on a row it detoasts the whole out-of-line vector, while the GIN index answers it exactly
        # (no recheck); with a common word the "cheaper" scan read every document and took seconds.
        self.db = sa.create_engine(engine_url(url), pool_size=pool_size, max_overflow=pool_size * 2,
                                   pool_pre_ping=True, connect_args={"options": OPTIONS})
        self.dropped_layout = self._open()

    # --- opening ---------------------------------------------------------------------------------------

    def _open(self) -> bool:
        """Creates the tables when missing; drops and recreates them when they hold another layout. Several
        hosts open at once: an advisory lock makes one of them do it."""
        t = self.table
        with self.db.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"kho-search:{t}"})
            found = conn.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL, "
                                         "obj_description(to_regclass(:t), 'pg_class')"), {"t": t}).one()
            if found[0] and found[1] == LAYOUT:
                return False
            for stmt in (drop_sql(t) if found[0] else []) + ddl(t):
                conn.execute(sa.text(stmt))
            return bool(found[0])

    def take_dropped_layout(self) -> bool:
        dropped, self.dropped_layout = self.dropped_layout, False
        return dropped

    def drop(self) -> None:
        """Remove the engine's tables (tests and benches that made their own)."""
        with self.db.begin() as conn:
            for stmt in drop_sql(self.table):
                conn.execute(sa.text(stmt))

    def close(self) -> None:
        self.db.dispose()

    # --- writes ----------------------------------------------------------------------------------------

    def upsert(self, docs: Iterable[SearchDocument]) -> int:
        n = 0
        batch: list[SearchDocument] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) == BATCH:
                n += self._write(batch)
                batch = []
        return n + (self._write(batch) if batch else 0)

    def _write(self, docs: list[SearchDocument]) -> int:
        vocabulary: set[str] = set()
        # The last version of a repeated id wins; rows in id order so concurrent writers lock alike.
        rows = sorted({d.id: to_row(d, self.synonyms, vocabulary) for d in docs}.items())
        with self.db.begin() as conn:
            rebuilding = self._note(conn, [i for i, _ in rows])
            conn.execute(sa.text(vocabulary_sql(self.table)), {"terms": sorted_terms(vocabulary)})
            if rebuilding:  # the new vocabulary must know these words too
                conn.execute(sa.text(vocabulary_sql(shadow(self.table))), {"terms": sorted_terms(vocabulary)})
            conn.execute(sa.text(upsert_sql(self.table)), [row for _, row in rows])
        return len(docs)

    def _note(self, conn: Connection, ids: list[str]) -> bool:
        """Within a write: when a rebuild runs (on any host), note the ids so its swap carries them over."""
        lock, present, note = note_sql(self.table)
        conn.execute(sa.text(lock), {"k": writer_key(self.table)})
        if not conn.execute(sa.text(present)).scalar_one():
            return False
        conn.execute(sa.text(note), {"ids": ids})
        return True

    def rebuild(self, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        """Replaces the whole index by `docs` (search.postgres_rebuild): searches meanwhile are served by
        the old index, complete, until the new one is swapped in at once."""
        return rebuild(self.db, self.table, docs, self.synonyms, progress)

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with self.db.begin() as conn:
                self._note(conn, sorted(set(ids)))
                conn.execute(sa.text(f"DELETE FROM {self.table} WHERE id = ANY(CAST(:ids AS text[]))"),
                             {"ids": sorted(set(ids))})

    def clear(self) -> None:
        with self.db.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {self.table}, {self.table}_terms"))

    # --- plain reads -----------------------------------------------------------------------------------

    def count(self) -> int:
        with self.db.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM {self.table}")).scalar_one())

    def ids(self) -> set[str]:
        with self.db.connect() as conn:
            return set(conn.execute(sa.text(f"SELECT id FROM {self.table}")).scalars())

    def health(self) -> Health:
        try:
            docs = self.count()
        except sa.exc.SQLAlchemyError as exc:
            return Health(ok=False, engine=self.engine, detail=f"{type(exc).__name__}: {exc}"[:300])
        return Health(ok=True, engine=self.engine, documents=docs, detail=f"PostgreSQL table {self.table}")

    # --- vocabulary ------------------------------------------------------------------------------------

    def _known(self, conn: Connection, q: str) -> set[str]:
        """Which folded syllables of the query (as typed, and as Telex leftovers decoded) the index holds."""
        words = set()
        for token in syllables(nfc(q)):
            words.add(fold(token))
            decoded = telex_decode(token)
            if decoded:
                words.add(fold(decoded))
        if not words:
            return set()
        found = conn.execute(sa.text(f"SELECT term FROM {self.table}_terms WHERE term = ANY(CAST(:w AS text[]))"),
                             {"w": sorted(words)}).scalars()
        return set(found)

    def _variants(self, conn: Connection, words: list[str]) -> dict[str, list[str]]:
        """Each word → itself when the vocabulary holds it, else the vocabulary words a typo away: one-edit
        variants by exact lookup (short syllables share too few trigrams) and pg_trgm's similar words."""
        if not words:
            return {}
        # Glued pairs are long enough for trigrams; a syllable's variants are few (~200) and exact.
        candidates = sorted({v for w in words if not w.startswith(GLUED) for v in edits1(w)} | set(words))
        rows = conn.execute(sa.text(
            f"SELECT term FROM {self.table}_terms WHERE term = ANY(CAST(:c AS text[])) UNION "
            f"SELECT t.term FROM unnest(CAST(:w AS text[])) AS w(word) "
            f"JOIN {self.table}_terms t ON t.term % w.word"),
            {"c": candidates, "w": [w for w in words if w.startswith(GLUED) and max_edits(w)]}).scalars()
        found = set(rows)
        out: dict[str, list[str]] = {}
        for word in words:
            if word in found:
                out[word] = [word]
                continue
            glued = word.startswith(GLUED)
            close = sorted((distance(word, f), f) for f in found if f.startswith(GLUED) == glued)
            out[word] = [f for d, f in close if 0 < d <= max_edits(word)][:VARIANTS_PER_WORD]
        return out

    # --- search ----------------------------------------------------------------------------------------

    def _parse(self, conn: Connection, q: str, prefix: bool) -> _Parsed:
        known = self._known(conn, q)
        return _Parsed(parse_query(q, known=known.__contains__, synonyms=self.synonyms, prefix=prefix), known)

    def _plan(self, conn: Connection, parsed: _Parsed, mode: str) -> TextPlan | None:
        variants = self._variants(conn, lookup_words(parsed.query, parsed.known)) if mode != "strict" else {}
        return PlanBuilder(parsed.query, variants).plan(mode)

    def search(self, query: SearchQuery) -> SearchResult:
        cur = cursors.decode(query.cursor, query) if query.cursor else None
        check_filters(query.filters)
        with self.db.connect() as conn:
            parsed = self._parse(conn, query.q, query.prefix)
            if cur is not None:
                mode = cur.mode or "loose"
                page = self._page(conn, query, self._plan(conn, parsed, mode), cur)
                return self._finish(conn, query, parsed, page, mode)
            plan = self._plan(conn, parsed, "strict")
            if plan is None:
                return self._finish(conn, query, parsed, self._page(conn, query, None, None), "strict")
            page = self._page(conn, query, plan, None)
            if page.total >= _limit(query):
                return self._finish(conn, query, parsed, page, "strict")
            page = self._page(conn, query, self._plan(conn, parsed, "loose"), None)
            if page.total == 0 and len(parsed.query.content_terms()) > 1:
                page = self._page(conn, query, self._plan(conn, parsed, "relaxed"), None)
                return self._finish(conn, query, parsed, page, "relaxed")
            return self._finish(conn, query, parsed, page, "loose")

    def _where(self, plan: TextPlan | None, query: SearchQuery, params: Params, facets: bool = False) -> str:
        parts = [visibility_sql(query.visibility, params)]
        if plan is not None:
            parts.append(_match_sql(plan, params))
        if not facets:
            parts += filters_sql(query.filters, params)
        return " AND ".join(parts)

    def _page(self, conn: Connection, query: SearchQuery, plan: TextPlan | None,
              cur: cursors.Cursor | None) -> _Page:
        params = Params()
        where = self._where(plan, query, params)
        limit = _limit(query)
        t = self.table
        if plan is not None and query.sort == "relevance":
            offset = cur.offset if cur else 0
            # Two passes: every match is ranked on its title vector (small, in the row), the best
            # candidates on the whole document (out of line); a page past them widens the first pass.
            # The matches are held narrow (id, keys) and in memory, counted and sorted from there: a window
            # count over the scan made the planner sort every whole row before taking the best.
            cap = params.add(max(RANK_CANDIDATES, offset + limit))
            total_sql = "(SELECT count(*) FROM m)" if cur is None else params.add(cur.total)
            sql = (f"WITH m AS MATERIALIZED (SELECT id, k_new, {_score_sql(plan, params, 'title_doc')} AS pre "
                   f"FROM {t} WHERE {where}), "
                   f"cand AS (SELECT id FROM m ORDER BY pre DESC, k_new DESC, id LIMIT {cap}) "
                   f"SELECT d.id, d.title, d.summary, {_score_sql(plan, params, 'd.doc')} AS score, "
                   f"{total_sql} AS total "
                   f"FROM cand JOIN {t} d ON d.id = cand.id ORDER BY score DESC, d.k_new DESC, d.id "
                   f"LIMIT {params.add(limit)} OFFSET {params.add(offset)}")
            rows = conn.execute(sa.text(sql), params).all()
            total = int(rows[0].total) if rows else (cur.total if cur else 0)
            nxt = None
            if offset + len(rows) < total:
                nxt = cursors.encode(cursors.Cursor(cursors.fingerprint(query), offset + len(rows), total=total))
            return _Page(plan, [(r.id, r.title, r.summary, float(r.score)) for r in rows], total, nxt)
        key = SORT_KEY.get(query.sort, "k_new")
        seen = list(cur.seen) if cur else []
        if cur is not None and cur.last_key is not None:
            where += (f" AND {key} <= {params.add(cur.last_key)}"
                      f" AND NOT ({key} = {params.add(cur.last_key)} AND id = ANY(CAST({params.add(seen)} AS text[])))")
        # The matches first (a narrow set in memory the planner fills from the GIN index), then the
        # order: a walk down the sort key's index would test `doc @@ query` row by row, reading every
        # vector. Without text the walk down the index is right and stops at the page; the count apart.
        if plan is not None:
            total_sql = "(SELECT count(*) FROM m)" if cur is None else "0"
            sql = (f"WITH m AS MATERIALIZED (SELECT id, {key} AS k FROM {t} WHERE {where}), "
                   f"p AS (SELECT id, k FROM m ORDER BY k DESC, id LIMIT {params.add(limit + 1)}) "
                   f"SELECT p.id, d.title, d.summary, p.k, {total_sql} AS total FROM p JOIN {t} d ON d.id = p.id "
                   f"ORDER BY p.k DESC, p.id")
        else:
            total_sql = f"(SELECT count(*) FROM {t} WHERE {where})" if cur is None else "0"
            sql = (f"SELECT id, title, summary, {key} AS k, {total_sql} AS total FROM {t} WHERE {where} "
                   f"ORDER BY {key} DESC, id LIMIT {params.add(limit + 1)}")
        rows = conn.execute(sa.text(sql), params).all()
        total = (int(rows[0].total) if rows else 0) if cur is None else cur.total
        page, more = rows[:limit], len(rows) > limit
        nxt = None
        if page and more:
            last = int(page[-1].k)
            same = [r.id for r in page if int(r.k) == last]
            if cur is not None and cur.last_key == last:
                same += seen
            nxt = cursors.encode(cursors.Cursor(cursors.fingerprint(query), 0, "", last, same, total))
        return _Page(plan, [(r.id, r.title, r.summary, float(r.k)) for r in page], total, nxt)

    def _finish(self, conn: Connection, query: SearchQuery, parsed: _Parsed, page: _Page,
                mode: str) -> SearchResult:
        nxt = cursors.with_mode(page.next_cursor, mode) if page.next_cursor is not None else None
        facets = self._facets(conn, query, page.plan) if query.facets else {}
        return SearchResult(hits=self._hits(parsed.query, page.rows), total=page.total, facets=facets,
                            next_cursor=nxt)

    def _facets(self, conn: Connection, query: SearchQuery, plan: TextPlan | None) -> dict[str, dict[str, int]]:
        params = Params()
        where = self._where(plan, query, params, facets=True)
        out: dict[str, dict[str, int]] = {f: {} for f in FACET_FIELDS}
        for pair, n in conn.execute(sa.text(facets_sql(self.table, where, query.filters, params)), params):
            facet, value = str(pair).split("=", 1)
            out[facet][value] = int(n)
        return out

    def _hits(self, parsed: ParsedQuery, rows: list[tuple[str, str, str, float]]) -> list[SearchHit]:
        last = next((t.folded for t in parsed.terms if t.last), None)
        hl = Highlighter(parsed.highlight_terms(), prefix=last, fuzzy=[t.folded for t in parsed.content_terms()])
        return [SearchHit(i, score, hl.mark(title), hl.fragment(summary)) for i, title, summary, score in rows]

    def suggest(self, prefix: str, visibility: Visibility, limit: int = 8) -> list[str]:
        query = SearchQuery(q=prefix, visibility=visibility, limit=limit * 2, facets=False)
        with self.db.connect() as conn:
            parsed = self._parse(conn, prefix, True)
            plan = self._plan(conn, parsed, "loose")
            if plan is None:
                return []
            titles = [title for _, title, _, _ in self._page(conn, query, plan, None).rows]
        return list(dict.fromkeys(t for t in titles if t))[:limit]


@dataclass
class _Parsed:
    query: ParsedQuery
    known: set[str]  # folded syllables of the query the vocabulary holds


class _Page:
    def __init__(self, plan: TextPlan | None, rows: list[tuple[str, str, str, float]], total: int,
                 next_cursor: str | None) -> None:
        self.plan, self.rows, self.total, self.next_cursor = plan, rows, total, next_cursor


def _limit(query: SearchQuery) -> int:
    return max(1, min(query.limit, 200))


def _match_sql(plan: TextPlan, params: Params) -> str:
    """The GIN-indexed match, and for long relaxed queries the count of units each candidate holds."""
    sql = f"doc @@ CAST({params.add(plan.match())} AS tsquery)"
    if not plan.exact:
        sql += (f" AND (SELECT count(*) FROM unnest(CAST({params.add(plan.units)} AS tsquery[])) AS u(q) "
                f"WHERE doc @@ u.q) >= {params.add(plan.need)}")
    return sql


def _score_sql(plan: TextPlan, params: Params, column: str) -> str:
    """`ts_rank` of `column` over the ranking lexemes, plus a bonus for the syllables typed with their marks.
    The glued pairs and synonym tags rank with the words (each call walks the vector); the exact forms
    apart, so that typing marks reorders only documents that differ in them."""
    weights = params.add(WEIGHTS)
    words = " | ".join(f"({q})" for name, q in plan.rank.items() if name != "exact")
    score = f"ts_rank(CAST({weights} AS real[]), {column}, CAST({params.add(words)} AS tsquery))"
    if "exact" in plan.rank:
        score += (f" + {EXACT_BONUS} * ts_rank(CAST({weights} AS real[]), {column}, "
                  f"CAST({params.add(plan.rank['exact'])} AS tsquery))")
    return score
