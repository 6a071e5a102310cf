"""Version differences for people: text fields diffed word by word (difflib), vocabulary lists as terms
removed and added (by label, never by code), file facts in words."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from web.present import Labels
from web.render import _filesize

LIST_VOCABS = {"topics": "topic", "audiences": "audience", "levels": "level", "channels": "channel"}
HIDDEN = ("file.sha256",)  # a hash tells a reviewer nothing the file name and the images do not
_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass
class FieldDiff:
    name: str  # the diffed field, as the diff names it (title, file.size, …)
    segments: list[tuple[str, str]] = field(default_factory=list)  # (equal | delete | insert, text)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    old: str = ""
    new: str = ""


def words(old: str, new: str) -> list[tuple[str, str]]:
    """Inline word diff: runs of equal, deleted and inserted text, whitespace kept."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("insert", "".join(b[j1:j2])))
    return out


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe(name: str, old: Any, new: Any, labels: Labels) -> FieldDiff:
    d = FieldDiff(name)
    if name in LIST_VOCABS or isinstance(old, list) or isinstance(new, list):
        vocab = LIST_VOCABS.get(name)
        shown = (lambda code: labels.of(vocab, code)) if vocab else str
        before, after = list(old or []), list(new or [])
        d.removed = [shown(v) for v in before if v not in after]
        d.added = [shown(v) for v in after if v not in before]
        return d
    if name == "file.size":
        d.old, d.new = _filesize(old), _filesize(new)
        if d.old == d.new:  # the rounded sizes look equal: say the bytes
            d.old, d.new = (f"{int(v or 0):,} B".replace(",", ".") for v in (old, new))
        return d
    d.old, d.new = _plain(old), _plain(new)
    if isinstance(old, str | None) and isinstance(new, str | None):
        d.segments = words(d.old, d.new)
    return d
