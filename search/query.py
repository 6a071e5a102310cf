"""Engine-neutral parsing of what a user typed: syllables, Telex repair, stop words, synonym spans."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from search.synonyms import SynonymMatch, SynonymTable, default_synonyms
from search.vietnamese import fold, has_marks, is_stop_word, nfc, syllables, telex_decode


@dataclass(frozen=True)
class QueryTerm:
    text: str  # NFC lowercase syllable as typed, or its Telex repair ("giaos" → "giáo")
    folded: str  # "giao"
    accented: bool  # the user typed marks: the exact-diacritic field gets a boost
    position: int  # syllable position in the query (phrases keep gaps left by stop words)
    stop: bool
    last: bool  # last syllable and the query does not end with a space: also a prefix
    typed: str  # what was typed, before any Telex repair


@dataclass
class ParsedQuery:
    terms: list[QueryTerm]
    synonyms: list[SynonymMatch] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms

    def content_terms(self) -> list[QueryTerm]:
        """Terms that must match: stop words drop out unless the query is only stop words."""
        content = [t for t in self.terms if not t.stop]
        return content or list(self.terms)

    def text(self) -> str:
        """The repaired query as text (Telex fixed), for engines that parse queries themselves."""
        return " ".join(t.text for t in self.terms)

    def highlight_terms(self) -> set[str]:
        """Folded syllables worth highlighting: the query's and those of its synonyms."""
        words = {t.folded for t in self.terms if not t.stop}
        for match in self.synonyms:
            for phrase in match.group.folded:
                words.update(phrase)
        return words


Known = Callable[[str], bool]
MAX_QUERY_CHARS = 300


def cut_query(q: str, most: int = MAX_QUERY_CHARS) -> str:
    """`q` (NFC) shortened to at most `most` characters at a word boundary: a pasted paragraph is searched
    by its beginning instead of refused. A first word longer than that is cut where the limit falls."""
    text = nfc(q or "")
    if len(text) <= most:
        return text
    head = text[: most + 1]
    cut = max(head.rfind(c) for c in " \t\n")
    return (head[:cut] if cut > 0 else text[:most]).rstrip()


def _repair(token: str, known: Known | None) -> str:
    """Prefer the token as typed when the index knows it; otherwise its Telex reading if that is known."""
    decoded = telex_decode(token)
    if decoded is None:
        return token
    if known is None:
        # Without a vocabulary only a trailing tone key is a safe signal: no Vietnamese syllable ends in
        # s/f/r/x/j, whereas "zoom" or "book" would be mangled by the vowel-doubling rules.
        return decoded if token[-1] in "sfrxj" else token
    if known(fold(token)):
        return token
    return decoded if known(fold(decoded)) else token


def parse_query(q: str, known: Known | None = None, synonyms: SynonymTable | None = None,
                prefix: bool = True) -> ParsedQuery:
    text = nfc(q or "")
    tokens = syllables(text)
    ends_open = prefix and bool(text) and not text[-1].isspace()
    terms: list[QueryTerm] = []
    for pos, typed in enumerate(tokens):
        repaired = _repair(typed, known)
        terms.append(
            QueryTerm(
                text=repaired,
                folded=fold(repaired),
                accented=has_marks(repaired),
                position=pos,
                stop=is_stop_word(repaired),
                last=ends_open and pos == len(tokens) - 1,
                typed=typed,
            )
        )
    table = synonyms if synonyms is not None else default_synonyms()
    return ParsedQuery(terms, table.find([t.folded for t in terms]))
