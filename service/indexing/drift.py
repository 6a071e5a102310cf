"""`kho search-check`: what the search index holds against the database, beyond ids.

The index is read through the `SearchIndex` protocol only, so the check is the same on every engine: one
walk of the index per status (a status filter, newest first, cursor by cursor) tells which status each
document is indexed under, and the hits carry the indexed title and summary. A document under another
status than the database's (published in the index, withdrawn in the database) is the drift that leaks or
hides assets; a title or summary of an older version is drift too.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from search.highlight import Highlighter
from search.protocol import SearchIndex
from search.types import SearchQuery, Visibility
from search.vietnamese import nfc
from service.indexing import repository
from service.indexing.documents import index_status
from service.models.asset import ASSET_STATUSES

PAGE = 200
INDEX_ONLY_STATUSES = ("scheduled", "expired")  # published assets outside their publication window


@dataclass(frozen=True)
class Indexed:
    status: str
    title: str
    summary: str  # the summary fragment a hit shows without a query


@dataclass(frozen=True)
class Drift:
    missing: set[str]  # in the database, not in the index
    stale: set[str]  # in the index, no longer in the database
    status: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (indexed, in the database)
    content: set[str] = field(default_factory=set)  # indexed title or summary of an older version

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.status or self.content)


def indexed(index: SearchIndex, statuses: set[str]) -> dict[str, Indexed]:
    """What the index holds for every document filed under one of `statuses`."""
    out: dict[str, Indexed] = {}
    for status in sorted(statuses):
        query = SearchQuery(filters={"status": [status]}, visibility=Visibility.everything(), sort="newest",
                            limit=PAGE, facets=False)
        while True:
            page = index.search(query)
            for hit in page.hits:
                out[hit.id] = Indexed(status, html.unescape(hit.title_html), html.unescape(hit.summary_html))
            if page.next_cursor is None:
                break
            query.cursor = page.next_cursor
    return out


def drift(session: Session, index: SearchIndex) -> Drift:
    expected: dict[str, tuple[str, str, str]] = {}
    for batch in repository.iter_asset_states(session):
        for asset in batch:
            expected[str(asset.id)] = (index_status(asset), nfc(asset.title), nfc(asset.summary))
    in_index = index.ids()
    held = indexed(index, {s for s, _, _ in expected.values()} | {*ASSET_STATUSES, *INDEX_ONLY_STATUSES})
    plain = Highlighter(())
    status: dict[str, tuple[str, str]] = {}
    content: set[str] = set()
    for doc_id, (want, title, summary) in expected.items():
        if doc_id not in in_index:
            continue
        found = held.get(doc_id)
        if found is None or found.status != want:
            status[doc_id] = (found.status if found else "?", want)
        elif found.title != title or found.summary != html.unescape(plain.fragment(summary)):
            content.add(doc_id)
    return Drift(missing=set(expected) - in_index, stale=in_index - set(expected), status=status, content=content)
