"""Where the files of a rendition live. Most renditions are one object; HLS sets list their playlists,
init and media segments and captions in `extra["files"]`, stored beside the entry point under the same
attempt folder. Every place that deletes or keeps objects asks here."""

from __future__ import annotations

from typing import Any


def stored_keys(object_key: str, extra: dict[str, Any] | None) -> list[str]:
    files = extra.get("files") if isinstance(extra, dict) else None
    if isinstance(files, list) and files and object_key.endswith(str(files[0])):
        base = object_key[: -len(str(files[0]))]
        return [base + str(f) for f in files]
    return [object_key]


def companion_key(object_key: str, extra: dict[str, Any] | None, name: str) -> str | None:
    """The key of one named file of a multi-file rendition, or None if it is not one of its files."""
    files = extra.get("files") if isinstance(extra, dict) else None
    if isinstance(files, list) and name in files:
        return dict(zip(files, stored_keys(object_key, extra), strict=True)).get(name)
    return None
