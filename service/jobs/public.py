"""What a job's failure may say outside the server: the reason, never a traceback or a server path.
The details stay in the logs; this is applied where the error is stored and again where it is served
(rows written before it existed)."""

from __future__ import annotations

from service.core.errors import scrub_paths

_TRACEBACK = "Traceback (most recent call last)"
LIMIT = 500


def public_error(text: str | None) -> str | None:
    """The first lines before any traceback, server paths cut to their last component, at most LIMIT
    characters on one line."""
    if text is None:
        return None
    head = text.split(_TRACEBACK, 1)[0]
    lines = [line.strip() for line in head.splitlines() if line.strip() and not line.lstrip().startswith("File \"")]
    message = scrub_paths(" ".join(lines))
    return message[:LIMIT] or "processing failed"
