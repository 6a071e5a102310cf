"""What a job's failure may say outside the server: the reason, never a traceback or a server path.
The details stay in the logs; this is applied where the error is stored and again where it is served
(rows written before it existed)."""

from __future__ import annotations

import re

# An absolute path: a slash not preceded by a word character, a colon, a dot or another slash (so URLs
# and relative bits are left alone), followed by at least one more segment.
_PATH = re.compile(r"(?<![\w:/.\\])/(?:[^\s'\"<>:;,()\[\]{}/]+/)+[^\s'\"<>:;,()\[\]{}]*")
_TRACEBACK = "Traceback (most recent call last)"
LIMIT = 500


def _basename(match: re.Match[str]) -> str:
    name = match.group().rstrip("/").rsplit("/", 1)[-1]
    return f"…/{name}" if name else "…"


def public_error(text: str | None) -> str | None:
    """The first lines before any traceback, server paths cut to their last component, at most LIMIT
    characters on one line."""
    if text is None:
        return None
    head = text.split(_TRACEBACK, 1)[0]
    lines = [line.strip() for line in head.splitlines() if line.strip() and not line.lstrip().startswith("File \"")]
    message = _PATH.sub(_basename, " ".join(lines))
    return message[:LIMIT] or "processing failed"
