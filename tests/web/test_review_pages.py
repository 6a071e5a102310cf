"""Submit from "my assets", the review queue and decisions, and the asset page's workflow parts
(history, comments, withdrawal with downloaders), through the pages with real sessions and CSRF."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.workflow.wf_support import process_latest
from tests.web.conftest import another, csrf_from, sign_in, upload_as


def _people(client: TestClient, factory: Factory) -> tuple[TestClient, TestClient, TestClient, str]:
    province = factory.org("province")
    department = factory.org("department", province)
    producer = client
    sign_in(producer, factory, "producer", department)
    reviewer = another(client)
    sign_in(reviewer, factory, "reviewer", province)
    staff = another(client)
    sign_in(staff, factory, "staff", factory.org("school", province))
    return producer, reviewer, staff, department


def _submit_from_mine(producer: TestClient, asset_id: str) -> None:
    mine = producer.get("/cua-toi")
    assert f'action="/tai-nguyen/{asset_id}/gui-duyet"' in mine.text
    url = f"/tai-nguyen/{asset_id}/gui-duyet"
    assert producer.post(url, data={"back": "mine"}, follow_redirects=False).status_code == 403  # no CSRF token
    r = producer.post(url, data={"back": "mine", "csrf_token": csrf_from(mine.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/cua-toi"


def test_queue_urgent_first_and_decisions(client: TestClient, factory: Factory) -> None:
    producer, reviewer, staff, _ = _people(client, factory)
    normal = upload_as(producer, "Tin thường về tuyển sinh")
    urgent = upload_as(producer, "Phản bác thông tin sai lệch", urgent=True)
    third = upload_as(producer, "Bản sẽ bị từ chối")
    for asset_id in (normal, urgent, third):
        _submit_from_mine(producer, asset_id)
    assert producer.get("/duyet").status_code == 403  # producers do not review
    queue = reviewer.get("/duyet")
    assert queue.status_code == 200
    assert queue.text.index("Phản bác thông tin sai lệch") < queue.text.index("Tin thường về tuyển sinh")

    detail = reviewer.get(f"/duyet/{normal}")
    assert detail.status_code == 200 and 'action="/duyet/' in detail.text
    token = csrf_from(detail.text)
    r = reviewer.post(f"/duyet/{normal}/request_changes", data={"reason": "  ", "csrf_token": token})
    assert r.status_code == 422 and "Cần nêu lý do" in r.text
    r = reviewer.post(f"/duyet/{normal}/request_changes",
                      data={"reason": "Sửa <b>tiêu đề</b>", "comment": "Xem lại số liệu", "csrf_token": token},
                      follow_redirects=False)
    assert r.status_code == 303
    r = reviewer.post(f"/duyet/{third}/reject", data={"reason": "Trùng nội dung", "csrf_token": token},
                      follow_redirects=False)
    assert r.status_code == 303
    assert process_latest(urgent) == "succeeded"  # renditions first: publication waits for them
    r = reviewer.post(f"/duyet/{urgent}/approve", data={"comment": "Đăng ngay", "csrf_token": token},
                      follow_redirects=False)
    assert r.status_code == 303
    assert reviewer.post(f"/duyet/{urgent}/publish", data={"csrf_token": token}).status_code == 404

    page = producer.get(f"/tai-nguyen/{normal}")
    assert "Cần sửa" in page.text and "Sửa &lt;b&gt;tiêu đề&lt;/b&gt;" in page.text and "<b>tiêu đề" not in page.text
    assert "Xem lại số liệu" in page.text  # the decision's comment is in the thread
    assert f'action="/tai-nguyen/{normal}/gui-duyet"' in page.text  # may be submitted again
    assert "Đã duyệt" in producer.get(f"/tai-nguyen/{urgent}").text
    assert "Phản bác thông tin sai lệch" in staff.get(f"/tai-nguyen/{urgent}").text
    assert staff.get(f"/tai-nguyen/{normal}").status_code == 404  # staff see only published assets
    assert "Phản bác" not in reviewer.get("/duyet").text


def test_comments_and_withdrawal_with_downloaders(client: TestClient, factory: Factory) -> None:
    producer, reviewer, staff, _ = _people(client, factory)
    asset_id = upload_as(producer, "Áp phích Ngày Nhà giáo")
    _submit_from_mine(producer, asset_id)
    token = csrf_from(reviewer.get(f"/duyet/{asset_id}").text)
    assert process_latest(asset_id) == "succeeded"  # renditions first: publication waits for them
    assert reviewer.post(f"/duyet/{asset_id}/approve", data={"csrf_token": token},
                         follow_redirects=False).status_code == 303

    staff_page = staff.get(f"/tai-nguyen/{asset_id}")
    assert "binh-luan" not in staff_page.text and "thu-hoi" not in staff_page.text  # not their workspace
    assert staff.get(f"/api/v1/assets/{asset_id}/original").status_code == 200  # a download to list later

    page = producer.get(f"/tai-nguyen/{asset_id}")
    token = csrf_from(page.text)
    r = producer.post(f"/tai-nguyen/{asset_id}/binh-luan", data={"body": "<script>alert(1)</script> Ổn",
                                                                  "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    page = producer.get(f"/tai-nguyen/{asset_id}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ổn" in page.text and "<script>alert(1)" not in page.text
    assert staff.post(f"/tai-nguyen/{asset_id}/binh-luan",
                      data={"body": "x", "csrf_token": csrf_from(staff_page.text)}).status_code == 403

    assert producer.post(f"/tai-nguyen/{asset_id}/thu-hoi", data={"reason": "", "csrf_token": token}
                         ).status_code == 422
    assert staff.post(f"/tai-nguyen/{asset_id}/thu-hoi", data={"reason": "x", "csrf_token": csrf_from(
        staff_page.text)}).status_code == 403
    r = producer.post(f"/tai-nguyen/{asset_id}/thu-hoi", data={"reason": "Số liệu đã cũ", "csrf_token": token},
                      follow_redirects=False)
    assert r.status_code == 303
    page = producer.get(f"/tai-nguyen/{asset_id}")
    assert "Đã thu hồi" in page.text and "Số liệu đã cũ" in page.text
    downloaders = page.text.split('id="nguoi-da-tai"', 1)[1].split("</ul>", 1)[0]
    assert "Đơn vị thử" in downloaders and "1 lượt tải" in downloaders
    assert "/original" not in page.text and "Tải về theo kênh" not in page.text  # nothing to download
    assert staff.get(f"/api/v1/assets/{asset_id}/original").status_code in (404, 410)  # gone for staff


def test_review_page_steps_through_the_queue(client: TestClient, factory: Factory) -> None:
    """Previous / next links in queue order (urgent first), the position, and ← → named for the keys."""
    import re

    producer, reviewer, _, _ = _people(client, factory)
    first = upload_as(producer, "Tin thứ nhất")
    urgent = upload_as(producer, "Tin khẩn", urgent=True)
    last = upload_as(producer, "Tin thứ ba")
    for asset_id in (first, urgent, last):
        _submit_from_mine(producer, asset_id)

    def steps(asset_id: str) -> tuple[dict[str, str], str]:
        page = reviewer.get(f"/duyet/{asset_id}").text
        links = dict(re.findall(r'rel="(prev|next)" href="/duyet/([0-9a-f-]+)"', page))
        position = re.search(r'class="queue-position">([^<]+)<', page)
        assert position, "no queue position"
        return links, position.group(1)

    assert steps(urgent) == ({"next": first}, "1/3 trong hàng chờ")
    assert steps(first) == ({"prev": urgent, "next": last}, "2/3 trong hàng chờ")
    assert steps(last) == ({"prev": first}, "3/3 trong hàng chờ")
    page = reviewer.get(f"/duyet/{first}").text
    assert 'aria-keyshortcuts="ArrowLeft"' in page and 'aria-keyshortcuts="ArrowRight"' in page
    token = csrf_from(page)
    r = reviewer.post(f"/duyet/{urgent}/reject", data={"reason": "Trùng", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert steps(first) == ({"next": last}, "1/2 trong hàng chờ")  # a decided asset leaves the queue
