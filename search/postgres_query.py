"""Turns a `ParsedQuery` into `tsquery` texts for the PostgreSQL engine.

Every content syllable (or synonym span) is one *unit*, a disjunction of lexemes; a document matches when it
holds `need` of the units. The modes follow the embedded engine: "strict" (every syllable as typed, the last
also as a prefix), then, when that finds fewer hits than a page, "loose" (typo variants from the vocabulary,
glued neighbours, one unit may be missing in long queries), then "relaxed" (half the units) when nothing
has them all. Ranking adds the exact-diacritic forms, the query's adjacent pairs glued and synonym tags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb

from search.postgres_schema import EXACT, GLUED, SYN
from search.query import ParsedQuery, QueryTerm
from search.synonyms import SynonymMatch

ALL_UNITS_UP_TO = 3  # queries of up to this many units need them all in loose mode; longer ones may miss one
FUZZY_MIN_LEN = 4
GLUED_FUZZY_MIN_LEN = 5
MAX_COMBINATIONS = 40  # "need of n units" spelt out as a disjunction of conjunctions up to this many


@dataclass(frozen=True)
class TextPlan:
    units: list[str]  # one tsquery per unit
    need: int  # units a document must hold
    rank: dict[str, str]  # tsquery per ranking part: "main", "exact", "glued", "synonym"

    @property
    def exact(self) -> bool:
        """`match()` alone decides which documents hold `need` units (no count over the units)."""
        return self.need >= len(self.units) or comb(len(self.units), self.need) <= MAX_COMBINATIONS

    def match(self) -> str:
        """One tsquery for the GIN index: every unit; or each way of choosing `need` units (the index
        answers it exactly, no document's vector is read); or, past that many ways, any unit."""
        if self.need >= len(self.units):
            return _all(self.units)
        if self.exact:
            return " | ".join(f"({_all(list(chosen))})" for chosen in combinations(self.units, self.need))
        return " | ".join(f"({u})" for u in self.units)


def _all(units: list[str]) -> str:
    return " & ".join(f"({u})" for u in units)


def quote(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''").replace("\\", "\\\\") + "'"


def _any(lexemes: Sequence[str]) -> str:
    return " | ".join(dict.fromkeys(lexemes))


def lookup_words(parsed: ParsedQuery, known: set[str]) -> list[str]:
    """Words the loose mode looks up in the vocabulary with their typo variants: unknown syllables long
    enough to tell, every adjacent pair of the query glued, and a lone word typed without spaces."""
    out = [t.folded for t in parsed.content_terms() if len(t.folded) >= FUZZY_MIN_LEN and t.folded not in known]
    out += [GLUED + g for g in _glued_pairs(parsed)]
    if len(parsed.terms) == 1 and len(parsed.terms[0].folded) >= GLUED_FUZZY_MIN_LEN:
        out.append(GLUED + parsed.terms[0].folded)  # "giaoduc" for "giáo dục"
    return list(dict.fromkeys(out))


def max_edits(word: str) -> int:
    """Typos tolerated in a looked-up word: none in short glued pairs, one, two in long glued pairs."""
    size = len(word.removeprefix(GLUED))
    if word.startswith(GLUED):
        return 0 if size < GLUED_FUZZY_MIN_LEN else 2 if size >= 10 else 1
    return 1


def _glued_pairs(parsed: ParsedQuery) -> list[str]:
    terms = parsed.terms
    return [a.folded + b.folded for a, b in zip(terms, terms[1:], strict=False) if not (a.stop and b.stop)]


class PlanBuilder:
    def __init__(self, parsed: ParsedQuery, variants: Mapping[str, Sequence[str]]) -> None:
        self.parsed = parsed
        self.variants = variants  # looked-up word → vocabulary words it stands for (itself or typo variants)

    def _term_lexemes(self, term: QueryTerm, loose: bool) -> list[str]:
        f = term.folded
        out = [quote(f)]
        # The last word also matches as a prefix; a one-letter one too when other words narrow the match
        # ("nghi q"), never alone (a lone letter would scan most of the index).
        if term.last and (len(f) >= 2 or len(self.parsed.terms) > 1):
            out.append(quote(f) + ":*")
        if loose:
            out += [quote(v) for v in self.variants.get(f, ())]
            by_pos = {t.position: t for t in self.parsed.terms}
            for other in (by_pos.get(term.position - 1), by_pos.get(term.position + 1)):
                if other is None:
                    continue
                a, b = sorted((term, other), key=lambda t: t.position)
                out += [quote(v) for v in self.variants.get(GLUED + a.folded + b.folded, ())]
            if len(self.parsed.terms) == 1:
                out += [quote(v) for v in self.variants.get(GLUED + f, ())]
        return out

    def _span(self, match: SynonymMatch, units: dict[int, str]) -> str:
        literal = [units[t.position] for t in self.parsed.terms
                   if match.start <= t.position < match.end and t.position in units]
        alternatives = [" & ".join(f"({u})" for u in literal)] if literal else []
        alternatives.append(quote(SYN + match.group.key))
        return " | ".join(f"({a})" for a in alternatives)

    def plan(self, mode: str) -> TextPlan | None:
        content = self.parsed.content_terms()
        if not content:
            return None
        loose = mode != "strict"
        lexemes: list[str] = []
        units: dict[int, str] = {}
        for term in content:
            term_lexemes = self._term_lexemes(term, loose)
            lexemes += term_lexemes
            units[term.position] = _any(term_lexemes)
        required: list[str] = []
        covered: set[int] = set()
        for match in self.parsed.synonyms:
            required.append(self._span(match, units))
            covered.update(range(match.start, match.end))
        required += [u for pos, u in units.items() if pos not in covered]
        n = len(required)
        need = {"strict": n, "loose": n if n <= ALL_UNITS_UP_TO else n - 1}.get(mode, (n + 1) // 2)
        rank = {"main": _any(lexemes)}
        exact = [quote(EXACT + t.text) for t in content if t.accented]
        if exact:
            rank["exact"] = _any(exact)
        glued = [quote(GLUED + g) for g in _glued_pairs(self.parsed)]
        if glued:
            rank["glued"] = _any(glued)
        if self.parsed.synonyms:
            rank["synonym"] = _any([quote(SYN + m.group.key) for m in self.parsed.synonyms])
        return TextPlan(required, need, rank)


def edits1(word: str) -> set[str]:
    """Every folded syllable one deletion, transposition, substitution or insertion away (the letters of
    folded Vietnamese: no f, j, w, z)."""
    letters = "abcdeghiklmnopqrstuvxy"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(word)
    return out


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (an adjacent swap counts as one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
