"""Vietnamese text handling shared by every engine: NFC, folding, syllables, Telex leftovers, stop words.

Folding removes every tone and vowel mark *and* maps đ/Đ to d, so "Đường" and "duong" meet. Telex
leftovers are what a phone keyboard without a Vietnamese input method leaves behind: "giaos ducj" for
"giáo dục", "truwowngf" for "trường", "ddaof taoj" for "đào tạo".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional hold every Vietnamese letter.
    ranges = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)]
    for start, end in ranges:
        for code in range(start, end + 1):
            char = chr(code)
            base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
            if base != char and base.isascii():
                table[code] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Lowercase, NFC and strip every tone/vowel mark, with đ → d: "Đường Giáo dục" → "duong giao duc"."""
    return nfc(text).lower().translate(_FOLD_TABLE)


def has_marks(token: str) -> bool:
    return fold(token) != token.lower()


def syllables(text: str) -> list[str]:
    """Lowercase NFC syllables (runs of letters/digits), the unit both engines index."""
    return _WORD.findall(nfc(text).lower())


def folded_syllables(text: str) -> list[str]:
    """`fold` of each syllable, folding the text once: marks never join or split a run of letters."""
    return _WORD.findall(fold(text))


# A small list: function words that carry no topic. Kept folded so "và" and "va" are treated alike.
STOP_WORDS: frozenset[str] = frozenset(
    fold(w)
    for w in (
        "và của các những là cho với trong được về có này thì mà để một đến từ theo đã đang sẽ"
        " bị tại nhằm như khi hay hoặc cũng rằng thế nào gì ở"
    ).split()
)


def is_stop_word(token: str) -> bool:
    return fold(token) in STOP_WORDS


# --- Telex -----------------------------------------------------------------------------------------

_TONE_KEYS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
    r"(uye|uya|oai|oay|oeo|uay|uoi|uou|uyu|ieu|yeu|oa|oe|oo|uy|ua|ue|ui|uo|uu|ai|ao|au|ay|eo|eu"
    r"|ia|ie|iu|oi|ye|[aeiouy])"
    r"(ch|ng|nh|[cmnpt]|[iyou])?$"
)
_MODIFIED = "ăâêôơư"
_VOWELS = "aăâeêioôơuưy"


def _apply_shape_keys(word: str) -> str:
    """dd→đ, aa→â, ee→ê, oo→ô, aw→ă, ow→ơ, uw→ư, uow→ươ; a lone w modifies the nearest u/o/a."""
    word = re.sub(r"^dd", "đ", word)
    for src, dst in (("uow", "ươ"), ("aa", "â"), ("ee", "ê"), ("oo", "ô"), ("aw", "ă"), ("ow", "ơ"),
                     ("uw", "ư")):
        word = word.replace(src, dst)
    if "w" not in word:
        return word
    # Keyboards also accept the modifier after the final consonant: "truongw" → "trương".
    stripped = word.replace("w", "")
    for src, dst in (("uo", "ươ"), ("u", "ư"), ("o", "ơ"), ("a", "ă")):
        if src in stripped:
            return stripped.replace(src, dst, 1)
    return stripped


def _tone_position(word: str) -> int:
    """Index of the vowel carrying the tone mark (the orthography of the seed plans: hóa, thúy, mùa)."""
    start = 2 if word.startswith(("qu", "gi")) and len(word) > 2 and word[2] in _VOWELS else 0
    idx = [i for i in range(start, len(word)) if word[i] in _VOWELS]
    if not idx:
        return -1
    modified = [i for i in idx if word[i] in _MODIFIED]
    if modified:
        return modified[-1]  # ươ carries the tone on ơ; every other cluster has one modified vowel
    if idx[-1] != len(word) - 1 or len(idx) == 1:
        return idx[-1]  # closed syllable: the last vowel
    return idx[1] if len(idx) == 3 else idx[0]


@lru_cache(maxsize=65536)
def telex_decode(token: str) -> str | None:
    """The Vietnamese syllable a Telex leftover stands for, or None if `token` is not one.

    "giaos" → "giáo", "ducj" → "dục", "ddaof" → "đào", "truwowngf" → "trường". Plain syllables and
    words that are not Vietnamese-shaped return None.
    """
    word = token.lower()
    if not word.isascii() or not word.isalpha() or len(word) < 2:
        return None
    tone = ""
    if word[-1] in _TONE_KEYS and len(word) > 2:
        tone, word = _TONE_KEYS[word[-1]], word[:-1]
    shaped = _apply_shape_keys(word)
    if not tone and shaped == word:
        return None
    if not _SYLLABLE.match(fold(shaped)):
        return None
    if tone:
        pos = _tone_position(shaped)
        if pos < 0:
            return None
        shaped = shaped[: pos + 1] + tone + shaped[pos + 1 :]
    return nfc(shaped)
