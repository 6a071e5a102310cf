"""Turns a `ParsedQuery`, filters and a visibility policy into tantivy queries.

This is the loose query, used when the strict first pass (embedded_strict) finds fewer hits than a page.
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
from search.types import FILTER_FIELDS, Visibility

W_TITLE, W_BODY, W_EXTRA = 3.0, 1.5, 0.8
W_ORG = 1.0  # a query syllable in the owning organisation's name: a flat bonus, never a match by itself
EXACT_EXTRA = 0.5  # exact-diacritic bonus relative to the folded field's weight: đường above dương
FUZZY_WEIGHT, PREFIX_WEIGHT, SHINGLE_WEIGHT = 0.4, 0.5, 1.0
PHRASE_WEIGHT = 1.5  # adjacent syllables of the query found glued in a document
SYNONYM_WEIGHT = 2.0  # a document naming a synonym group of the query, in any spelling
FUZZY_MIN_LEN = 4
PREFIX_EXPANSIONS = 8
FILTER_FIELD = {"org": "orgtree"}
ALL_UNITS_UP_TO = 3  # queries of up to this many units need them all; longer ones may miss one
FULL, LEAN, TITLE = "full", "lean", "title"  # how many clauses score a syllable


@dataclass
class TextQuery:
    match: Query  # which documents match (units only), also used for facet counts
    ranked: Query  # match plus proximity boosts, for ranking
    units: int
    adjacent: bool = False  # restricted to documents holding the query's words together (embedded_adjacency)


class QueryBuilder:
    def __init__(self, schema: tantivy.Schema, frequency: Callable[[str, str], int],
                 expand: Callable[[str, str, int], list[str]], statuses: Callable[[], list[str]],
                 num_docs: int = 0, tagged: Callable[[str], bool] = lambda key: False) -> None:
        self.schema = schema
        self.frequency = frequency  # (field, term) -> in how many documents the term occurs
        self.expand = expand  # (field, prefix, n) -> the n most frequent terms starting with prefix
        self.statuses = statuses  # every status value present in the index
        self.num_docs = num_docs
        self.tagged = tagged  # synonym group key -> every document carries its tag in `syn`
        self._df: dict[str, int] = {}

    def known(self, field: str, term: str) -> bool:
        return self.frequency(field, term) > 0

    def document_frequency(self, folded: str) -> int:
        """In how many documents the syllable occurs in some text field (`all_f` holds them all)."""
        df = self._df.get(folded)
        if df is None:
            df = self._df[folded] = self.frequency("all_f", folded)
        return df

    def _term(self, field: str, text: str, boost: float) -> Query:
        return Query.boost_query(Query.term_query(self.schema, field, text), boost)

    def _exact(self, text: str, fields: Sequence[str]) -> Query:
        """The same bonus for every document holding the syllable with the typed marks, wherever: it only
        has to lift "đường" above "dương". A BM25 bonus per field would weigh titles once more and add
        statistics of its own that differ between shards, reordering documents that hold the marks alike
        (an accented query and its folded form must rank those the same)."""
        terms = [Query.term_query(self.schema, field, text) for field in fields]
        return Query.const_score_query(_should(terms), W_TITLE * EXACT_EXTRA)

    def is_known(self, folded: str) -> bool:
        return self.document_frequency(folded) > 0

    def scoring_clauses(self, term: QueryTerm, level: str = FULL) -> list[Query]:
        """How a document holding the syllable scores: per field, exact marks, and as a prefix.
        `level` LEAN drops the extra-text and exact-body clauses, TITLE keeps the title clauses only.
        The last syllable also scores as a prefix, even of one letter ("nghi q")."""
        f = term.folded
        clauses: list[Query] = [self._term("title_f", f, W_TITLE)]
        if level != TITLE:
            clauses.append(self._term("body_f", f, W_BODY))
        if level == FULL:
            clauses.append(self._term("extra_f", f, W_EXTRA))
        if term.accented:
            # Flat bonus clauses rather than a max over folded/exact: a dismax walks both posting lists
            # through an extra scorer per document, a third of the cost of a common accented syllable.
            clauses.append(self._exact(term.text, ("title_x", "body_x") if level == FULL else ("title_x",)))
        if term.last:
            # Explicit expansions (most frequent first) instead of an automaton: an automaton query
            # builds a bitset over the whole index, which dominates latency at a million documents.
            for field, weight in (("title_f", W_TITLE), ("body_f", W_BODY)):
                longer = [t for t in self.expand(field, f, PREFIX_EXPANSIONS + 1) if t != f]
                longer = longer[:PREFIX_EXPANSIONS]
                clauses.extend(self._term(field, t, weight * PREFIX_WEIGHT) for t in longer)
        return clauses

    def org_clause(self, term: QueryTerm) -> Query:
        """The syllable in the owning organisation's name: an optional bonus beside a unit, never one of
        the unit's own alternatives, so the organisation never makes a document match. Flat, as the
        exact-diacritic bonus: about a sixth of a title match, the same on every shard."""
        return Query.const_score_query(Query.term_query(self.schema, "org_f", term.folded), W_ORG)

    def _unit(self, term: QueryTerm, neighbours: Sequence[str]) -> Query:
        f = term.folded
        clauses = self.scoring_clauses(term)
        known = self.is_known(f)
        if len(f) >= FUZZY_MIN_LEN and not known:
            for field, weight in (("title_f", W_TITLE), ("body_f", W_BODY)):
                fuzzy = Query.fuzzy_term_query(self.schema, field, f, distance=1, prefix=term.last)
                clauses.append(Query.boost_query(fuzzy, weight * FUZZY_WEIGHT))
        for glued in neighbours:
            clauses.append(self.glued(glued, known))
        return _should(clauses)

    def glued(self, glued: str, known: bool) -> Query:
        """Two adjacent syllables glued ("giaoduc"), matched whole and, if unknown, one edit away."""
        exact = self._term("shingle", glued, SHINGLE_WEIGHT)
        if len(glued) < 5 or self.known("shingle", glued):
            return exact
        fuzzy = Query.fuzzy_term_query(self.schema, "shingle", glued, distance=1)
        return _should([exact, Query.boost_query(fuzzy, SHINGLE_WEIGHT * (0.5 if known else 1.0))])

    def _phrase(self, tokens: Sequence[str], weight: float) -> Query:
        """A phrase as the conjunction of its glued adjacent pairs: far cheaper than positions at 1M docs."""
        if len(tokens) == 1:
            return _should([self._term(f, tokens[0], w * weight) for f, w in _FIELDS])
        return _must([self._term("shingle", a + b, SHINGLE_WEIGHT * weight)
                      for a, b in zip(tokens, tokens[1:], strict=False)])

    def _span_unit(self, match: SynonymMatch, terms: Sequence[QueryTerm], units: dict[int, Query]) -> Query:
        literal = [units[t.position] for t in terms if match.start <= t.position < match.end and not t.stop]
        alternatives: list[Query] = []
        if literal:
            alternatives.append(_must(literal))
        alternatives.extend(self.synonym_alternatives(match))
        return _should(alternatives)

    def synonym_alternatives(self, match: SynonymMatch) -> list[Query]:
        """Documents naming the group in any of its spellings: its tag when the index holds it, else each
        phrase as the conjunction of its glued pairs."""
        if self.tagged(match.group.key):
            return [self._term("syn", match.group.key, SYNONYM_WEIGHT)]
        return [self._phrase(phrase, 1.0) for phrase in match.group.folded]

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
            if len(parsed.terms) == 1 and len(term.folded) >= 5 and not self.is_known(term.folded):
                glued.append(term.folded)  # typed without spaces: "giaoduc"
            units[term.position] = self._unit(term, glued)
        required: list[Query] = []
        covered: set[int] = set()
        for match in parsed.synonyms:
            required.append(self._span_unit(match, parsed.terms, units))
            covered.update(range(match.start, match.end))
        required.extend(q for pos, q in units.items() if pos not in covered)
        n = len(required)
        need = (n + 1) // 2 if relaxed else n if n <= ALL_UNITS_UP_TO else n - 1
        match_q = Query.boolean_query([(Occur.Should, q) for q in required], minimum_number_should_match=need)
        terms = parsed.terms
        boosts = [self._term("shingle", a.folded + b.folded, PHRASE_WEIGHT)
                  for a, b in zip(terms, terms[1:], strict=False) if not (a.stop and b.stop)]
        boosts += [self.org_clause(t) for t in content]
        ranked = match_q if not boosts else Query.boolean_query(
            [(Occur.Must, match_q), *((Occur.Should, q) for q in boosts)])
        return TextQuery(match_q, ranked, n)

    # --- filters ------------------------------------------------------------------------------------

    def filters(self, filters: Mapping[str, Sequence[object]],
                skip: str | None = None) -> list[tuple[Occur, Query]]:
        out: list[tuple[Occur, Query]] = []
        for name, values in filters.items():
            if name not in FILTER_FIELDS:
                raise ValueError(f"unknown filter {name!r}; expected one of {', '.join(FILTER_FIELDS)}")
            if name == skip or not values:
                continue
            field = FILTER_FIELD.get(name, name)
            words = list(dict.fromkeys(_keyword(v) for v in values))
            # One value: a plain term query, which skips along its postings; a set builds a bitset.
            query = (Query.term_query(self.schema, field, words[0]) if len(words) == 1
                     else Query.term_set_query(self.schema, field, words))
            out.append((Occur.Must, query))
        return out

    def visibility(self, visibility: Visibility) -> list[tuple[Occur, Query]]:
        """The caller's policy as clauses of the top-level query. Its common form (statuses only, e.g.
        published) is the exclusion of the other statuses: excluding the few drafts at the top level is
        far cheaper than intersecting with the many published documents."""
        only = visibility.rules[0] if len(visibility.rules) == 1 else None
        if only is not None and only.org_ids is None and only.statuses:
            allowed = set(only.statuses)
            others = [s for s in self.statuses() if s not in allowed]
            if not others:
                return []
            # One term per status rather than a term set: an excluded term is skipped along its postings,
            # a set first builds a bitset over the whole index on every search.
            return [(Occur.MustNot, Query.term_query(self.schema, "status", s)) for s in others]
        rules: list[Query] = []
        for rule in visibility.rules:
            parts: list[Query] = []
            if rule.statuses is not None:
                parts.append(Query.term_set_query(self.schema, "status", list(rule.statuses)))
            if rule.org_ids is not None:
                parts.append(Query.term_set_query(self.schema, "orgtree", list(rule.org_ids)))
            rules.append(_must(parts) if parts else Query.all_query())
        if not rules:
            return [(Occur.Must, Query.empty_query())]
        return [(Occur.Must, rules[0] if len(rules) == 1 else _should(rules))]


_FIELDS = (("title_f", W_TITLE), ("body_f", W_BODY), ("extra_f", W_EXTRA))


def _keyword(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _should(queries: Sequence[Query]) -> Query:
    return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Should, q) for q in queries])


def _must(queries: Sequence[Query]) -> Query:
    return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Must, q) for q in queries])


def combine(scored: Query | None, constraints: Sequence[tuple[Occur, Query]]) -> Query:
    """Scored text query restricted by constraints that do not change the score (filters are wrapped
    in a zero constant score, exclusions stay as they are)."""
    clauses: list[tuple[Occur, Query]] = [
        (occur, Query.const_score_query(q, 0.0) if occur == Occur.Must else q) for occur, q in constraints]
    if scored is not None:
        clauses.insert(0, (Occur.Must, scored))
    if not any(occur == Occur.Must for occur, _ in clauses):
        clauses.insert(0, (Occur.Must, Query.all_query()))
    return clauses[0][1] if len(clauses) == 1 and scored is not None else Query.boolean_query(clauses)
