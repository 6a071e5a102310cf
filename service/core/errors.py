"""One error base class: HTTP status + stable code, rendered as RFC 9457 problem+json (vi + en)."""

from __future__ import annotations

import re
from typing import Any

from service.i18n import error_text

PROBLEM_JSON = "application/problem+json"
ECHO_LIMIT = 200  # characters of client input an error body may repeat, per string
# An absolute file path: a slash not preceded by a word character, a colon, a dot or another slash (so
# URLs and fractions are left alone), at least two segments. The API's own URL paths are not files.
_PATH = re.compile(r"(?<![\w:/.\\])/(?!api/|feeds/)(?:[^\s'\"<>:;,()\[\]{}/]+/)+[^\s'\"<>:;,()\[\]{}]*")


def _last_segment(match: re.Match[str]) -> str:
    name = match.group().rstrip("/").rsplit("/", 1)[-1]
    return f"…/{name}" if name else "…"


def scrub_paths(text: str) -> str:
    """Server file paths (in a decoder's or a library's message) cut to their last segment: an answer
    never shows where the server keeps its files."""
    return _PATH.sub(_last_segment, text)


def clip(value: Any, limit: int = ECHO_LIMIT) -> Any:
    """Input echoed in an error body is cut to `limit` characters per string (a 100k-character title
    must not come back whole); nested lists and dicts are clipped too, to a bounded length."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + "…"
    if isinstance(value, bytes):
        return clip(value.decode("utf-8", "replace"), limit)
    if isinstance(value, dict):
        return {clip(k, limit): clip(v, limit) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple):
        return [clip(v, limit) for v in list(value)[:50]]
    return value


class KhoError(Exception):
    status = 400
    code = "validation_failed"

    def __init__(self, code: str | None = None, *, status: int | None = None, headers: dict[str, str] | None = None,
                 extra: dict[str, Any] | None = None, **params: Any) -> None:
        self.code = code or self.code
        self.status = status or self.status
        self.params = {name: scrub_paths(v) if isinstance(v, str) else v for name, v in clip(params, 500).items()}
        self.headers = headers or {}
        self.extra = clip(extra or {}, 1000)
        super().__init__(self.detail_en)

    @property
    def detail_vi(self) -> str:
        return error_text(self.code, "vi", **self.params)

    @property
    def detail_en(self) -> str:
        return error_text(self.code, "en", **self.params)

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://kho.moet.gov.vn/problems/{self.code.replace('_', '-')}",
            "title": self.detail_vi,
            "status": self.status,
            "detail": self.detail_vi,
            "detail_en": self.detail_en,
            "code": self.code,
        }
        if instance:
            body["instance"] = clip(instance, 500)
        body.update(self.extra)
        return body


class BadRequest(KhoError):
    status = 400


class Unauthorized(KhoError):
    status = 401
    code = "unauthorized"


class Forbidden(KhoError):
    status = 403
    code = "forbidden"


class NotFound(KhoError):
    status = 404
    code = "not_found"


class Conflict(KhoError):
    status = 409
    code = "conflict"


class PayloadTooLarge(KhoError):
    status = 413
    code = "too_large"


class UnsupportedMedia(KhoError):
    status = 415
    code = "unsupported_type"


class Unprocessable(KhoError):
    status = 422


class RangeNotSatisfiable(KhoError):
    status = 416
    code = "invalid_range"


class TooManyRequests(KhoError):
    status = 429
    code = "rate_limited"


class ServiceUnavailable(KhoError):
    status = 503
    code = "storage_unavailable"
