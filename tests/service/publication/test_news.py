"""Newsroom API: ninjs 2.1 validity, sync with updated_since + cursor, search, ETag, signed downloads
with rights embedded, withdrawal tombstones, rate limits."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient
from PIL import Image, IptcImagePlugin

from service.core.runtime import current
from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, Rend, api_key, jpeg, ninjs_errors, set_status


def _fetch_signed(client: TestClient, href: str) -> httpx.Response:
    """Local store links point at /objects/{token} on this app; S3 links at the test S3 server."""
    if href.startswith("http://testserver"):
        return client.get(urlsplit(href)._replace(scheme="", netloc="").geturl())
    return httpx.get(href, timeout=10)


def test_items_validate_against_ninjs_schema(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    asset_id = publisher.publish(org_code=org, credit="Vụ Truyền thông", copyright_notice="© 2026 Bộ GDĐT",
                                 usage_terms="Sử dụng miễn phí, ghi rõ nguồn.", summary="Tóm tắt ngắn",
                                 renditions=[Rend("web-image", "800-jpeg", jpeg((160, 90)), "image/jpeg", 160, 90)])
    _, headers = api_key(factory)
    r = client.get(f"/api/v1/news/items/{asset_id}", headers=headers)
    assert r.status_code == 200, r.text
    item = r.json()
    assert not ninjs_errors(item)
    assert item["pubstatus"] == "usable" and item["type"] == "graphic"
    assert item["headlines"][0]["value"].startswith("Infographic Nghị quyết 71")
    assert item["copyrightnotice"] == "© 2026 Bộ GDĐT" and item["usageterms"].startswith("Sử dụng")
    assert {"rel": "topic", "literal": "topic:y-nghia-quan-diem"}.items() <= item["subjects"][0].items()
    names = {r["name"]: r for r in item["renditions"]}
    assert set(names) == {"original", "web-image/800-jpeg"}
    assert names["web-image/800-jpeg"]["width"] == 160 and names["original"]["contenttype"] == "image/png"

    page = client.get("/api/v1/news/items?limit=200", headers=headers).json()
    for it in page["items"]:  # every item of the stack, language groups made by other tests included
        assert not ninjs_errors(it), it["uri"]


def test_sync_with_updated_since_cursor_and_tombstones(client: TestClient, factory: Factory,
                                                       publisher: Publisher) -> None:
    from service.models.base import utcnow

    start = utcnow() - timedelta(seconds=1)
    ids = [publisher.publish(title=f"Bài đồng bộ {i}") for i in range(5)]
    _, headers = api_key(factory)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"updated_since": start.isoformat(), "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/news/items", params=params, headers=headers).json()
        seen += [it["altids"][0]["value"] for it in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [s for s in seen if s in ids] == ids  # oldest change first, no duplicates, nothing skipped

    set_status(ids[0], "withdrawn")
    page = client.get("/api/v1/news/items", params={"updated_since": start.isoformat(), "limit": "200"},
                      headers=headers).json()
    tomb = next(it for it in page["items"] if it["altids"][0]["value"] == ids[0])
    assert tomb["pubstatus"] == "canceled" and "headlines" not in tomb
    assert not ninjs_errors(tomb)
    assert client.get(f"/api/v1/news/items/{ids[0]}", headers=headers).json()["pubstatus"] == "canceled"
    r = client.get(f"/api/v1/news/items/{ids[0]}/renditions/original", headers=headers, follow_redirects=False)
    assert r.status_code == 410 and r.json()["reason"]


def test_search_etag_and_scopes(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    word = f"tukhoa{factory.org()[-6:].lower()}"
    asset_id = publisher.publish(title=f"Chuyển đổi số {word}")
    from service.outbox.pump import drain

    while drain(current()):  # the search index follows the database through the outbox
        pass
    _, headers = api_key(factory)
    r = client.get("/api/v1/news/search", params={"q": word.upper()}, headers=headers)
    assert r.status_code == 200
    assert [it["altids"][0]["value"] for it in r.json()["items"]] == [asset_id]
    etag = client.get(f"/api/v1/news/items/{asset_id}", headers=headers).headers["etag"]
    again = client.get(f"/api/v1/news/items/{asset_id}", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag
    _, read_only = api_key(factory, scopes=["assets:read"])
    r = client.get(f"/api/v1/news/items/{asset_id}/renditions/original", headers=read_only)
    assert r.status_code == 403
    assert client.get("/api/v1/news/items").status_code == 401


def test_signed_download_carries_rights(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    asset_id = publisher.publish(copyright_notice="© 2026 Sở GDĐT Hà Nội", credit="Phòng Truyền thông",
                                 usage_terms="Không dùng cho mục đích thương mại.",
                                 renditions=[Rend("web-image", "400-jpeg", jpeg((120, 80), 7), "image/jpeg", 120, 80)])
    _, headers = api_key(factory)
    r = client.get(f"/api/v1/news/items/{asset_id}/renditions/web-image", params={"redirect": "false"},
                   headers=headers)
    assert r.status_code == 200, r.text
    link = r.json()
    assert link["contenttype"] == "image/jpeg"
    got = _fetch_signed(client, link["href"])
    assert got.status_code == 200 and len(got.content) == link["sizeinbytes"]
    img = Image.open(io.BytesIO(got.content))
    assert "© 2026 Sở GDĐT Hà Nội" in img.info["xmp"].decode("utf-8")
    iptc = IptcImagePlugin.getiptcinfo(img)
    copyright = iptc[(2, 116)] if iptc else b""
    assert isinstance(copyright, bytes) and copyright.decode("utf-8") == "© 2026 Sở GDĐT Hà Nội"
    assert img.size == (120, 80)
    redirect = client.get(f"/api/v1/news/items/{asset_id}/renditions/web-image", headers=headers,
                          follow_redirects=False)
    assert redirect.status_code == 307 and redirect.headers["location"].startswith(("http://", "https://"))
    assert client.get(f"/api/v1/news/items/{asset_id}/renditions/nope", headers=headers).status_code == 404


def test_rate_limit_answers_429_with_retry_after(client: TestClient, factory: Factory) -> None:
    _, headers = api_key(factory, rate=3)
    answers = [client.get("/api/v1/news/items?limit=1", headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    # Counted once per request (by the ops middleware), against the key's own limit: 3 - 2 = 1 left.
    assert answers[1].headers["ratelimit-limit"] == "3" and answers[1].headers["ratelimit-remaining"] == "1"
    r = client.get("/api/v1/news/items?limit=1", headers=headers)
    assert r.status_code == 429 and r.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(r.headers["retry-after"]) <= 60 and r.json()["code"] == "rate_limited"
    assert r.json()["retry_after"] == int(r.headers["retry-after"])
    _, other = api_key(factory, rate=3)
    assert client.get("/api/v1/news/items?limit=1", headers=other).status_code == 200  # per key


def test_openapi_documents_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/news/items/{asset_id}"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["example"]["standard"]["name"] == "ninjs"
    assert "429" in op["responses"]
