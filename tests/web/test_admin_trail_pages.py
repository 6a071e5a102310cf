"""The audit trail viewer (filters by asset, person and date; hash-chain status), the organisation tree with
counts (<details>/<summary>, no script), and the webhook delivery log (attempts, outcome, response code, next
retry) — each page in Vietnamese with labels instead of codes, and each read in a constant number of queries."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy import text

from service.core.runtime import current
from tests.conftest import Factory
from tests.querycount import assert_flat
from tests.service.publication.receiver import Receiver
from tests.web.conftest import another, csrf_from, sign_in, upload_as

CHAIN_WALK = "WHERE audit_entries.id >"  # the chain check reads the whole trail in batches, whatever is shown


class Tree(HTMLParser):
    """Reads the nesting of the served tree: the unit names inside each <details>, by depth."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.summaries: list[tuple[int, str]] = []
        self._in_summary = False
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag == "details"
        self._in_summary = self._in_summary or tag == "summary"
        self.scripts += tag == "script" and not dict(attrs).get("src", "").startswith("/static/app")

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "details"
        if tag == "summary":
            self._in_summary = False

    def handle_data(self, data: str) -> None:
        if self._in_summary and data.strip():
            self.summaries.append((self.depth, data.strip()))


def _national_admin(client: TestClient, factory: Factory) -> tuple[TestClient, str]:
    top = factory.org("province")
    web = another(client)
    sign_in(web, factory, "admin", top)
    return web, top


def test_audit_trail_filters_and_chain_status(client: TestClient, factory: Factory) -> None:
    from service.core.db import get_engine

    web, top = _national_admin(client, factory)
    producer = another(client)
    producer_email = sign_in(producer, factory, "producer", top)
    asset_id = upload_as(producer, f"Áp phích {uuid.uuid4().hex[:6]}")
    other_id = upload_as(producer, f"Video {uuid.uuid4().hex[:6]}")

    page = web.get(f"/quan-tri/nhat-ky?tai_nguyen={asset_id}")
    assert page.status_code == 200
    assert "Tải lên tài nguyên" in page.text and "asset.created" not in page.text  # a label, not the code
    assert f'href="/tai-nguyen/{asset_id}"' in page.text and f'href="/tai-nguyen/{other_id}"' not in page.text
    assert producer_email in page.text  # the person, by name and e-mail
    assert "Chuỗi băm nguyên vẹn" in page.text

    by_person = web.get("/quan-tri/nhat-ky", params={"nguoi": producer_email})
    assert f'href="/tai-nguyen/{asset_id}"' in by_person.text and f'href="/tai-nguyen/{other_id}"' in by_person.text
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    later = web.get("/quan-tri/nhat-ky", params={"nguoi": producer_email, "tu": tomorrow})
    assert "Không có dòng nhật ký nào khớp bộ lọc." in later.text
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    earlier = web.get("/quan-tri/nhat-ky", params={"nguoi": producer_email, "den": yesterday})
    assert "Không có dòng nhật ký nào khớp bộ lọc." in earlier.text
    today = web.get("/quan-tri/nhat-ky", params={"nguoi": producer_email, "tu": yesterday, "den": tomorrow})
    assert f'href="/tai-nguyen/{asset_id}"' in today.text
    bad = web.get("/quan-tri/nhat-ky", params={"tai_nguyen": "khong-phai-ma", "tu": "31/12"})
    assert bad.status_code == 200 and bad.text.count('role="alert"') == 2

    with get_engine().begin() as conn:  # an entry altered behind the application's back
        row = conn.execute(text("SELECT id, action FROM audit_entries ORDER BY id DESC LIMIT 1")).one()
        conn.execute(text("UPDATE audit_entries SET action = 'asset.tampered' WHERE id = :id"), {"id": row.id})
    try:
        broken = web.get("/quan-tri/nhat-ky")
        assert re.search(rf'role="alert">Chuỗi băm bị phá vỡ tại dòng số {row.id} ', broken.text)
        assert "dòng đã bị sửa" in broken.text
    finally:
        with get_engine().begin() as conn:
            conn.execute(text("UPDATE audit_entries SET action = :a WHERE id = :id"), {"a": row.action, "id": row.id})
    assert "Chuỗi băm nguyên vẹn" in web.get("/quan-tri/nhat-ky").text


def test_audit_trail_is_for_national_admins_only(client: TestClient, factory: Factory) -> None:
    local = another(client)
    sign_in(local, factory, "admin", factory.org("department", factory.org("province")))
    assert local.get("/quan-tri/nhat-ky").status_code == 403
    producer = another(client)
    sign_in(producer, factory, "producer")
    assert producer.get("/quan-tri/nhat-ky").status_code == 403


def test_audit_trail_reads_in_batches(client: TestClient, factory: Factory) -> None:
    web, top = _national_admin(client, factory)
    producer = another(client)
    email = sign_in(producer, factory, "producer", top)
    made: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            made.append(upload_as(producer, f"Tài liệu {uuid.uuid4().hex[:6]}"))

    def request() -> None:
        r = web.get("/quan-tri/nhat-ky", params={"nguoi": email})
        assert r.status_code == 200
        for asset_id in made:
            assert f'href="/tai-nguyen/{asset_id}"' in r.text

    assert_flat(request, grow, ignore=CHAIN_WALK)


def test_organisation_tree_with_counts(client: TestClient, factory: Factory) -> None:
    web, top = _national_admin(client, factory)
    department = factory.org("department", top)
    school = factory.org("school", department)
    factory.user("producer", school)
    factory.user("staff", school)
    producer = another(client)
    sign_in(producer, factory, "producer", department)
    upload_as(producer, f"Infographic {uuid.uuid4().hex[:6]}")

    page = web.get("/quan-tri/cay-don-vi")
    assert page.status_code == 200
    tree = Tree()
    tree.feed(page.text)
    names = {name: depth for depth, name in tree.summaries}
    assert names[f"Đơn vị thử {top}"] == 1 and names[f"Đơn vị thử {department}"] == 2
    # a unit with nothing below is a plain line, not a disclosure
    assert f"Đơn vị thử {school}" not in names and f"Đơn vị thử {school}" in page.text
    leaf = page.text.split(f"Đơn vị thử {school}", 1)[1].split("</p>", 1)[0]
    assert "Cơ sở giáo dục" in leaf  # the unit kind by its label, not its code
    assert "0 tài nguyên · 2 tài khoản · 0 đơn vị trực thuộc" in leaf
    branch = page.text.split(f"Đơn vị thử {department}", 1)[1].split("</summary>", 1)[0]
    assert "1 tài nguyên · 1 tài khoản · 1 đơn vị trực thuộc" in branch
    assert "cả nhánh: 1 tài nguyên, 1 đơn vị" in branch
    assert 'href="/static/admin.css' in page.text and tree.scripts == 0


def test_organisation_tree_reads_in_batches(client: TestClient, factory: Factory) -> None:
    web, top = _national_admin(client, factory)
    units: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            unit = factory.org("department", top)
            factory.org("school", unit)
            factory.user("staff", unit)
            units.append(unit)

    def request() -> None:
        r = web.get("/quan-tri/cay-don-vi")
        assert r.status_code == 200
        for unit in units:
            assert f"Đơn vị thử {unit}" in r.text

    assert_flat(request, grow)


def _key_with_webhooks(client: TestClient, web: TestClient, org_id: str, name: str) -> tuple[str, str]:
    page = web.get("/quan-tri/khoa-api")
    created = web.post("/quan-tri/khoa-api", data={"name": name, "organisation_id": org_id,
                                                   "scopes": ["assets:read", "webhooks:manage"],
                                                   "csrf_token": csrf_from(page.text)})
    assert created.status_code == 201
    listed = created.text.split('<ul class="admin-rows">', 1)[1]
    assert "Quản lý webhook" in listed and "webhooks:manage" not in listed  # scopes by label in the list
    key = created.text.split('id="new-key" readonly value="', 1)[1].split('"', 1)[0]
    listing = web.get("/quan-tri/webhook")
    client_id = re.search(r'href="/quan-tri/webhook\?khoa=([0-9a-f-]{36})"[^>]*>' + re.escape(name) + "<",
                          listing.text)
    assert client_id
    return key, client_id.group(1)


def _subscribe(client: TestClient, key: str, url: str) -> None:
    r = client.post("/api/v1/webhooks/subscriptions", headers={"Authorization": f"Bearer {key}"},
                    json={"url": url, "events": ["asset.published"]})
    assert r.status_code == 201, r.text


def _publish_event() -> None:
    from service.core.db import unit_of_work
    from service.webhooks import service as webhooks

    with unit_of_work() as session:
        webhooks.enqueue_event(session, "asset.published", {"asset_id": str(uuid.uuid4())})


def test_webhook_delivery_log(client: TestClient, factory: Factory) -> None:
    from service.webhooks.delivery import deliver_due

    newsroom = factory.org("newsroom")
    web = another(client)
    sign_in(web, factory, "admin", newsroom)
    org_id = web.get("/api/v1/me").json()["organisation_id"]
    key, client_id = _key_with_webhooks(client, web, org_id, f"Tòa soạn {uuid.uuid4().hex[:6]}")
    good, down = Receiver(status=204).start(), Receiver(status=503).start()
    try:
        _subscribe(client, key, good.url)
        _subscribe(client, key, down.url)
        _publish_event()
        deliver_due(current())
        page = web.get(f"/quan-tri/webhook?khoa={client_id}")
    finally:
        good.stop()
        down.stop()
    assert page.status_code == 200
    ok_part, failing_part = page.text.split(good.url, 1)[1].split(down.url, 1)
    assert "Đã nhận" in ok_part and "HTTP 204" in ok_part and "1 lần" in ok_part and "Không gửi lại" in ok_part
    assert "Đang chờ gửi" in failing_part and "HTTP 503" in failing_part and "1 lần" in failing_part
    retry = re.search(r"Gửi lại lúc</dt><dd><time datetime=\"[^\"]+\">\d\d/\d\d/\d{4} \d\d:\d\d:\d\d</time>",
                      failing_part)
    assert retry, "the failing delivery shows when it will be tried again"
    assert "Tài nguyên được đăng" in page.text and "asset.published" not in page.text
    assert '<table' not in page.text.split('id="subs-heading"', 1)[1]  # rows are cards at 360 px


def test_webhook_log_and_keys_read_in_batches(client: TestClient, factory: Factory) -> None:
    newsroom = factory.org("newsroom")
    web = another(client)
    sign_in(web, factory, "admin", newsroom)
    org_id = web.get("/api/v1/me").json()["organisation_id"]
    key, client_id = _key_with_webhooks(client, web, org_id, f"Tòa soạn {uuid.uuid4().hex[:6]}")
    urls: list[str] = []

    def grow(n: int) -> None:
        for _ in range(n):
            url = f"http://127.0.0.1:9/hook/{uuid.uuid4().hex[:8]}"
            _subscribe(client, key, url)
            urls.append(url)
        for _ in range(n):
            _publish_event()

    def request() -> None:
        r = web.get(f"/quan-tri/webhook?khoa={client_id}")
        assert r.status_code == 200
        for url in urls:
            assert url in r.text

    assert_flat(request, grow)
