"""The newsroom list's cache of built items (`service.news.cache`) never serves a stale item: after an edit,
a rights change, a renamed owner, a new rendition, a new version or a withdrawal the very next list shows it,
on this host and on a second one (another runtime on the same database), on both stacks."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import orjson
from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.publication.helpers import Publisher, Rend, add_rendition, api_key, jpeg, ninjs_errors


def _page(client: TestClient, headers: dict[str, str], since: datetime) -> dict[str, Any]:
    r = client.get("/api/v1/news/items", params={"updated_since": since.isoformat(), "limit": "200"},
                   headers=headers)
    assert r.status_code == 200, r.text
    return dict(orjson.loads(r.content))


def _item(client: TestClient, headers: dict[str, str], since: datetime, asset_id: str) -> dict[str, Any]:
    items = [i for i in _page(client, headers, since)["items"] if i["altids"][0]["value"] == asset_id]
    assert len(items) == 1
    assert not ninjs_errors(items[0])
    return dict(items[0])


def _edit_asset(asset_id: str, **values: Any) -> None:
    """An approved change as it lands: the asset's columns updated through the ORM (edited_at moves too)."""
    from service.core.db import unit_of_work
    from service.models import Asset

    with unit_of_work() as session:
        asset = session.get(Asset, uuid.UUID(asset_id))
        assert asset is not None
        for name, value in values.items():
            setattr(asset, name, value)


def _rename_owner(org_code: str, name: str) -> None:
    from sqlalchemy import update

    from service.core.db import unit_of_work
    from service.models import Organisation

    with unit_of_work() as session:
        session.execute(update(Organisation).where(Organisation.code == org_code).values(name=name))


def _new_version(asset_id: str) -> None:
    """A second version approved and made current (what the workflow's approval of a new file leaves)."""
    from service.core.db import unit_of_work
    from service.models import Asset, Version
    from service.models.base import utcnow

    with unit_of_work() as session:
        asset = session.get(Asset, uuid.UUID(asset_id))
        assert asset is not None
        version = Version(asset_id=asset.id, number=2, status="published", object_key=f"originals/{uuid.uuid4().hex}",
                          sha256=uuid.uuid4().hex * 2, size=4321, media_type="image/jpeg",
                          original_filename="ban-moi.jpg", probe={"width": 640, "height": 360},
                          decided_at=utcnow())
        session.add(version)
        session.flush()
        asset.current_version_id = version.id


@contextmanager
def second_host() -> Iterator[TestClient]:
    """Another API process on the same database: its own runtime (engine, caches) and its own app."""
    from service.app import create_app
    from service.core.runtime import Runtime

    rt = Runtime.build()
    app = create_app()
    app.state.runtime = rt
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            yield c
    finally:
        rt.close()


def _cached(client: TestClient) -> int:
    from service.news.cache import item_cache

    return len(item_cache(client.app.state.runtime))  # type: ignore[attr-defined]


def test_every_change_shows_in_the_very_next_list(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    from service.models.base import utcnow

    since = utcnow() - timedelta(seconds=1)
    org = factory.org()
    asset_id = publisher.publish(org_code=org, title="Bài gốc về chuyển đổi số", summary="Tóm tắt đầu",
                                 credit="Vụ Truyền thông", copyright_notice="© 2026 Bộ GDĐT")
    _, headers = api_key(factory)
    first = _item(client, headers, since, asset_id)
    assert _item(client, headers, since, asset_id) == first and _cached(client) > 0  # served from the cache

    steps: list[tuple[Callable[[], None], Callable[[dict[str, Any]], bool]]] = [
        (lambda: _edit_asset(asset_id, title="Tiêu đề đã sửa", summary="Tóm tắt mới"),
         lambda i: i["title"] == "Tiêu đề đã sửa" and i["descriptions"][0]["value"] == "Tóm tắt mới"),
        (lambda: _edit_asset(asset_id, copyright_notice="© 2026 Báo Giáo dục", usage_terms="Chỉ dùng nội bộ",
                             licence="https://creativecommons.org/licenses/by/4.0/"),
         lambda i: i["copyrightnotice"] == "© 2026 Báo Giáo dục" and i["usageterms"] == "Chỉ dùng nội bộ"
         and i["rightsinfo"] == {"linkedrights": "https://creativecommons.org/licenses/by/4.0/"}),
        (lambda: _rename_owner(org, "Đơn vị đã đổi tên"),
         lambda i: i["copyrightholder"] == "Đơn vị đã đổi tên"),
        (lambda: add_rendition(asset_id, Rend("web-image", "800-jpeg", jpeg((160, 90)), "image/jpeg", 160, 90)),
         lambda i: "web-image/800-jpeg" in {r["name"] for r in i["renditions"]}),
        (lambda: _new_version(asset_id),
         lambda i: i["version"] == "2" and i["renditions"][0]["title"] == "ban-moi.jpg"
         and i["renditions"][0]["width"] == 640 and len(i["renditions"]) == 1),
        (lambda: _edit_asset(asset_id, expires_at=utcnow() + timedelta(days=3)),
         lambda i: "expires" in i),
    ]
    for change, shows in steps:
        before = _item(client, headers, since, asset_id)
        change()
        after = _item(client, headers, since, asset_id)
        assert after != before and shows(after), after

    h = factory.headers("reviewer", org)
    r = client.post(f"/api/v1/assets/{asset_id}/withdraw", json={"reason": "Số liệu đã cũ"}, headers=h)
    assert r.status_code == 200, r.text
    assert _item(client, headers, since, asset_id)["pubstatus"] == "canceled"
    live = client.get("/api/v1/news/items", params={"limit": "200"}, headers=headers).json()["items"]
    assert asset_id not in {i["altids"][0]["value"] for i in live}


def test_a_second_host_sees_a_change_made_through_the_first(client: TestClient, factory: Factory,
                                                           publisher: Publisher) -> None:
    from service.models.base import utcnow

    since = utcnow() - timedelta(seconds=1)
    org = factory.org()
    asset_id = publisher.publish(org_code=org, title="Bài trên hai máy chủ")
    _, headers = api_key(factory)
    with second_host() as other:
        assert other.app.state.runtime is not client.app.state.runtime  # type: ignore[attr-defined]
        for host in (client, other, client, other):  # both caches warm
            assert _item(host, headers, since, asset_id)["title"] == "Bài trên hai máy chủ"
        assert _cached(client) > 0 and _cached(other) > 0

        _edit_asset(asset_id, title="Đã sửa trên máy thứ nhất")
        assert _item(other, headers, since, asset_id)["title"] == "Đã sửa trên máy thứ nhất"

        r = client.post(f"/api/v1/assets/{asset_id}/withdraw", json={"reason": "Gỡ trên máy thứ nhất"},
                        headers=factory.headers("reviewer", org))
        assert r.status_code == 200, r.text
        assert _item(other, headers, since, asset_id)["pubstatus"] == "canceled"
        live = other.get("/api/v1/news/items", params={"limit": "200"}, headers=headers).json()["items"]
        assert asset_id not in {i["altids"][0]["value"] for i in live}


def test_a_page_from_the_cache_is_the_page_built_afresh(client: TestClient, factory: Factory,
                                                        publisher: Publisher) -> None:
    """The joined bytes equal the whole page serialised at once (sorted keys), cold and warm alike, and a
    repeat carries the same ETag (a 304 for a client that has it)."""
    from service.core.db import unit_of_work
    from service.models.base import utcnow
    from service.news import repository
    from service.news import service as news
    from service.news.cache import ItemCache

    since = utcnow() - timedelta(seconds=1)
    for n in range(3):
        publisher.publish(title=f"Bài so sánh {n}", summary="Tóm tắt",
                          renditions=[Rend("web-image", "800-jpeg", jpeg((160, 90), n), "image/jpeg", 160, 90)])
    _, headers = api_key(factory)
    params = {"updated_since": since.isoformat(), "limit": "2"}
    cold = client.get("/api/v1/news/items", params=params, headers=headers)
    warm = client.get("/api/v1/news/items", params=params, headers=headers)
    assert cold.content == warm.content and cold.headers["etag"] == warm.headers["etag"]
    assert cold.headers["last-modified"] == warm.headers["last-modified"]
    with unit_of_work() as session:
        rows = repository.page(session, utcnow(), updated_since=since, after=None, limit=3)
        built = news.built_items(session, rows[:2], ItemCache())  # an empty cache: every item built afresh
        fresh = {"items": [orjson.loads(i.raw) for i in built],
                 "next_cursor": news.encode_cursor(repository.facts(session, rows[1]))}
    assert warm.content == orjson.dumps(fresh, option=orjson.OPT_SORT_KEYS)
    again = client.get("/api/v1/news/items", params=params, headers={**headers, "If-None-Match": warm.headers["etag"]})
    assert again.status_code == 304


def test_a_single_item_shares_the_cache_and_shows_a_change_at_once(client: TestClient, factory: Factory,
                                                                   publisher: Publisher) -> None:
    """A single read goes through the same cache as the list (same bytes), and an edit or a withdrawal shows in
    the very next read of it."""
    from service.models.base import utcnow

    since = utcnow() - timedelta(seconds=1)
    org = factory.org()
    asset_id = publisher.publish(org_code=org, title="Bài đọc riêng",
                                 renditions=[Rend("web-image", "800-jpeg", jpeg((160, 90)), "image/jpeg", 160, 90)])
    _, headers = api_key(factory)

    def single() -> dict[str, Any]:
        r = client.get(f"/api/v1/news/items/{asset_id}", headers=headers)
        assert r.status_code == 200, r.text
        return dict(orjson.loads(r.content))

    listed = _item(client, headers, since, asset_id)
    assert single() == listed == single() and not ninjs_errors(listed)
    _edit_asset(asset_id, title="Bài đọc riêng đã sửa")
    assert single()["title"] == "Bài đọc riêng đã sửa"
    add_rendition(asset_id, Rend("web-image", "1600-jpeg", jpeg((320, 180)), "image/jpeg", 320, 180))
    assert "web-image/1600-jpeg" in {r["name"] for r in single()["renditions"]}
    r = client.post(f"/api/v1/assets/{asset_id}/withdraw", json={"reason": "Gỡ"},
                    headers=factory.headers("reviewer", org))
    assert r.status_code == 200, r.text
    assert single()["pubstatus"] == "canceled"


def test_raw_rows_process_to_the_typed_values(client: TestClient, factory: Factory, publisher: Publisher) -> None:
    """A page's raw rows (compared by the cache) process into exactly what the ORM loads: UUIDs, aware UTC
    instants, the probe as a dict, on both stacks."""
    from datetime import UTC

    from service.core.db import unit_of_work
    from service.models import Asset, Rendition, Version
    from service.models.base import utcnow
    from service.news import repository

    since = utcnow() - timedelta(seconds=1)
    asset_id = publisher.publish(title="Bài kiểu dữ liệu",
                                 renditions=[Rend("web-image", "800-jpeg", jpeg((160, 90)), "image/jpeg", 160, 90)])
    _edit_asset(asset_id, expires_at=utcnow() + timedelta(days=2))
    with unit_of_work() as session:
        raw = [r for r in repository.page(session, utcnow(), updated_since=since, after=None, limit=200)
               if repository.facts(session, r).id == uuid.UUID(asset_id)]
        assert len(raw) == 1
        row = repository.facts(session, raw[0])
        asset = session.get(Asset, uuid.UUID(asset_id))
        assert asset is not None
        version = session.get(Version, asset.current_version_id)
        assert version is not None
        assert (row.id, row.title, row.current_version_id, row.edited_at, row.expires_at, row.version_probe) == (
            asset.id, asset.title, version.id, asset.edited_at, asset.expires_at, version.probe)
        assert row.edited_at.tzinfo is UTC and row.in_group is False and row.urgent is False
        renditions = repository.raw_renditions(session, [raw[0][repository.ItemFacts._fields.index(
            "current_version_id")]])
        processed = [repository.rendition_facts_of(session, r) for rs in renditions.values() for r in rs]
        stored = session.query(Rendition).filter_by(version_id=version.id).one()
        assert [(r.version_id, r.profile, r.variant, r.width) for r in processed] == [
            (stored.version_id, stored.profile, stored.variant, stored.width)]
