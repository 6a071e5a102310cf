"""Synonym and abbreviation groups loaded from editable YAML (search/data/synonyms.yaml)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from search.vietnamese import fold, nfc, syllables

DEFAULT_SYNONYMS = Path(__file__).parent / "data" / "synonyms.yaml"


class SynonymFileError(ValueError):
    """The synonyms file is malformed; the message names the offending group."""


@dataclass(frozen=True)
class SynonymGroup:
    phrases: tuple[str, ...]  # as written (NFC), for Meilisearch settings and humans
    folded: tuple[tuple[str, ...], ...]  # folded syllables of each phrase, same order

    @cached_property
    def key(self) -> str:
        """A stable name for the group's meaning: its folded phrases in any order. Editing a group gives
        it a new key, so an index tagged with the old key is never trusted for the new group."""
        spelled = "|".join(sorted(" ".join(p) for p in self.folded))
        return f"syn{zlib.crc32(spelled.encode()):08x}"


@dataclass(frozen=True)
class SynonymMatch:
    start: int  # index of the first matched syllable in the query
    end: int  # one past the last
    group: SynonymGroup


class SynonymTable:
    def __init__(self, groups: Sequence[SynonymGroup]) -> None:
        self.groups = tuple(groups)
        self._by_phrase: dict[tuple[str, ...], SynonymGroup] = {}
        for group in self.groups:
            for phrase in group.folded:
                self._by_phrase[phrase] = group
        self._longest = max((len(p) for p in self._by_phrase), default=0)
        # Lengths of the phrases starting with each word: indexing tags every document, and most of its
        # words start no phrase, so one lookup per word rejects them.
        starts: dict[str, set[int]] = {}
        for phrase in self._by_phrase:
            starts.setdefault(phrase[0], set()).add(len(phrase))
        self._starts = {word: tuple(sorted(lengths)) for word, lengths in starts.items()}

    def find(self, folded_tokens: Sequence[str]) -> list[SynonymMatch]:
        """Non-overlapping matches, scanning left to right and preferring the longest phrase."""
        matches: list[SynonymMatch] = []
        i = 0
        while i < len(folded_tokens):
            for length in range(min(self._longest, len(folded_tokens) - i), 0, -1):
                group = self._by_phrase.get(tuple(folded_tokens[i : i + length]))
                if group is not None:
                    matches.append(SynonymMatch(i, i + length, group))
                    i += length
                    break
            else:
                i += 1
        return matches

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(g.key for g in self.groups)

    def keys_in(self, folded_tokens: Sequence[str]) -> list[str]:
        """The key of every group with a phrase standing in the text, once per occurrence (overlapping
        occurrences too: a document is tagged with every group it mentions, whatever a query's split)."""
        out: list[str] = []
        n = len(folded_tokens)
        for i, word in enumerate(folded_tokens):
            for length in self._starts.get(word, ()):
                if length > n - i:
                    break
                group = self._by_phrase.get(tuple(folded_tokens[i : i + length]))
                if group is not None:
                    out.append(group.key)
        return out

    def as_meilisearch(self) -> dict[str, list[str]]:
        """Multi-way synonyms in Meilisearch's settings format, with folded spellings added."""
        out: dict[str, list[str]] = {}
        for group in self.groups:
            written = [p.lower() for p in group.phrases]
            spellings = list(dict.fromkeys(written + [" ".join(f) for f in group.folded]))
            for spelling in spellings:
                out[spelling] = [s for s in spellings if s != spelling]
        return out


def _parse_group(index: int, raw: object) -> SynonymGroup:
    if not isinstance(raw, list) or len(raw) < 2:
        raise SynonymFileError(f"group {index}: expected a list of at least two phrases, got {raw!r}")
    phrases: list[str] = []
    folded: list[tuple[str, ...]] = []
    for item in raw:
        if not isinstance(item, str | int) or not str(item).strip():
            raise SynonymFileError(f"group {index}: phrase {item!r} is not a non-empty string")
        phrase = nfc(str(item).strip())
        tokens = tuple(fold(t) for t in syllables(phrase))
        if not tokens:
            raise SynonymFileError(f"group {index}: phrase {phrase!r} has no letters or digits")
        if tokens in folded:
            raise SynonymFileError(f"group {index}: phrase {phrase!r} repeats another phrase once folded")
        phrases.append(phrase)
        folded.append(tokens)
    return SynonymGroup(tuple(phrases), tuple(folded))


def parse_synonyms(text: str) -> SynonymTable:
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("groups"), list):
        raise SynonymFileError("expected a mapping with 'version: 1' and a 'groups' list")
    groups = [_parse_group(i, raw) for i, raw in enumerate(data["groups"])]
    seen: dict[tuple[str, ...], int] = {}
    for i, group in enumerate(groups):
        for phrase in group.folded:
            if phrase in seen:
                words = " ".join(phrase)
                raise SynonymFileError(f"group {i}: phrase {words!r} already in group {seen[phrase]}")
            seen[phrase] = i
    return SynonymTable(groups)


def load_synonyms(path: Path | None = None) -> SynonymTable:
    return parse_synonyms((path or DEFAULT_SYNONYMS).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_synonyms() -> SynonymTable:
    return load_synonyms()
