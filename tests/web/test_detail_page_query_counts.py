"""Pages of one thing that show lists (an asset's history and comments, the review page with its queue, a
plan's tasks, a kit's items, an asset's caption tracks, search suggestions) read what they show in a constant
number of SQL statements: the count for 3N rows is not larger than for N (issue 19; tests/querycount.py).
Real app through the TestClient, real database (both stacks)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi.testclient import TestClient

from service.core.runtime import current
from tests.conftest import Factory
from tests.querycount import assert_flat, shows_all
from tests.service.identity.test_admin_list_query_counts import temporary_terms
from tests.service.plans.builders import Tree
from tests.service.publication.helpers import Publisher
from tests.service.workflow.test_asset_list_query_counts import more_captions
from tests.web.conftest import another, sign_in

Grow = Callable[[int], None]


def _page(web: TestClient, path: str, shown: list[str]) -> Callable[[], None]:
    return shows_all(web, path, {}, shown)  # a signed-in page: the session cookie is on the client


def _drain() -> None:
    from service.outbox.pump import drain

    while drain(current()):
        pass


def _comments_and_rounds(client: TestClient, asset_id: str, producer: dict[str, str], reviewer: dict[str, str],
                         shown: list[str], *, rounds: bool) -> Grow:
    """n comments and, with `rounds`, n submit / request-changes rounds (each reason is shown in the history)."""
    def grow(n: int) -> None:
        for _ in range(n):
            body = f"Góp ý {uuid.uuid4().hex[:8]}"
            r = client.post(f"/api/v1/assets/{asset_id}/comments", json={"body": body}, headers=reviewer)
            assert r.status_code == 201, r.text
            shown.append(body)
            if rounds:
                reason = f"Sửa lại {uuid.uuid4().hex[:8]}"
                assert client.post(f"/api/v1/assets/{asset_id}/submit", json={}, headers=producer).status_code == 200
                r = client.post(f"/api/v1/assets/{asset_id}/request-changes", json={"reason": reason},
                                headers=reviewer)
                assert r.status_code == 200, r.text
                shown.append(reason)
    return grow


def test_asset_page(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    publisher = Publisher(client, factory)
    asset_id = publisher.upload(org_code=org, title="Trang tài nguyên", alt_text="Mô tả")
    web = another(client)
    sign_in(web, factory, "producer", org)
    shown: list[str] = []
    grow = _comments_and_rounds(client, asset_id, factory.headers("producer", org), factory.headers("reviewer", org),
                                shown, rounds=True)
    assert_flat(_page(web, f"/tai-nguyen/{asset_id}", shown), grow)


def test_review_page(client: TestClient, factory: Factory) -> None:
    """The review page shows the asset's history and comments, and steps through the whole review queue."""
    org = factory.org()
    publisher = Publisher(client, factory)
    producer, reviewer = factory.headers("producer", org), factory.headers("reviewer", org)
    asset_id = publisher.upload(org_code=org, title="Đang duyệt", alt_text="Mô tả")
    assert client.post(f"/api/v1/assets/{asset_id}/submit", json={}, headers=producer).status_code == 200
    web = another(client)
    sign_in(web, factory, "reviewer", org)
    shown: list[str] = []
    comments = _comments_and_rounds(client, asset_id, producer, reviewer, shown, rounds=False)

    def grow(n: int) -> None:
        comments(n)
        for _ in range(n):  # more assets waiting in the queue the page steps through
            other = publisher.upload(org_code=org, title=f"Chờ duyệt {uuid.uuid4().hex[:6]}", alt_text="Mô tả")
            assert client.post(f"/api/v1/assets/{other}/submit", json={}, headers=producer).status_code == 200

    assert_flat(_page(web, f"/duyet/{asset_id}", shown), grow)


def test_plan_page(client: TestClient, factory: Factory) -> None:
    tree = Tree.build(factory)
    so = factory.headers("admin", tree.department)
    r = client.post("/api/v1/plans", json={"year": 2026, "title": "Kế hoạch truyền thông"}, headers=so)
    assert r.status_code == 201, r.text
    plan_id = r.json()["id"]
    leads = [tree.school_a, tree.school_b, tree.ward]
    tasks: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            title = f"Nhiệm vụ {uuid.uuid4().hex[:8]}"
            r = client.post(f"/api/v1/plans/{plan_id}/tasks", headers=so,
                            json={"title": title, "timing": "Thường xuyên",
                                  "lead_organisation_code": leads[len(tasks) % len(leads)]})
            assert r.status_code == 201, r.text
            r = client.post(f"/api/v1/plans/{plan_id}/targets", headers=so,
                            json={"code": f"ct-{uuid.uuid4().hex[:8]}", "label": f"Chỉ tiêu của {title}",
                                  "value": 10, "measure": "declared"})
            assert r.status_code == 201, r.text
            tasks.append(title)

    web = another(client)
    sign_in(web, factory, "reviewer", tree.department)
    assert_flat(_page(web, f"/ke-hoach/{plan_id}", tasks), grow)


def _kit_grow(client: TestClient, factory: Factory, org: str, slug: str, titles: list[str]) -> Grow:
    publisher = Publisher(client, factory)
    ids: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            title = f"Tài liệu {uuid.uuid4().hex[:8]}"
            ids.append(publisher.publish(org_code=org, title=title, alt_text="Mô tả"))
            titles.append(title)
        r = client.patch(f"/api/v1/kits/{slug}", headers=factory.headers("producer", org),
                         json={"items": [{"asset_id": a} for a in ids]})
        assert r.status_code == 200, r.text
    return grow


def test_kit_pages(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    producer = factory.headers("producer", org)
    publisher = Publisher(client, factory)
    first = publisher.publish(org_code=org, title="Tài liệu đầu", alt_text="Mô tả")
    kits: list[str] = []

    def more_kits(n: int) -> None:
        for _ in range(n):
            title = f"Bộ {uuid.uuid4().hex[:8]}"
            r = client.post("/api/v1/kits", headers=producer, json={
                "slug": f"bo-{uuid.uuid4().hex[:8]}", "title": title, "items": [{"asset_id": first}]})
            assert r.status_code == 201, r.text
            kits.append(title)

    web = another(client)
    sign_in(web, factory, "staff", org)
    assert_flat(_page(web, "/bo-suu-tap", kits), more_kits)
    slug = f"bo-{uuid.uuid4().hex[:8]}"
    assert client.post("/api/v1/kits", headers=producer, json={
        "slug": slug, "title": "Bộ nhiều tài liệu", "items": [{"asset_id": first}]}).status_code == 201
    titles: list[str] = []
    assert_flat(_page(web, f"/bo-suu-tap/{slug}", titles), _kit_grow(client, factory, org, slug, titles))


def test_transcript_page(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    asset_id = Publisher(client, factory).publish(org_code=org, title="Có lời thoại", alt_text="Mô tả")
    web = another(client)
    sign_in(web, factory, "staff", org)
    texts: list[str] = []
    assert_flat(_page(web, f"/tai-nguyen/{asset_id}/loi-thoai", texts), more_captions(asset_id, texts, texts=True))


def test_suggestions(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    publisher = Publisher(client, factory)
    marker = uuid.uuid4().hex[:8]
    titles: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            title = f"Tài liệu {marker} số {len(titles)}"
            publisher.publish(org_code=org, title=title, alt_text="Mô tả")
            titles.append(title)
        _drain()

    web = another(client)
    sign_in(web, factory, "staff", org)
    assert_flat(_page(web, f"/goi-y?q={marker}", titles), grow)


def test_vocabulary_admin_page(client: TestClient, factory: Factory) -> None:
    web = another(client)
    sign_in(web, factory, "admin", factory.org("province"))
    with temporary_terms() as (labels, grow):
        assert_flat(_page(web, "/quan-tri/tu-vung", labels), grow)
