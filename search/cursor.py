"""Opaque pagination cursors, bound to the query they continue.

Sorted pages (newest, downloads) use keyset cursors: the last sort key and the ids already returned with
that key, so inserts and deletes between pages cause neither duplicates nor gaps. Relevance pages carry an
offset plus a snapshot token that lets the engine reuse the very searcher of the first page.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass, field

from search.types import SearchQuery


class InvalidCursor(ValueError):
    """The cursor is malformed or belongs to another query."""


@dataclass
class Cursor:
    fingerprint: str
    offset: int = 0  # relevance
    snapshot: str = ""  # relevance: engine-specific snapshot token
    last_key: int | None = None  # keyset sorts
    seen: list[str] = field(default_factory=list)  # ids already returned whose key == last_key
    total: int = 0  # keyset sorts: the total counted on the first page
    relaxed: bool = False  # the first page fell back to "most words" matching (older cursors)
    mode: str = ""  # embedded engine: which text query ("strict", "near", "loose", "relaxed") the first page used


def fingerprint(query: SearchQuery) -> str:
    filters = {k: sorted(str(v) for v in vals) for k, vals in sorted(query.filters.items())}
    rules = [(r.statuses, r.org_ids) for r in query.visibility.rules]
    raw = json.dumps([query.q, filters, rules, query.sort], ensure_ascii=False, default=list)
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def encode(cursor: Cursor) -> str:
    raw = json.dumps(asdict(cursor), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, query: SearchQuery) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        cursor = Cursor(**json.loads(raw))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("malformed cursor") from exc
    if cursor.fingerprint != fingerprint(query):
        raise InvalidCursor("cursor belongs to another query")
    return cursor


def with_mode(token: str, mode: str) -> str:
    """The cursor `token` remembering the text query mode of its first page."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    cursor = Cursor(**json.loads(raw))
    cursor.mode = mode
    cursor.relaxed = mode == "relaxed"
    return encode(cursor)
