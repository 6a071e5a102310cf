"""Every API list and feed reads what it shows in a constant number of SQL statements (issue 19 point 4):
the count for 3N items is not larger than for N items. Real app, real database (both stacks)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import quote

from fastapi.testclient import TestClient

from service.core.runtime import current
from tests.conftest import Factory
from tests.querycount import assert_flat, queries_of, shows_all
from tests.service.publication.helpers import Publisher, Rend, api_key, unique_mp3


def _drain() -> None:
    from service.outbox.pump import drain

    while drain(current()):
        pass


def _published(publisher: Publisher, org: str, marker: str, made: list[str], kind: str = "infographic",
               **fields: object):  # noqa: ANN202 - a grow() callback for assert_flat
    def grow(n: int) -> None:
        for _ in range(n):
            title = f"Tài liệu {marker} số {len(made)}"
            renditions = [Rend("web-image", "400-jpeg", b"\xff\xd8jpeg", "image/jpeg", 400, 300),
                          Rend("thumbnail", "thumb-320", b"\xff\xd8jpeg", "image/jpeg", 320, 240)]
            if kind == "podcast":
                renditions = [Rend("podcast", "mp3-128k", unique_mp3(), "audio/mpeg", duration=2.0)]
            made.append(publisher.publish(org_code=org, kind=kind, title=title, renditions=renditions,
                                          content=unique_mp3() if kind == "podcast" else None,
                                          filename="tap.mp3" if kind == "podcast" else "anh.png", **fields))
        _drain()
    return grow


def test_asset_list_api(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    made: list[str] = []
    headers = factory.headers("producer", org)
    org_id = client.get("/api/v1/me", headers=headers).json()["organisation_id"]
    assert_flat(shows_all(client, f"/api/v1/assets?limit=200&org={org_id}", headers, made),
                _published(publisher, org, uuid.uuid4().hex[:6], made))


def test_news_list_and_search(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    from service.models.base import utcnow

    org = factory.org()
    marker = uuid.uuid4().hex[:8]
    since = quote((utcnow() - timedelta(seconds=1)).isoformat())
    _, key = api_key(factory)
    made: list[str] = []
    grow = _published(publisher, org, marker, made)
    listed = assert_flat(shows_all(client, f"/api/v1/news/items?limit=200&updated_since={since}", key, made), grow)
    made_search: list[str] = []
    found = assert_flat(shows_all(client, f"/api/v1/news/search?q={marker}&limit=50", key, made_search),
                        _published(publisher, org, marker, made_search))
    # Whatever the page length: the API key, one row per item (asset + version + owner), renditions,
    # subjects, and the usage record (one outbox row; the pump expands it into events and daily claims).
    # Language groups are read only for a page that holds a member of one (test_news_page_with_language_group).
    assert listed <= NEWS_PAGE_STATEMENTS and found <= NEWS_PAGE_STATEMENTS, (listed, found)


NEWS_PAGE_STATEMENTS = 5


def test_news_page_with_language_group(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    """A page holding an original and its language version reads the group once more: one statement."""
    from service.core.db import unit_of_work
    from service.models import Asset

    org = factory.org()
    marker = uuid.uuid4().hex[:8]
    _, key = api_key(factory)
    made: list[str] = []
    _published(publisher, org, marker, made)(2)
    with unit_of_work() as session:
        translation = session.get(Asset, uuid.UUID(made[1]))
        assert translation is not None
        translation.variant_of_id, translation.language = uuid.UUID(made[0]), "en"
    _drain()
    request = shows_all(client, f"/api/v1/news/search?q={marker}&limit=50", key, made)
    request()
    log = queries_of(request)
    assert log.count <= NEWS_PAGE_STATEMENTS + 1, str(log)
    item = client.get(f"/api/v1/news/items/{made[0]}", headers=key).json()
    assert [a["uri"].rsplit("/", 1)[-1] for a in item["associations"]] == [made[1]]


def test_search_api(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    marker = uuid.uuid4().hex[:8]
    made: list[str] = []
    headers = factory.headers("staff", org)
    assert_flat(shows_all(client, f"/api/v1/search?q={marker}&limit=100", headers, made),
                _published(publisher, org, marker, made))


def test_feeds(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    made: list[str] = []
    assert_flat(shows_all(client, f"/feeds/atom?org={org}", {}, made),
                _published(publisher, org, uuid.uuid4().hex[:6], made))
    made = []
    assert_flat(shows_all(client, f"/feeds/feed.json?org={org}", {}, made),
                _published(publisher, org, uuid.uuid4().hex[:6], made))
    made = []
    assert_flat(shows_all(client, f"/feeds/podcast.rss?org={org}", {}, made),
                _published(publisher, org, uuid.uuid4().hex[:6], made, kind="podcast"))


def test_review_queue_api(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    org = factory.org()
    producer = factory.headers("producer", org)
    reviewer = factory.headers("reviewer", org)
    made: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            asset_id = publisher.upload(org_code=org, title=f"Chờ duyệt {len(made)}", alt_text="Mô tả")
            r = client.post(f"/api/v1/assets/{asset_id}/submit", json={}, headers=producer)
            assert r.status_code == 200, r.text
            made.append(asset_id)

    assert_flat(shows_all(client, "/api/v1/review-queue?limit=500", reviewer, made), grow)


def test_notifications_api(client: TestClient, factory: Factory) -> None:
    from sqlalchemy import select

    from service.core.db import unit_of_work
    from service.models import User
    from service.notifications import service as notifications
    from service.notifications.content import Notice

    email, token = factory.user("producer")
    made: list[str] = []

    def grow(n: int) -> None:
        with unit_of_work() as session:
            user = session.scalars(select(User).where(User.email == email)).one()
            for _ in range(n):
                title = f"Thông báo {uuid.uuid4().hex[:8]}"
                notifications.notify(session, [user], Notice("published", title, "http://testserver/"),
                                     f"test:{title}")
                made.append(title)

    assert_flat(shows_all(client, "/api/v1/notifications?limit=200", {"Authorization": f"Bearer {token}"}, made),
                grow)


def test_admin_api_lists(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    admin = factory.headers("admin", org)
    users: list[str] = []

    def more_users(n: int) -> None:
        for _ in range(n):
            users.append(factory.user("producer", factory.org(parent_code=org))[0])

    assert_flat(shows_all(client, "/api/v1/users", admin, users), more_users)
    units: list[str] = []
    assert_flat(shows_all(client, "/api/v1/organisations", admin, units),
                lambda n: units.extend(factory.org(parent_code=org) for _ in range(n)))
    keys: list[str] = []
    assert_flat(shows_all(client, "/api/v1/api-keys", admin, keys),
                lambda n: keys.extend(api_key(factory, org)[0] for _ in range(n)))
