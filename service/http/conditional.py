"""Conditional GET (RFC 9110 §13): one evaluation of If-None-Match / If-Modified-Since for every route
that sends an ETag or Last-Modified, so each answers 304 the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _etag_matches(header: str, etag: str | None) -> bool:
    """`*` matches any current representation; otherwise weak comparison, as §13.1.2 asks for GET."""
    tags = [t.strip() for t in header.split(",") if t.strip()]
    if "*" in tags:
        return True
    return etag is not None and etag.removeprefix("W/") in [t.removeprefix("W/") for t in tags]


def not_modified(request: Request, etag: str | None = None, last_modified: datetime | None = None) -> bool:
    """True when the client's copy is current. If-Modified-Since counts only without If-None-Match."""
    none_match = request.headers.get("if-none-match")
    if none_match is not None:
        return _etag_matches(none_match, etag)
    since_header = request.headers.get("if-modified-since")
    if not since_header or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(since_header)
    except (TypeError, ValueError, IndexError):
        return False  # an unparsable date is ignored (§13.1.3)
    if since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since
