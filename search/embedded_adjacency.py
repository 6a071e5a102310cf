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
from dataclasses import dataclass

from tantivy import Occur, Query

from search.embedded_query import PREFIX_EXPANSIONS, QueryBuilder, TextQuery
from search.query import ParsedQuery, QueryTerm
from search.synonyms import SynonymMatch

UBIQUITOUS_SHARE = 0.3
UBIQUITOUS_MIN_DOCS = 50_000


LEAVE_ONE_OUT_UP_TO = 8  # units; a longer query (a pasted sentence) gets one condition with one unit of slack


@dataclass
class _Parts:
    """The pieces of the conditions, each with the query positions it stands for: the spans' phrase
    alternatives (None: already required by the caller) and the glued pairs (None: ubiquitous)."""

    spans: list[tuple[frozenset[int], Query | None]]
    pairs: list[tuple[frozenset[int], Query | None]]


def adjacency(b: QueryBuilder, parsed: ParsedQuery, *, tagged_spans_required: bool,
              one_missing: bool = False) -> Query | None:
    """A query matching the adjacent documents (scoring nothing), or None when every document would be.

    `tagged_spans_required`: the caller's query already requires the tag of every tagged span (the strict
    pass), so requiring it again would only walk the same postings twice. `one_missing`: the caller lets a
    document miss one unit (a span or a syllable) of a long query; such a document is adjacent when what
    it holds is, so the condition is the union of the conditions of the query without each unit (for a
    very long query: one condition that lets one span and two pairs, what one unit stands in, be missing).
    """
    parts = _parts(b, parsed, tagged_spans_required and not one_missing)
    units = _units(parsed)
    if not one_missing:
        condition = _condition(parts, frozenset())
    elif len(units) > LEAVE_ONE_OUT_UP_TO:
        condition = _condition(parts, frozenset(), slack=1)
    else:
        alternatives = [_condition(parts, unit) for unit in units]
        if any(a is None for a in alternatives):
            return None
        condition = _any([a for a in alternatives if a is not None])
    return None if condition is None else Query.const_score_query(condition, 0.0)


def _parts(b: QueryBuilder, parsed: ParsedQuery, skip_tagged: bool) -> _Parts:
    spans = [(frozenset(range(m.start, m.end)),
              None if skip_tagged and b.tagged(m.group.key) else _any(b.synonym_alternatives(m)))
             for m in parsed.synonyms]
    pairs = [(frozenset((a.position, z.position)), _glued(b, a, z))
             for a, z in _pairs(parsed.terms, parsed.synonyms)]
    return _Parts(spans, pairs)


def _units(parsed: ParsedQuery) -> list[frozenset[int]]:
    """Positions of each unit: a synonym span, or a content syllable outside spans."""
    spans = [frozenset(range(m.start, m.end)) for m in parsed.synonyms]
    covered = frozenset().union(*spans)
    return spans + [frozenset([t.position]) for t in parsed.content_terms() if t.position not in covered]


def _condition(parts: _Parts, missing: frozenset[int], slack: int = 0) -> Query | None:
    """Every span as a phrase and half of the pairs glued, leaving out what stands at `missing`; `slack`
    spans and 2 × `slack` pairs may be missing besides."""
    required: list[Query] = []
    spans = [q for positions, q in parts.spans if not positions & missing]
    named = [q for q in spans if q is not None]
    if named and len(spans) > slack:
        required.append(_at_least(named, len(spans) - slack))
    pairs = [q for positions, q in parts.pairs if not positions & missing]
    # A ubiquitous pair counts as held: holding both syllables almost means holding it.
    need = (len(pairs) + 1) // 2 - slack - sum(1 for q in pairs if q is None)
    glued = [q for q in pairs if q is not None]
    if need > 0 and glued:
        required.append(_at_least(glued, need))
    if not required:
        return None
    return required[0] if len(required) == 1 else Query.boolean_query([(Occur.Must, q) for q in required])


def _at_least(queries: Sequence[Query], n: int) -> Query:
    n = min(n, len(queries))
    if len(queries) == 1:
        return queries[0]
    if n == len(queries):
        return Query.boolean_query([(Occur.Must, q) for q in queries])
    return Query.boolean_query([(Occur.Should, q) for q in queries], minimum_number_should_match=n)


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
