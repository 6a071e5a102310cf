"""Turns a `ParsedQuery`, filters and a visibility policy into tantivy queries.

Every content syllable (or synonym span) becomes one *unit*: a disjunction over the folded fields, the
exact-diacritic fields (boosted, only when the user typed marks), fuzzy and prefix variants. Units are
required (one may be missing in long queries); adjacent syllables add phrase clauses so words typed
together rank documents where they stand together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import tantivy
from tantivy import Occur, Query

from search.query import ParsedQuery, QueryTerm
from search.synonyms import SynonymMatch
from search.types import Visibility

W_TITLE, W_BODY, W_EXTRA = 3.0, 1.5, 0.8
EXACT_BONUS = 1.25  # exact-diacritic weight relative to the folded field: đường above dương
FUZZY_WEIGHT, PREFIX_WEIGHT, SHINGLE_WEIGHT = 0.4, 0.5, 1.0
PHRASE_WEIGHT = 1.2
FUZZY_MIN_LEN = 4
FILTER_FIELD = {"org": "orgtree"}  # filter "org" means the subtree


@dataclass
class TextQuery:
    match: Query  # which documents match (units only), also used for facet counts
    ranked: Query  # match plus proximity boosts, for ranking
    units: int


class QueryBuilder:
    def __init__(self, schema: tantivy.Schema, known: Callable[[str, str], bool]) -> None:
        self.schema = schema
        self.known = known  # (field, term) -> the term occurs in the index

    def _term(self, field: str, text: str, boost: float) -> Query:
        return Query.boost_query(Query.term_query(self.schema, field, text), boost)

    def _is_known(self, folded: str) -> bool:
        return any(self.known(f, folded) for f in ("title_f", "body_f", "extra_f"))

    def _unit(self, term: QueryTerm, neighbours: Sequence[str]) -> Query:
        f = term.folded
        title = [self._term("title_f", f, W_TITLE)]
        body = [self._term("body_f", f, W_BODY)]
        if term.accented:
            title.append(self._term("title_x", term.text, W_TITLE * EXACT_BONUS))
            body.append(self._term("body_x", term.text, W_BODY * EXACT_BONUS))
        clauses: list[Query] = [
            Query.disjunction_max_query(title, 0.2),
            Query.disjunction_max_query(body, 0.2),
            self._term("extra_f", f, W_EXTRA),
        ]
        known = self._is_known(f)
        if len(f) >= FUZZY_MIN_LEN and not known:
            for field, weight in (("title_f", W_TITLE), ("body_f", W_BODY)):
                fuzzy = Query.fuzzy_term_query(self.schema, field, f, distance=1, prefix=term.last)
                clauses.append(Query.boost_query(fuzzy, weight * FUZZY_WEIGHT))
        if term.last and len(f) >= 2:
            fields = ("title_f",) if len(f) < 4 else ("title_f", "body_f")
            for field in fields:
                prefix = Query.fuzzy_term_query(self.schema, field, f, distance=0, prefix=True)
                clauses.append(Query.boost_query(prefix, W_TITLE * PREFIX_WEIGHT))
        for glued in neighbours:
            clauses.append(self._glued(glued, known))
        return _should(clauses)

    def _glued(self, glued: str, known: bool) -> Query:
        """Two adjacent syllables glued ("giaoduc"), matched whole and, if unknown, one edit away."""
        exact = self._term("shingle", glued, SHINGLE_WEIGHT)
        if len(glued) < 5 or self.known("shingle", glued):
            return exact
        fuzzy = Query.fuzzy_term_query(self.schema, "shingle", glued, distance=1)
        return _should([exact, Query.boost_query(fuzzy, SHINGLE_WEIGHT * (0.5 if known else 1.0))])

    def _phrase_clauses(self, tokens: Sequence[tuple[int, str]], weight: float) -> list[Query]:
        if len(tokens) == 1:
            return [self._term(f, tokens[0][1], w * weight) for f, w in _FIELDS]
        base = tokens[0][0]
        words: list[str | tuple[int, str]] = [(pos - base, tok) for pos, tok in tokens]
        return [Query.boost_query(Query.phrase_query(self.schema, f, words, slop=1), w * weight)
                for f, w in _FIELDS]

    def _span_unit(self, match: SynonymMatch, terms: Sequence[QueryTerm], units: dict[int, Query]) -> Query:
        literal = [units[t.position] for t in terms if match.start <= t.position < match.end and not t.stop]
        alternatives: list[Query] = []
        if literal:
            alternatives.append(_must(literal))
        for phrase in match.group.folded:
            alternatives.extend(self._phrase_clauses(list(enumerate(phrase)), 1.0))
        return _should(alternatives)

    def text_query(self, parsed: ParsedQuery, relaxed: bool = False) -> TextQuery | None:
        """`relaxed`: the fallback when nothing matches — any half of the units will do."""
        content = parsed.content_terms()
        if not content:
            return None
        by_pos = {t.position: t for t in parsed.terms}
        units: dict[int, Query] = {}
        for term in content:
            glued = []
            for other in (by_pos.get(term.position - 1), by_pos.get(term.position + 1)):
                if other is not None:
                    a, b = sorted((term, other), key=lambda t: t.position)
                    glued.append(a.folded + b.folded)
            if len(parsed.terms) == 1 and len(term.folded) >= 5 and not self._is_known(term.folded):
                glued.append(term.folded)  # typed without spaces: "giaoduc"
            units[term.position] = self._unit(term, glued)
        required: list[Query] = []
        covered: set[int] = set()
        for match in parsed.synonyms:
            required.append(self._span_unit(match, parsed.terms, units))
            covered.update(range(match.start, match.end))
        required.extend(q for pos, q in units.items() if pos not in covered)
        n = len(required)
        need = (n + 1) // 2 if relaxed else n if n <= 3 else n - 1
        match_q = Query.boolean_query([(Occur.Should, q) for q in required], minimum_number_should_match=need)
        boosts: list[Query] = []
        for a, b in zip(content, content[1:], strict=False):
            if b.position - a.position <= 2:
                pair = [(a.position, a.folded), (b.position, b.folded)]
                boosts.extend(self._phrase_clauses(pair, PHRASE_WEIGHT))
        ranked = match_q if not boosts else Query.boolean_query(
            [(Occur.Must, match_q), *((Occur.Should, q) for q in boosts)])
        return TextQuery(match_q, ranked, n)

    # --- filters ------------------------------------------------------------------------------------

    def filters(self, filters: Mapping[str, Sequence[object]], skip: str | None = None) -> list[Query]:
        out: list[Query] = []
        for name, values in filters.items():
            if name == skip or not values:
                continue
            field = FILTER_FIELD.get(name, name)
            out.append(Query.term_set_query(self.schema, field, [_keyword(v) for v in values]))
        return out

    def visibility(self, visibility: Visibility) -> Query:
        rules: list[Query] = []
        for rule in visibility.rules:
            parts: list[Query] = []
            if rule.statuses is not None:
                parts.append(Query.term_set_query(self.schema, "status", list(rule.statuses)))
            if rule.org_ids is not None:
                parts.append(Query.term_set_query(self.schema, "orgtree", list(rule.org_ids)))
            rules.append(_must(parts) if parts else Query.all_query())
        if not rules:
            return Query.empty_query()
        return rules[0] if len(rules) == 1 else _should(rules)


_FIELDS = (("title_f", W_TITLE), ("body_f", W_BODY), ("extra_f", W_EXTRA))


def _keyword(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _should(queries: Sequence[Query]) -> Query:
    return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Should, q) for q in queries])


def _must(queries: Sequence[Query]) -> Query:
    return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Must, q) for q in queries])


def combine(scored: Query | None, constraints: Sequence[Query]) -> Query:
    """Scored text query restricted by constraints that do not change the score."""
    clauses: list[tuple[Occur, Query]] = [(Occur.Must, Query.const_score_query(c, 0.0)) for c in constraints]
    if scored is not None:
        clauses.insert(0, (Occur.Must, scored))
    if not clauses:
        return Query.all_query()
    return clauses[0][1] if len(clauses) == 1 and scored is not None else Query.boolean_query(clauses)
