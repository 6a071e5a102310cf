"""OpenAPI documentation for the newsroom API: ninjs examples and the problem+json answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

NINJS_EXAMPLE: dict[str, Any] = {
    "uri": "https://kho.moet.gov.vn/api/v1/news/items/6f1c2d1e-4b8a-4a55-9f4e-2f0c4c1d9a10",
    "standard": {"name": "ninjs", "version": "2.1", "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"},
    "type": "graphic", "representationtype": "full", "profile": "kho-infographic", "version": "1",
    "firstcreated": "2026-11-02T03:00:00Z", "versioncreated": "2026-11-03T08:30:00Z",
    "contentcreated": "2026-11-02T03:00:00Z", "pubstatus": "usable", "urgency": 5, "language": "vi",
    "title": "Nghị quyết 71: 8 nhóm giải pháp đột phá",
    "headlines": [{"role": "main", "value": "Nghị quyết 71: 8 nhóm giải pháp đột phá"}],
    "descriptions": [{"role": "summary", "value": "Infographic tóm tắt các nhóm giải pháp.",
                      "contenttype": "text/plain"}],
    "subjects": [{"name": "Mục tiêu, nhiệm vụ và các nhóm giải pháp lớn", "rel": "topic",
                  "uri": "https://kho.moet.gov.vn/vocab/topic/muc-tieu-giai-phap",
                  "literal": "topic:muc-tieu-giai-phap"}],
    "copyrightholder": "Bộ Giáo dục và Đào tạo", "copyrightnotice": "© 2026 Bộ GDĐT",
    "usageterms": "Được sử dụng miễn phí cho mục đích tuyên truyền, ghi rõ nguồn.",
    "renditions": [
        {"name": "original", "href": "https://kho.moet.gov.vn/api/v1/news/items/6f1c…/renditions/original",
         "contenttype": "image/png", "sizeinbytes": 2480311, "width": 2400, "height": 3600},
        {"name": "web-image/1600-jpeg",
         "href": "https://kho.moet.gov.vn/api/v1/news/items/6f1c…/renditions/web-image?variant=1600-jpeg",
         "contenttype": "image/jpeg", "sizeinbytes": 412003, "width": 1067, "height": 1600, "format": "web-image"},
    ],
}


class NewsPage(BaseModel):
    items: list[dict[str, Any]] = Field(description="ninjs 2.1 items (withdrawn ones as pubstatus=canceled)")
    next_cursor: str | None = Field(description="pass as ?cursor= to continue; null at the end")


class SignedLinkOut(BaseModel):
    href: str
    expires_at: str
    contenttype: str
    sizeinbytes: int


PROBLEM = {"application/problem+json": {"example": {
    "type": "https://kho.moet.gov.vn/problems/rate-limited", "status": 429, "code": "rate_limited",
    "title": "Quá nhiều yêu cầu, thử lại sau 12 giây.", "detail": "Quá nhiều yêu cầu, thử lại sau 12 giây.",
    "detail_en": "Too many requests, retry in 12 s."}}}

COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
    401: {"description": "Missing or invalid API key"},
    403: {"description": "The key lacks the scope"},
    429: {"description": "Rate limit reached; see Retry-After", "content": PROBLEM,
          "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
}

ITEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    **COMMON_RESPONSES,
    200: {"description": "A ninjs 2.1 item", "content": {"application/json": {"example": NINJS_EXAMPLE}}},
    404: {"description": "No such live item"},
}

PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **COMMON_RESPONSES,
    200: {"description": "A page of ninjs 2.1 items", "content": {"application/json": {"example": {
        "items": [NINJS_EXAMPLE], "next_cursor": "MjAyNi0xMS0wM1QwODozMDowMCswMDowMHw2ZjFj…"}}}},
}

LINK_RESPONSES: dict[int | str, dict[str, Any]] = {
    **COMMON_RESPONSES,
    307: {"description": "Redirect to a time-limited signed URL of the rights-stamped file"},
    200: {"description": "With ?redirect=false: the signed URL and its expiry", "content": {"application/json": {
        "example": {"href": "https://s3.example/kho/delivered/…?X-Amz-Signature=…",
                    "expires_at": "2026-11-03T08:45:00Z", "contenttype": "image/jpeg", "sizeinbytes": 412003}}}},
    410: {"description": "The asset was withdrawn"},
}
