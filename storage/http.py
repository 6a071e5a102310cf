"""Content-Disposition that keeps Vietnamese file names intact (RFC 6266 + RFC 5987)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# RFC 5987 attr-char minus ALPHA/DIGIT (which `quote` never escapes).
_ATTR_CHAR_EXTRA = "!#$&+-.^_`|~"
_FALLBACK_NAME = "download"
_DISPOSITIONS = frozenset({"attachment", "inline"})


# Characters no file system or browser keeps in a file name. A title such as "Nghị quyết 71-NQ/TW: Đột
# phá" is a name, not a path: its "/" becomes "-" instead of cutting everything before it.
_SEPARATORS = re.compile(r"\s*[/\\]\s*")
_COLON = re.compile(r"\s*:\s+|:")
_RESERVED = re.compile(r'[*?"<>|]+')
TITLE_LIMIT = 120


def _clean(filename: str) -> str:
    """NFC, path separators and reserved characters made safe, control characters and blanks dropped."""
    name = unicodedata.normalize("NFC", filename)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _SEPARATORS.sub("-", name)
    name = _COLON.sub(lambda m: " - " if m.group(0) != ":" else "-", name)
    name = re.sub(r"-{2,}", "-", name)
    name = " ".join(_RESERVED.sub("_", name).split()).strip(" .")
    return "" if name in (".", "..") else name


def file_title(title: str, limit: int = TITLE_LIMIT) -> str:
    """A title made into a file name stem: whole words kept, cut at a word boundary when over `limit`."""
    name = _clean(title)
    if len(name) > limit:
        name = name[:limit].rsplit(" ", 1)[0].rstrip(" -.,") or name[:limit]
    return name


def ascii_fold(text: str) -> str:
    """Vietnamese-aware ASCII folding: 'Ngày Nhà giáo Đà Nẵng' → 'Ngay Nha giao Da Nang'.

    Đ/đ have no Unicode decomposition, so they are mapped explicitly; anything else that is still
    not ASCII after stripping combining marks becomes '_'.
    """
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if ord(ch) < 128 else "_" for ch in stripped)


def ascii_filename(filename: str) -> str:
    """A safe quoted-string value for the legacy `filename=` parameter."""
    name = ascii_fold(_clean(filename))
    name = "".join("_" if ch in '"\\' or ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in name)
    return name or _FALLBACK_NAME


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment; filename="Ngay Nha giao.mp4"; filename*=UTF-8''Ng%C3%A0y%20Nh%C3%A0%20gi%C3%A1o.mp4`.

    Browsers that understand RFC 6266 use `filename*` (UTF-8, so diacritics survive); older clients
    fall back to the ASCII `filename`.
    """
    if disposition not in _DISPOSITIONS:
        raise ValueError(f"disposition must be one of {sorted(_DISPOSITIONS)}")
    name = _clean(filename) or _FALLBACK_NAME
    encoded = quote(name, safe=_ATTR_CHAR_EXTRA, encoding="utf-8")
    return f"{disposition}; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{encoded}"
