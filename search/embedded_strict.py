"""The strict first pass: every content syllable (or synonym span) required, scored like the loose query.

At a million documents the loose query (one nested disjunction per syllable with fuzzy, prefix and glued
variants, n-1 of n syllables required) costs a walk through every posting of every variant. The strict
pass instead intersects one posting list per syllable in `all_f` (every folded text, no positions), so
tantivy leapfrogs from the rarest syllable, and adds the scoring clauses as optional siblings. For
queries whose syllables the index knows, its score is the loose query's score: the same field weights,
exact-diacritic boosts and prefix expansions, and the glued shingles a loose unit carries folded into the
phrase boosts. The engine falls back to the loose query when this pass finds fewer hits than a page.

The "near" variant is that fallback for long queries whose syllables are all known: the loose query would
add only documents missing one unit (no syllable needs a fuzzy variant), and the union of the conjunctions
that leave one unit out finds those by leapfrogging too, instead of walking every posting of every unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tantivy import Occur, Query

from search.embedded_query import (
    ALL_UNITS_UP_TO,
    FULL,
    LEAN,
    PHRASE_WEIGHT,
    PREFIX_EXPANSIONS,
    SHINGLE_WEIGHT,
    TITLE,
    QueryBuilder,
    TextQuery,
)
from search.query import ParsedQuery, QueryTerm
from search.synonyms import SynonymMatch

MATCH_FIELD = "all_f"
UBIQUITOUS_SHARE = 0.3
UBIQUITOUS_MIN_DOCS = 50_000
DOMINANT_RATIO = 1.5


class StrictBuilder:
    def __init__(self, builder: QueryBuilder) -> None:
        self.b = builder

    def _known(self, term: QueryTerm) -> bool:
        """The index holds the syllable, or (still being typed) a longer one it begins: "nghi q"."""
        if self.b.is_known(term.folded):
            return True
        return term.last and bool(self.b.expand(MATCH_FIELD, term.folded, 1))

    def _require(self, term: QueryTerm) -> Query:
        """Which documents hold the syllable (anywhere); scores nothing, the scoring clauses do."""
        words = [term.folded]
        if term.last:
            longer = self.b.expand(MATCH_FIELD, term.folded, PREFIX_EXPANSIONS + 1)
            words += [t for t in longer if t != term.folded][:PREFIX_EXPANSIONS]
        if len(words) == 1:
            return Query.const_score_query(Query.term_query(self.b.schema, MATCH_FIELD, words[0]), 0.0)
        return Query.const_score_query(Query.term_set_query(self.b.schema, MATCH_FIELD, words), 0.0)

    def _span(self, match: SynonymMatch, terms: Sequence[QueryTerm],
              levels: dict[str, str]) -> tuple[Query, list[Query]]:
        """(required, scoring) for words naming a synonym group. When every document carries the group's
        tag, the span requires the tag (the typed phrase or any other spelling, standing together) and its
        typed words score beside the rest. Otherwise: the words as typed anywhere or each spelling as a
        phrase, the typed words scoring only together, as in the loose query."""
        literal = [t for t in terms if match.start <= t.position < match.end and not t.stop]
        if self.b.tagged(match.group.key):
            tag = Query.const_score_query(Query.term_query(self.b.schema, "syn", match.group.key), 0.0)
            # No exact-diacritic bonus inside a span: the group already fixes the meaning ("Sở GDĐT"), and
            # the bonus would let "sở" typed with marks reorder what "so" finds among the group's documents.
            # Where syllables are ubiquitous (a big index), the typed words score in the title only: the
            # tag already scores every mention in the body, and walking their body postings again is a
            # third of such a query.
            level = TITLE if levels else FULL
            scoring = [q for t in literal for q in self.b.scoring_clauses(replace(t, accented=False), level)]
            return tag, [*scoring, *self.b.synonym_alternatives(match)]
        alternatives: list[Query] = []
        if literal:
            alternatives.append(Query.boolean_query(
                [(Occur.Must, self._require(t)) for t in literal]
                + [(Occur.Should, q) for t in literal for q in self.b.scoring_clauses(t)]))
        alternatives.extend(self.b.synonym_alternatives(match))
        return _should(alternatives), []

    def text_query(self, parsed: ParsedQuery, near: bool = False) -> TextQuery | None:
        """None when a syllable is unknown: nothing can match strictly, only the loose query helps.
        `near`: one unit may be missing when there are more than ALL_UNITS_UP_TO (the loose rule)."""
        content = parsed.content_terms()
        if not content or not all(self._known(t) for t in content):
            return None
        covered: set[int] = set()
        required: list[Query] = []
        scoring: list[Query] = []
        levels = self._ubiquitous(content)
        for match in parsed.synonyms:
            span_required, span_scoring = self._span(match, parsed.terms, levels)
            required.append(span_required)
            scoring += span_scoring
            covered.update(range(match.start, match.end))
        required += [self._require(t) for t in content if t.position not in covered]
        scoring += [q for t in content if t.position not in covered
                    for q in self.b.scoring_clauses(t, levels.get(t.folded, FULL))]
        scoring += [self.b.org_clause(t) for t in content
                    if t.position not in covered and levels.get(t.folded, FULL) == FULL]
        scoring += self._phrase_boosts(parsed.terms)
        if near and len(required) > ALL_UNITS_UP_TO:
            match_q = _should([_must(required[:i] + required[i + 1:]) for i in range(len(required))])
            musts = [match_q]
        else:
            match_q, musts = _must(required), required  # flat: tantivy leapfrogs all of them together
        ranked = Query.boolean_query([(Occur.Must, q) for q in musts] + [(Occur.Should, q) for q in scoring])
        return TextQuery(match_q, ranked, len(required))

    def _ubiquitous(self, content: Sequence[QueryTerm]) -> dict[str, str]:
        """Scoring level of syllables in so many documents that their weaker matches barely reorder (idf
        near zero) while walking their postings is most of a query's cost: title clauses only while a
        rarer syllable scores the body; title and body when every syllable is that common ("giáo dục").
        Small indexes score everything; it is cheap there."""
        n = self.b.num_docs
        if n < UBIQUITOUS_MIN_DOCS:
            return {}
        df = {t.folded: self.b.document_frequency(t.folded) for t in content}
        common = {f for f, d in df.items() if d > UBIQUITOUS_SHARE * n}
        if len(common) < len(df):
            return dict.fromkeys(common, TITLE)
        # Every syllable common ("nghị quyết 71 giáo dục" where the plan is everywhere): the rarer ones
        # keep the body, those several times as frequent as the rarest score the title only.
        rarest = min(df.values())
        return {f: TITLE if d > DOMINANT_RATIO * rarest else LEAN for f, d in df.items()}

    def _phrase_boosts(self, terms: Sequence[QueryTerm]) -> list[Query]:
        """Adjacent syllables glued: the loose query scores a pair once as a phrase boost and once inside
        the unit of each content syllable of the pair; the strict query scores it once with that weight.
        A pair standing in a large share of a big index ("giaoduc") is left out, as ubiquitous syllables
        are: it barely reorders and walking its postings costs as much as the rest of the query."""
        out = []
        n = self.b.num_docs
        for a, b in zip(terms, terms[1:], strict=False):
            if a.stop and b.stop:
                continue
            if n >= UBIQUITOUS_MIN_DOCS and self.b.frequency("shingle", a.folded + b.folded) > UBIQUITOUS_SHARE * n:
                continue
            weight = PHRASE_WEIGHT + SHINGLE_WEIGHT * ((not a.stop) + (not b.stop))
            out.append(self.b._term("shingle", a.folded + b.folded, weight))
        return out


def _should(queries: Sequence[Query]) -> Query:
    return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Should, q) for q in queries])


def _must(queries: Sequence[Query]) -> Query:
    return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Must, q) for q in queries])
