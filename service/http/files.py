"""Serving stored objects over HTTP with single byte ranges (206), ETags and RFC 6266 file names."""

from __future__ import annotations

import re

from fastapi import Request
from starlette.responses import Response, StreamingResponse

from service.core.errors import RangeNotSatisfiable, ServiceUnavailable
from service.http.conditional import not_modified
from storage.base import ObjectStore, StorageUnavailable
from storage.http import content_disposition

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end inclusive) for one satisfiable range; None = whole file. Multi-range requests are
    answered with the whole file (allowed by RFC 9110), malformed ones are ignored."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        n = int(last)
        if n == 0:
            raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
        return max(0, size - n), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
    return start, end


def object_response(request: Request, store: ObjectStore, key: str, *, size: int, media_type: str,
                    filename: str | None, etag: str | None, inline: bool = False) -> Response:
    headers = {"Accept-Ranges": "bytes", "X-Content-Type-Options": "nosniff"}
    if filename:
        headers["Content-Disposition"] = content_disposition(filename, "inline" if inline else "attachment")
    if etag:
        headers["ETag"] = f'"{etag}"'
    if not_modified(request, f'"{etag}"' if etag else None):  # `*` matches whatever the ETag
        return Response(status_code=304, headers=headers)
    if_range = request.headers.get("if-range")
    wanted = parse_range(request.headers.get("range"), size)
    if wanted and if_range and etag and if_range.strip() != f'"{etag}"':
        wanted = None
    start, end = wanted if wanted else (0, size - 1)
    length = max(0, end - start + 1)
    try:
        reader = store.open(key, offset=start, length=length) if length else None
    except StorageUnavailable as exc:
        raise ServiceUnavailable("storage_unavailable") from exc
    headers["Content-Length"] = str(length)
    status = 200
    if wanted:
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"

    def body() -> object:
        if reader is None:
            return
        try:
            yield from reader.iter_chunks()
        finally:
            reader.close()

    return StreamingResponse(body(), status_code=status, media_type=media_type, headers=headers)  # type: ignore[arg-type]
