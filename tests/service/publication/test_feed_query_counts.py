"""The filtered feeds (topic, audience, organisation, kind), kits (list, one kit, its ZIP) and search suggestions
read what they show in a constant number of SQL statements: the count for 3N items is not larger than for N
(issue 19; tests/querycount.py). Real app, real database (both stacks).

A feed holds the newest 50 items: each feed here is made to hold only this test's items (a fresh unit, a
fresh topic or audience term, a kind no other test publishes), otherwise a full feed would stay flat whatever
it reads per item."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable

from fastapi.testclient import TestClient

from service.core.runtime import current
from tests.conftest import Factory
from tests.querycount import assert_flat, shows_all
from tests.service.publication.helpers import Publisher, Rend

Grow = Callable[[int], None]


def _drain() -> None:
    from service.outbox.pump import drain

    while drain(current()):
        pass


def _published(publisher: Publisher, org: str, made: list[str], *, kind: str | None = None, **fields: object
               ) -> Grow:
    """Published items with a web image and a thumbnail; `kind` is set afterwards through the ORM (test set-up:
    a kind whose upload needs another file type)."""
    from service.core.db import unit_of_work
    from service.models import Asset

    def grow(n: int) -> None:
        for _ in range(n):
            asset_id = publisher.publish(
                org_code=org, title=f"Tài liệu {uuid.uuid4().hex[:8]}", alt_text="Mô tả",
                renditions=[Rend("web-image", "400-jpeg", b"\xff\xd8jpeg", "image/jpeg", 400, 300),
                            Rend("thumbnail", "thumb-320", b"\xff\xd8jpeg", "image/jpeg", 320, 240)], **fields)
            if kind:
                with unit_of_work() as session:
                    asset = session.get(Asset, uuid.UUID(asset_id))
                    assert asset is not None
                    asset.kind = kind
            made.append(asset_id)
        _drain()
    return grow


def _term(vocabulary: str) -> str:
    """A fresh term of a shared vocabulary (it stays: published items refer to it)."""
    from sqlalchemy import func, select

    from service.core.db import unit_of_work
    from service.models import VocabularyTerm

    code = f"zz-thu-{uuid.uuid4().hex[:8]}"
    with unit_of_work() as session:
        top = session.scalar(select(func.max(VocabularyTerm.position))
                             .where(VocabularyTerm.vocabulary == vocabulary)) or 0
        session.add(VocabularyTerm(vocabulary=vocabulary, code=code, label_vi=f"Thử {code}", label_en=f"Test {code}",
                                   position=top + 1))
    return code


def test_filtered_feeds(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    made: list[str] = []
    assert_flat(shows_all(client, f"/feeds/orgs/{org}.atom", {}, made), _published(publisher, org, made))
    topic = _term("topic")
    made = []
    assert_flat(shows_all(client, f"/feeds/topics/{topic}.atom", {}, made),
                _published(publisher, org, made, topics=[topic]))
    audience = _term("audience")
    made = []
    assert_flat(shows_all(client, f"/feeds/audiences/{audience}.atom", {}, made),
                _published(publisher, org, made, audiences=[audience]))


def test_kind_feed(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    made: list[str] = []
    request = shows_all(client, "/feeds/kinds/document.atom", {}, made)
    assert_flat(request, _published(publisher, org, made, kind="document"))
    assert client.get("/feeds/kinds/document.atom").text.count("<entry>") < 50, "the feed is full: flat proves nothing"


def _kit(client: TestClient, headers: dict[str, str], items: list[str]) -> str:
    slug = f"bo-thu-{uuid.uuid4().hex[:8]}"
    r = client.post("/api/v1/kits", headers=headers,
                    json={"slug": slug, "title": f"Bộ {slug}", "items": [{"asset_id": a} for a in items]})
    assert r.status_code == 201, r.text
    return slug


def test_kits(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    producer = factory.headers("producer", org)
    staff = factory.headers("staff", org)
    first: list[str] = []
    _published(publisher, org, first)(1)
    slugs: list[str] = []
    assert_flat(shows_all(client, "/api/v1/kits?limit=500", staff, slugs),
                lambda n: slugs.extend(_kit(client, producer, first) for _ in range(n)))
    items = list(first)
    slug = _kit(client, producer, items)
    assert_flat(shows_all(client, f"/api/v1/kits/{slug}", staff, items), _more_items(publisher, org, slug, items))
    # The ZIP asks for a rendition profile per item (read for all items at once); every item's download is
    # recorded in one write, whatever the number of items: nothing is left out of the count.
    zipped = list(first)
    zip_slug = _kit(client, producer, zipped)
    assert_flat(_zip_lists(client, f"/api/v1/kits/{zip_slug}.zip", staff, zipped),
                _more_items(publisher, org, zip_slug, zipped, profile="web-image"))


def _more_items(publisher: Publisher, org: str, slug: str, items: list[str], profile: str | None = None) -> Grow:
    """Publishes n more items and puts every item made so far in the kit (with a rendition `profile`)."""
    grow = _published(publisher, org, items)

    def more(n: int) -> None:
        grow(n)
        r = publisher.client.patch(f"/api/v1/kits/{slug}", headers=publisher.factory.headers("producer", org),
                                   json={"items": [{"asset_id": a, "profile": profile} for a in items]})
        assert r.status_code == 200, r.text
    return more


def _zip_lists(client: TestClient, path: str, headers: dict[str, str], items: list[str]) -> Callable[[], None]:
    """The request under count for a kit's ZIP: its manifest names every item."""
    def request() -> None:
        r = client.get(path, headers=headers)
        assert r.status_code == 200, r.text[:300]
        manifest = json.dumps(json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("manifest.json")))
        assert all(asset_id in manifest for asset_id in items), manifest
    return request


def test_search_suggestions(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    staff = factory.headers("staff", org)
    marker = uuid.uuid4().hex[:8]
    titles: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            title = f"Tài liệu {marker} số {len(titles)}"
            publisher.publish(org_code=org, title=title, alt_text="Mô tả")
            titles.append(title)
        _drain()

    assert_flat(shows_all(client, f"/api/v1/search/suggest?q={marker}&limit=20", staff, titles), grow)
