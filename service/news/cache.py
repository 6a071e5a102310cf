"""Built ninjs items, memoised by everything they are built from (issue 19 point 4).

Building a 50-item page's ninjs and serialising it was about a third of the list's server time. The key of an
entry is the whole input of `ninjs.to_ninjs` plus the language associations: the item's row (asset, current
version, owner), its renditions, its subjects, the other live members of its group and the base URL. Those are
read from the database on every request as before — the page query still decides which items appear, with
the embargo, expiry and withdrawal of this instant — so an entry is a pure function of its key: an edit, a
withdrawal, a new version, a rights change, a renamed owner or a new rendition makes a new key, never a stale
answer, on this host or on any other (nothing here is shared between processes or trusted across requests).

One entry per asset (its latest build; a rebuild replaces it), found by the asset id and used only when its
inputs compare equal to this request's — an equality test, no hash of the whole input to compute. The id and
the inputs are the raw values the database driver returned (`service.news.repository.RawItem`): they decide
the processed values, and comparing them skips processing rows whose item is already built. One cache per
runtime (`Runtime.adapter`), bounded (least recently used assets go first)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime
from typing import NamedTuple

from service.core.runtime import Runtime

# ~1.5 KB an item: a few MB at most, several full syncs of a large repository between evictions.
ITEM_CACHE_SIZE = 4096


class BuiltItem(NamedTuple):
    raw: bytes  # the item's compact JSON, keys sorted (orjson OPT_SORT_KEYS)
    digest: bytes  # sha256 of `raw`: a page's ETag hashes its items' digests, not all of its bytes again
    stamp: datetime | None  # its `versioncreated`, for the page's Last-Modified
    pulled: tuple[str, str | None] | None  # (asset, version) ids in hex as a pull records them; None: a tombstone


class ItemCache:
    """A bounded LRU map from an asset id (as its raw rows hold it) to (what its item was built from, the built
    item); safe for the server's worker threads."""

    def __init__(self, size: int = ITEM_CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[object, BuiltItem]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, asset_id: Hashable, inputs: object) -> BuiltItem | None:
        """The item built from exactly `inputs`, if that is the asset's cached build."""
        with self._lock:
            entry = self._entries.get(asset_id)
            if entry is None:
                return None
            self._entries.move_to_end(asset_id)
        return entry[1] if entry[0] == inputs else None

    def put(self, asset_id: Hashable, inputs: object, built: BuiltItem) -> None:
        with self._lock:
            self._entries[asset_id] = (inputs, built)
            self._entries.move_to_end(asset_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def _build_item_cache(_rt: Runtime) -> ItemCache:
    return ItemCache()


def item_cache(rt: Runtime) -> ItemCache:
    """The runtime's cache of built items (made on first use)."""
    return rt.adapter(_build_item_cache)
