"""Highlighting in Python, on the original text, for every engine.

Matching is on folded syllables, so "giao duc" highlights "giáo dục"; the last syllable also matches as a
prefix (as-you-type) and long syllables one edit away are highlighted like the engine matched them.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from search.vietnamese import fold, nfc

_TOKEN = re.compile(r"[^\W_]+")
OPEN, CLOSE = "<mark>", "</mark>"


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) <= 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class Highlighter:
    def __init__(self, words: Collection[str], prefix: str | None = None,
                 fuzzy: Collection[str] = ()) -> None:
        self.words = set(words)
        self.prefix = prefix if prefix and len(prefix) >= 2 else None
        self.fuzzy = [w for w in fuzzy if len(w) >= 4]
        self._seen: dict[str, bool] = {}
        # Without fuzzy words a match is a plain pattern over the folded text (folding keeps one character
        # per character), found by one regex scan instead of a Python test per token.
        alternatives = [re.escape(w) for w in sorted(self.words, key=len, reverse=True) if w]
        if self.prefix:
            alternatives.insert(0, re.escape(self.prefix) + r"[^\W_]*")
        self._pattern = (re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")
                         if alternatives and not self.fuzzy else None)

    def matches(self, token: str) -> bool:
        hit = self._seen.get(token)
        if hit is None:
            hit = self._seen[token] = self._matches(token)
        return hit

    def _matches(self, token: str) -> bool:
        folded = fold(token)
        if folded in self.words:
            return True
        if self.prefix and folded.startswith(self.prefix):
            return True
        return len(folded) >= 4 and any(_within_one_edit(folded, w) for w in self.fuzzy)

    def _spans(self, text: str) -> list[tuple[int, int]]:
        if self._pattern is not None or not (self.words or self.prefix or self.fuzzy):
            folded = fold(text)
            if len(folded) == len(text):
                return [m.span() for m in self._pattern.finditer(folded)] if self._pattern else []
        return [(m.start(), m.end()) for m in _TOKEN.finditer(text) if self.matches(m.group())]

    def mark(self, text: str) -> str:
        text = nfc(text)
        return _render(text, self._spans(text), 0, len(text))

    def fragment(self, text: str, max_chars: int = 220) -> str:
        """The window of `text` holding the most matches, highlighted; the start if nothing matches."""
        text = nfc(text)
        spans = self._spans(text)
        if len(text) <= max_chars:
            return _render(text, spans, 0, len(text))
        best_start, best_count, j = 0, 0, 0
        for i, (start, _) in enumerate(spans):
            # spans are sorted and disjoint: advance the end pointer instead of recounting the window
            j = max(j, i)
            while j < len(spans) and spans[j][1] <= start + max_chars:
                j += 1
            if j - i > best_count:
                best_start, best_count = start, j - i
        begin = max(0, best_start - max_chars // 4)
        begin = text.rfind(" ", 0, begin) + 1 if begin else 0
        end = min(len(text), begin + max_chars)
        cut = text.rfind(" ", begin, end) if end < len(text) else end
        end = cut if cut > begin else end
        body = _render(text, spans, begin, end)
        return ("…" if begin else "") + body + ("…" if end < len(text) else "")


_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _render(text: str, spans: list[tuple[int, int]], begin: int, end: int) -> str:
    out: list[str] = []
    pos = begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        out.append(text[pos:start].translate(_ESCAPE))
        out.append(OPEN + text[start:stop].translate(_ESCAPE) + CLOSE)
        pos = stop
    out.append(text[pos:end].translate(_ESCAPE))
    return "".join(out).replace(CLOSE + " " + OPEN, " ")
