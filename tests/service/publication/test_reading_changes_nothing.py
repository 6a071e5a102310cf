"""Reading does not change an item: downloads (original, rendition, newsroom link, kit ZIP) leave ninjs
`versioncreated`, the ETag, the `updated_since` sync and the Atom `<updated>` where they were; an
editorial change (here a withdrawal) moves them."""

from __future__ import annotations

from typing import Any

import feedparser
from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, Rend, api_key, jpeg
from tests.service.publication.test_news import _fetch_signed


def _state(client: TestClient, key: dict[str, str], asset_id: str, org: str) -> dict[str, Any]:
    item = client.get(f"/api/v1/news/items/{asset_id}", headers=key)
    feed = feedparser.parse(client.get(f"/feeds/orgs/{org}.atom").content)
    entries = [e for e in feed.entries if asset_id in e.id]
    return {"versioncreated": item.json()["versioncreated"], "etag": item.headers["etag"],
            "last_modified": item.headers["last-modified"],
            "atom_updated": entries[0].updated if entries else None, "feed_updated": feed.feed.updated}


def test_downloads_leave_the_item_unchanged(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    asset_id = publisher.publish(org_code=org, title="Đọc không làm đổi", renditions=[
        Rend("web-image", "800-jpeg", jpeg((160, 90), 7), "image/jpeg", 160, 90)])
    _, key = api_key(factory)
    staff = factory.headers("staff", org)
    before = _state(client, key, asset_id, org)

    assert client.get(f"/api/v1/assets/{asset_id}/original", headers=staff).status_code == 200
    listing = client.get(f"/api/v1/assets/{asset_id}/renditions", headers=staff).json()
    rendition = next(r for p in listing["profiles"] for r in p["renditions"])
    assert client.get(f"/api/v1/assets/{asset_id}/renditions/{rendition['id']}", headers=staff).status_code == 200
    link = client.get(f"/api/v1/news/items/{asset_id}/renditions/original", headers=key, follow_redirects=False)
    assert _fetch_signed(client, link.headers["location"]).status_code == 200
    slug = f"doc-{org[-8:].lower()}"
    assert client.post("/api/v1/kits", json={"slug": slug, "title": "Bộ", "items": [{"asset_id": asset_id}]},
                       headers=factory.headers("producer", org)).status_code == 201
    assert client.get(f"/api/v1/kits/{slug}.zip", headers=key).status_code == 200
    assert client.get(f"/api/v1/assets/{asset_id}", headers=staff).json()["download_count"] >= 2  # counted…

    after = _state(client, key, asset_id, org)
    assert after == before  # …but nothing a reader syncs on moved
    again = client.get(f"/api/v1/news/items/{asset_id}", headers={**key, "If-None-Match": before["etag"]})
    assert again.status_code == 304
    page = client.get("/api/v1/news/items", params={"updated_since": before["versioncreated"], "limit": "200"},
                      headers=key).json()
    assert asset_id not in [i["altids"][0]["value"] for i in page["items"]]

    reviewer = factory.headers("admin", org)
    r = client.post(f"/api/v1/assets/{asset_id}/withdraw", json={"reason": "Số liệu đã cũ"}, headers=reviewer)
    assert r.status_code == 200, r.text
    withdrawn = client.get(f"/api/v1/news/items/{asset_id}", headers=key).json()
    assert withdrawn["pubstatus"] == "canceled" and withdrawn["versioncreated"] > before["versioncreated"]
    page = client.get("/api/v1/news/items", params={"updated_since": before["versioncreated"], "limit": "200"},
                      headers=key).json()
    assert asset_id in [i["altids"][0]["value"] for i in page["items"]]
