"""Which synonym groups every document of the embedded index is tagged with (the `syn` field).

Documents are tagged at index time with the synonym table of the process that wrote them. A query may use
a group's tag instead of spelling out every phrase only if every document was tagged with that very group:
a group added or edited since the last full rebuild is searched the slow way (phrase by phrase) until
`kho reindex`. The record only shrinks on writes (intersection with the writer's table) and is reset to the
writer's table when the index is cleared, so it is never more trusting than the documents allow.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from search.synonyms import SynonymTable

FILE_NAME = "kho-synonyms.json"


class SynonymCoverage:
    def __init__(self, directory: Path | None, table: SynonymTable, empty_index: bool) -> None:
        self._file = directory / FILE_NAME if directory is not None else None
        self._table_keys = table.keys
        self._lock = threading.Lock()
        loaded = self._load()
        if loaded is None:
            # A new index holds no document yet: every document it will hold is tagged with this table.
            loaded = self._table_keys if empty_index else frozenset()
            self._save(loaded)
        self._keys = loaded

    def covers(self, key: str) -> bool:
        return key in self._keys

    def stale(self) -> int:
        """Groups of this process's table that queries cannot take from the index."""
        return len(self._table_keys - self._keys)

    def before_write(self) -> None:
        """Called before documents tagged with this table are committed."""
        with self._lock:
            kept = self._keys & self._table_keys
            if kept != self._keys:
                self._save(kept)
                self._keys = kept

    def after_clear(self) -> None:
        with self._lock:
            self._save(self._table_keys)
            self._keys = self._table_keys

    def reload(self) -> None:
        """Another process wrote to the index: take its record."""
        loaded = self._load()
        if loaded is not None:
            with self._lock:
                self._keys = loaded

    def _load(self) -> frozenset[str] | None:
        if self._file is None:
            return None
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:
            return frozenset()  # unreadable: trust nothing, the slow path is always right
        return frozenset(str(k) for k in data.get("keys", []))

    def _save(self, keys: frozenset[str]) -> None:
        if self._file is None:
            return
        tmp = self._file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"keys": sorted(keys)}), encoding="utf-8")
        os.replace(tmp, self._file)  # readers see the old or the new record, never half of one
