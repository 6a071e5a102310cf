"""Adjacency: whether a document holds the query's words as typed, or only its syllables scattered.

Vietnamese words are runs of syllables, and a folded syllable stands in many words: "tuyen sinh" shares
its syllables with "Tuyên dương học sinh", "truyen thanh co so" with "tuyên truyền ... thành phố ... cơ
sở giáo dục". Matching syllables one by one finds those, and on a small result list they fill most of
the first page. A document is *adjacent* when

- every synonym span of the query stands in it as one of the group's phrases (its tag, or each phrase's
  glued pairs), not as its syllables anywhere, and
- at least half of the query's other pairs of neighbouring content syllables stand glued in it
  (`shingle`). Half, not all: without a dictionary a pair may be a word boundary ("truyền thông | Huế")
  that a relevant document need not repeat, whereas a scattered match keeps none or few of them.

The engine keeps only the adjacent documents whenever there is one: a scattered match is shown only when
nothing holds the words together. Single-word queries have no adjacency condition.
"""

from __future__ import annotations

from collections.abc import Sequence

from tantivy import Occur, Query

from search.embedded_query import PREFIX_EXPANSIONS, QueryBuilder, TextQuery
from search.query import ParsedQuery, QueryTerm
from search.synonyms import SynonymMatch

UBIQUITOUS_SHARE = 0.3
UBIQUITOUS_MIN_DOCS = 50_000


def adjacency(b: QueryBuilder, parsed: ParsedQuery, *, tagged_spans_required: bool,
              one_missing: bool = False) -> Query | None:
    """A query matching the adjacent documents (scoring nothing), or None when every document would be.

    `tagged_spans_required`: the caller's query already requires the tag of every tagged span (the strict
    pass), so requiring it again would only walk the same postings twice. `one_missing`: the caller lets a
    document miss one unit (a span or a syllable) of a long query; such a document is adjacent when what
    it holds is, so the condition is the union of the conditions of the query without each unit."""
    if not one_missing:
        condition = _condition(b, parsed, frozenset(), tagged_spans_required)
    else:
        alternatives = [_condition(b, parsed, unit, False) for unit in _units(parsed)]
        if any(a is None for a in alternatives):
            return None
        condition = _any([a for a in alternatives if a is not None])
    return None if condition is None else Query.const_score_query(condition, 0.0)


def _units(parsed: ParsedQuery) -> list[frozenset[int]]:
    """Positions of each unit: a synonym span, or a content syllable outside spans."""
    spans = [frozenset(range(m.start, m.end)) for m in parsed.synonyms]
    covered = frozenset().union(*spans)
    return spans + [frozenset([t.position]) for t in parsed.content_terms() if t.position not in covered]


def _condition(b: QueryBuilder, parsed: ParsedQuery, missing: frozenset[int],
               tagged_spans_required: bool) -> Query | None:
    required: list[Query] = []
    for match in parsed.synonyms:
        if match.start in missing or (tagged_spans_required and b.tagged(match.group.key)):
            continue
        required.append(_any(b.synonym_alternatives(match)))
    pairs = [(a, z) for a, z in _pairs(parsed.terms, parsed.synonyms)
             if a.position not in missing and z.position not in missing]
    need = (len(pairs) + 1) // 2
    clauses: list[Query] = []
    for a, z in pairs:
        clause = _glued(b, a, z)
        if clause is None:
            need -= 1  # glued in so many documents that holding both syllables almost means holding it
        else:
            clauses.append(clause)
    if need > 0 and clauses:
        required.append(clauses[0] if len(clauses) == 1 else Query.boolean_query(
            [(Occur.Should, q) for q in clauses], minimum_number_should_match=min(need, len(clauses))))
    if not required:
        return None
    return required[0] if len(required) == 1 else Query.boolean_query([(Occur.Must, q) for q in required])


def _any(queries: Sequence[Query]) -> Query:
    return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Should, q) for q in queries])


def _pairs(terms: Sequence[QueryTerm], spans: Sequence[SynonymMatch]) -> list[tuple[QueryTerm, QueryTerm]]:
    """Neighbouring content syllables, except pairs inside one synonym span (the span's phrase rules).
    A content syllable outside spans whose neighbours are all stop words is held to them instead:
    "đường đến trường" has no other pair."""
    span_of = {pos: i for i, m in enumerate(spans) for pos in range(m.start, m.end)}
    out = []
    for a, z in zip(terms, terms[1:], strict=False):
        if a.stop and z.stop:
            continue
        if a.position in span_of and span_of[a.position] == span_of.get(z.position):
            continue
        if a.stop or z.stop:
            content = z if a.stop else a
            if content.position in span_of or _has_content_neighbour(terms, content):
                continue
        out.append((a, z))
    return out


def _has_content_neighbour(terms: Sequence[QueryTerm], term: QueryTerm) -> bool:
    i = terms.index(term)
    return any(0 <= j < len(terms) and not terms[j].stop for j in (i - 1, i + 1))


def _glued(b: QueryBuilder, a: QueryTerm, z: QueryTerm) -> Query | None:
    glued = a.folded + z.folded
    if z.last and not b.known("shingle", glued):
        # The last syllable is still being typed: any glued pair it begins.
        longer = b.expand("shingle", glued, PREFIX_EXPANSIONS)
        if longer:
            return Query.term_set_query(b.schema, "shingle", longer)
    if b.num_docs >= UBIQUITOUS_MIN_DOCS and b.frequency("shingle", glued) > UBIQUITOUS_SHARE * b.num_docs:
        return None
    if b.is_known(a.folded) and b.is_known(z.folded):
        return Query.term_query(b.schema, "shingle", glued)
    return b.glued(glued, known=False)  # a typo in one of them: the glued pair one edit away too


def only_adjacent(text: TextQuery, adjacent: Query) -> TextQuery:
    """`text` restricted to the adjacent documents, scored as before."""
    return TextQuery(Query.boolean_query([(Occur.Must, text.match), (Occur.Must, adjacent)]),
                     Query.boolean_query([(Occur.Must, text.ranked), (Occur.Must, adjacent)]),
                     text.units, adjacent=True)
