"""Multi-valued facets as bit masks, so their counts stay fast at a million documents.

Tantivy's terms aggregation over multi-valued text columns costs ~100 µs per thousand documents per field;
over a single-valued number it is an order of magnitude cheaper. Each vocabulary code of topic, audience,
level, channel and profile therefore gets a stable bit (persisted beside the index), a document stores the
OR of its codes' bits, and the counts per mask are expanded to counts per code in Python (there are only as
many distinct masks as code combinations). Aggregation keys come back as floats, hence 52 bits; a field
with more codes than that falls back to the text-column aggregation.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

MASK_FIELDS: dict[str, str] = {
    "topic": "m_topic", "audience": "m_audience", "level": "m_level", "channel": "m_channel",
    "profile": "m_profile",
}
MAX_BITS = 52
FILE_NAME = "kho-facet-bits.json"


class FacetBits:
    def __init__(self, directory: Path | None) -> None:
        self._file = directory / FILE_NAME if directory is not None else None
        self._lock = threading.Lock()
        self._codes: dict[str, list[str]] = {f: [] for f in MASK_FIELDS}
        self._bit: dict[str, dict[str, int]] = {f: {} for f in MASK_FIELDS}
        self._dirty = False
        self.reload()

    def reload(self) -> None:
        if self._file is None or not self._file.exists():
            return
        data = json.loads(self._file.read_text(encoding="utf-8"))
        with self._lock:
            for field in MASK_FIELDS:
                codes = [str(c) for c in data.get(field, [])]
                self._codes[field] = codes
                self._bit[field] = {c: i for i, c in enumerate(codes)}

    def mask(self, field: str, codes: Iterable[str]) -> int:
        value = 0
        with self._lock:
            bits = self._bit[field]
            for code in codes:
                if code not in bits:
                    bits[code] = len(self._codes[field])
                    self._codes[field].append(code)
                    self._dirty = True
                if bits[code] < MAX_BITS:
                    value |= 1 << bits[code]
        return value

    def overflowing(self, field: str) -> bool:
        return len(self._codes[field]) > MAX_BITS

    def save(self) -> None:
        """Written before the commit that first uses a new bit, so readers never see an unknown bit."""
        with self._lock:
            if not self._dirty or self._file is None:
                self._dirty = False
                return
            tmp = self._file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._codes, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self._file)
            self._dirty = False

    def expand(self, field: str, masks: Sequence[float], counts: Sequence[int]) -> dict[str, int]:
        """Counts per code from counts per mask: one matrix product over the mask bits."""
        codes = self._codes[field]
        if not masks or not codes:
            return {}
        width = min(len(codes), MAX_BITS)
        keys = np.asarray(masks, dtype=np.float64).astype(np.uint64)  # masks < 2**52 are exact floats
        bits = (keys[:, None] >> np.arange(width, dtype=np.uint64)) & np.uint64(1)
        totals = np.asarray(counts, dtype=np.int64) @ bits.astype(np.int64)
        found = {codes[i]: int(totals[i]) for i in np.flatnonzero(totals > 0)}
        return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))
