"""Every list page reads what it shows in a constant number of SQL statements (issue 19 point 4): the count
for 3N items is not larger than for N. Real app through the TestClient, real database (both stacks)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi.testclient import TestClient

from service.core.runtime import current
from tests.conftest import Factory
from tests.querycount import assert_flat, shows_all
from tests.service.plans.builders import Tree
from tests.service.publication.helpers import Publisher, Rend, api_key
from tests.web.conftest import another, sign_in


def _drain() -> None:
    from service.outbox.pump import drain

    while drain(current()):
        pass


def _page(web: TestClient, path: str, shown: list[str]) -> Callable[[], None]:
    return shows_all(web, path, {}, shown)  # a signed-in page: the session cookie is on the client


def _publishing(publisher: Publisher, org: str, marker: str, shown: list[str]) -> Callable[[int], None]:
    def grow(n: int) -> None:
        for _ in range(n):
            title = f"Tài liệu {marker} số {len(shown)}"
            publisher.publish(org_code=org, title=title, alt_text="Mô tả",
                              renditions=[Rend("thumbnail", "thumb-320", b"\xff\xd8jpeg", "image/jpeg", 320, 240)])
            shown.append(title)
        _drain()
    return grow


def test_home_search_and_mine(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    publisher = Publisher(client, factory)
    marker = uuid.uuid4().hex[:8]
    web = another(client)
    sign_in(web, factory, "producer", org)
    shown: list[str] = []
    assert_flat(_page(web, f"/?q={marker}", shown), _publishing(publisher, org, marker, shown))
    mine: list[str] = []
    assert_flat(_page(web, "/cua-toi", mine), _publishing(publisher, org, uuid.uuid4().hex[:8], mine))


def test_review_queue_page(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    publisher = Publisher(client, factory)
    producer = factory.headers("producer", org)
    web = another(client)
    sign_in(web, factory, "reviewer", org)
    shown: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            title = f"Chờ duyệt {uuid.uuid4().hex[:8]}"
            asset_id = publisher.upload(org_code=org, title=title, alt_text="Mô tả")
            assert client.post(f"/api/v1/assets/{asset_id}/submit", json={}, headers=producer).status_code == 200
            shown.append(title)

    assert_flat(_page(web, "/duyet", shown), grow)


def test_dashboard_and_line_report(client: TestClient, factory: Factory) -> None:
    top = factory.org("province")
    web = another(client)
    sign_in(web, factory, "reviewer", top)
    units: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            units.append(factory.org("school", parent_code=top))

    assert_flat(_page(web, f"/bao-cao?don_vi={top}", []), grow)
    assert_flat(_page(web, f"/bao-cao/tuyen?don_vi={top}", []), grow)


def test_plans_and_evidence_pages(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    so_admin = factory.headers("admin", tree.department)
    plans: list[str] = []

    def more_plans(n: int) -> None:
        for _ in range(n):
            title = f"Kế hoạch {uuid.uuid4().hex[:8]}"
            r = client.post("/api/v1/plans", json={"year": 2026, "title": title}, headers=so_admin)
            assert r.status_code == 201, r.text
            plans.append(title)

    reviewer = another(client)
    sign_in(reviewer, factory, "reviewer", tree.department)
    assert_flat(_page(reviewer, "/ke-hoach", plans), more_plans)

    school = factory.headers("staff", tree.school_a)
    notes: list[str] = []

    def more_evidence(n: int) -> None:
        for _ in range(n):
            link = f"https://zalo.me/g/{uuid.uuid4().hex[:12]}"
            r = client.post("/api/v1/evidence", headers=school, data={"channel": "zalo-group", "post_url": link,
                                                                      "note": "Chia sẻ nhóm phụ huynh"})
            assert r.status_code == 201, r.text
            notes.append(link)

    assert_flat(_page(reviewer, "/minh-chung/duyet", notes), more_evidence)
    staff = another(client)
    sign_in(staff, factory, "staff", tree.school_a)
    assert_flat(_page(staff, "/minh-chung", notes), more_evidence)


def test_notifications_page(client: TestClient, factory: Factory) -> None:
    from sqlalchemy import select

    from service.core.db import unit_of_work
    from service.models import User
    from service.notifications import service as notifications
    from service.notifications.content import Notice

    web = another(client)
    email = sign_in(web, factory, "producer")
    shown: list[str] = []

    def grow(n: int) -> None:
        with unit_of_work() as session:
            user = session.scalars(select(User).where(User.email == email)).one()
            for _ in range(n):
                title = f"Tin {uuid.uuid4().hex[:8]}"
                notifications.notify(session, [user], Notice("published", title, "http://testserver/"),
                                     f"test:{title}")
                shown.append(title)

    assert_flat(_page(web, "/thong-bao", shown), grow)


def _admin(client: TestClient, factory: Factory) -> tuple[TestClient, str]:
    top = factory.org("province")
    web = another(client)
    sign_in(web, factory, "admin", top)
    return web, top


def test_admin_lists(client: TestClient, factory: Factory) -> None:
    web, top = _admin(client, factory)
    units: list[str] = []

    def more_units(n: int) -> None:
        for _ in range(n):
            units.append(factory.org("school", parent_code=top))

    assert_flat(_page(web, "/quan-tri/don-vi", units), more_units)
    people: list[str] = []

    def more_people(n: int) -> None:
        for _ in range(n):
            people.append(factory.user("producer", factory.org("school", parent_code=top))[0])

    assert_flat(_page(web, "/quan-tri/nguoi-dung", people), more_people)
    keys: list[str] = []

    def more_keys(n: int) -> None:
        for _ in range(n):
            keys.append(api_key(factory, top)[0])

    assert_flat(_page(web, "/quan-tri/khoa-api", keys), more_keys)
    # /quan-tri/tu-vung and /bo-suu-tap: tests/web/test_detail_page_query_counts.py (with rows that grow)
