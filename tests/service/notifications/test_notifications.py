"""Notifications end to end on both stacks: outbox → notices → e-mail over a real SMTP server, read back
with Python's e-mail parser; in-app list and bell; preferences and digests; withdrawal reaches every taker."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from datetime import timedelta

from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from service.core import runtime
from service.core.runtime import current
from service.webhooks.delivery import deliver_due as deliver_webhooks
from tests.conftest import Factory
from tests.service.notifications.smtp import Inbox
from tests.service.publication.receiver import Receiver
from tests.service.workflow.wf_support import Flow, Headers, Tree, problem
from tests.web.conftest import csrf_from


def settle() -> None:
    """Run the worker's side now: outbox consumers, then e-mail delivery."""
    from service.notifications.delivery import deliver_due
    from service.outbox.pump import drain

    while drain(current()):
        pass
    deliver_due(runtime.current())
    wait_until_sent()


def wait_until_sent(timeout: float = 30.0) -> None:
    """A sender started by the commit may still be working: poll until every message is sent."""
    from sqlalchemy import func, select

    from service.core.db import unit_of_work
    from service.models import EmailMessage

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with unit_of_work() as session:
            if not session.scalar(select(func.count(EmailMessage.id)).where(EmailMessage.sent_at.is_(None),
                                                                            EmailMessage.failed_at.is_(None))):
                return
        time.sleep(0.05)
    raise AssertionError("e-mails still unsent")


def person(flow: Flow, role: str, org: str) -> tuple[str, Headers]:
    email, token = flow.factory.user(role, org)
    return email, {"Authorization": f"Bearer {token}"}


def publish(flow: Flow, tree: Tree, title: str, **extra: object) -> str:
    asset_id = flow.upload(tree.h["producer"], title=title, **extra)
    flow.ok(tree.h["producer"], asset_id, "submit")
    flow.ok(tree.h["reviewer"], asset_id, "approve")
    return asset_id


def notices(client: TestClient, headers: Headers, kind: str | None = None) -> list[dict[str, object]]:
    r = client.get("/api/v1/notifications", headers=headers)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    return [n for n in items if kind is None or n["kind"] == kind]


def email_of(flow: Flow, headers: Headers) -> str:
    from service.core.db import unit_of_work
    from service.models import User

    me = flow.client.get("/api/v1/me", headers=headers).json()
    with unit_of_work() as session:
        user = session.get(User, uuid.UUID(me["id"]))
        assert user is not None
        return user.email


def test_withdrawal_reaches_every_taker_with_the_replacement(flow: Flow, fresh_tree: Tree, inbox: Inbox) -> None:
    tree, f = fresh_tree, flow.factory
    schools = [f.org("school", tree.codes["dept"]) for _ in range(3)]
    staff = [person(flow, "staff", code) for code in schools]
    outsider_email, outsider = person(flow, "staff", tree.codes["other"])
    wrong = publish(flow, tree, f"Số liệu tuyển sinh sai {uuid.uuid4().hex[:6]}")
    right = publish(flow, tree, f"Số liệu tuyển sinh đã đính chính {uuid.uuid4().hex[:6]}")
    for _, headers in staff:
        r = flow.client.get(f"/api/v1/assets/{wrong}/original", headers=headers)
        assert r.status_code == 200, r.text
    settle()
    inbox.clear()

    newsroom = tree.client_headers(["assets:read", "webhooks:manage"])
    receiver = Receiver().start()
    r = flow.client.post("/api/v1/webhooks/subscriptions", headers=newsroom,
                         json={"url": receiver.url, "events": ["asset.withdrawn"]})
    assert r.status_code == 201, r.text
    secret = r.json()["secret"]
    reason = "Số liệu sai, đã có bản đính chính"
    r = flow.act(tree.h["reviewer"], wrong, "withdraw", reason, replacement_asset_id=right)
    assert r.status_code == 200, r.text
    settle()
    deliver_webhooks(runtime.current())
    deadline = time.monotonic() + 30
    while not receiver.requests and time.monotonic() < deadline:  # the sender started by the commit may run
        time.sleep(0.05)
    hooks = [Webhook(secret).verify(q.body, q.headers) for q in receiver.requests]  # signed as before
    receiver.stop()
    assert [(h["type"], h["data"]["asset_id"]) for h in hooks] == [("asset.withdrawn", wrong)]
    assert flow.asset(tree.h["producer"], wrong)["replaced_by_id"] == right
    slug = f"tuyen-sinh-{uuid.uuid4().hex[:6]}"
    r = flow.client.post("/api/v1/kits", headers=tree.h["producer"], json={
        "slug": slug, "title": "Bộ tuyển sinh", "items": [{"asset_id": wrong}, {"asset_id": right}]})
    assert r.status_code == 201, r.text
    kit = flow.client.get(f"/api/v1/kits/{slug}.zip", headers=tree.h["staff"])
    assert kit.status_code == 200, kit.text
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(kit.content)).read("manifest.json"))
    [gone] = manifest["not_included"]
    assert gone["status"] == "withdrawn" and gone["replaced_by"]["url"] == f"http://testserver/tai-nguyen/{right}"

    right_title = flow.asset(tree.h["producer"], right)["title"]
    for email, headers in staff:
        got = inbox.to(email)
        assert len(got) == 1, (email, [(m.rcpt, m.message["Subject"]) for m in inbox.messages])
        mail = got[0]
        assert mail.message["Subject"].startswith("Đã thu hồi, ngừng sử dụng: Số liệu tuyển sinh sai")
        assert reason in mail.text and right_title in mail.text
        assert f"http://testserver/tai-nguyen/{right}" in mail.html
        assert mail.message["List-Unsubscribe"] == "<http://testserver/thong-bao/cai-dat>"
        mine = notices(flow.client, headers, "withdrawn")
        assert len(mine) == 1 and right_title in str(mine[0]["body"]) and reason in str(mine[0]["body"])
    assert inbox.to(outsider_email) == [] and notices(flow.client, outsider) == []

    settle()  # a second pass over the same events adds nothing
    assert all(len(inbox.to(email)) == 1 for email, _ in staff)

    # The link on a fanpage or in the e-mail now answers 410 with the reason and the replacement.
    browser = TestClient(flow.client.app, raise_server_exceptions=False)
    taker_email = staff[0][0]
    form = browser.get("/dang-nhap")
    r = browser.post("/dang-nhap", data={"email": taker_email, "password": "pw-" + taker_email, "next": "/",
                                         "csrf_token": csrf_from(form.text)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = browser.get(f"/tai-nguyen/{wrong}")
    assert page.status_code == 410 and "Đã thu hồi" in page.text and reason in page.text
    assert f'href="/tai-nguyen/{right}"' in page.text and right_title in page.text
    assert browser.get(f"/tai-nguyen/{uuid.uuid4()}").status_code == 404
    # The bell counts the unread notice.
    assert 'data-unread="1"' in browser.get("/").text


def test_replacement_must_be_another_published_asset(flow: Flow, fresh_tree: Tree) -> None:
    tree = fresh_tree
    asset_id = publish(flow, tree, "Bài cần gỡ")
    draft = flow.upload(tree.h["producer"], title="Bản nháp")
    for replacement in (draft, asset_id, str(uuid.uuid4())):
        r = flow.act(tree.h["reviewer"], asset_id, "withdraw", "Lý do", replacement_asset_id=replacement)
        problem(r, 422, "replacement_invalid")
    assert flow.asset(tree.h["producer"], asset_id)["status"] == "published"


def test_review_cycle_tells_reviewers_and_the_producer(flow: Flow, fresh_tree: Tree, inbox: Inbox) -> None:
    tree = fresh_tree
    producer_email = email_of(flow, tree.h["producer"])
    reviewer_email = email_of(flow, tree.h["reviewer"])
    other_reviewer_email = email_of(flow, tree.h["other_reviewer"])
    asset_id = flow.upload(tree.h["producer"], title="Podcast tuyển sinh đầu cấp")
    flow.ok(tree.h["producer"], asset_id, "submit")
    settle()
    assert [m.message["Subject"] for m in inbox.to(reviewer_email)] == [
        "Có tài nguyên chờ bạn duyệt: Podcast tuyển sinh đầu cấp"]
    assert inbox.to(other_reviewer_email) == []  # a sibling unit's reviewer is outside the scope
    assert inbox.to(producer_email) == []  # nobody is told of their own action

    flow.ok(tree.h["reviewer"], asset_id, "request-changes", "Thiếu nguồn số liệu")
    settle()
    [changes] = inbox.to(producer_email)
    assert changes.message["Subject"] == "Yêu cầu chỉnh sửa: Podcast tuyển sinh đầu cấp"
    assert "Lý do: Thiếu nguồn số liệu" in changes.text

    flow.ok(tree.h["producer"], asset_id, "submit")
    flow.ok(tree.h["reviewer"], asset_id, "approve")
    settle()
    subjects = [m.message["Subject"] for m in inbox.to(producer_email)]
    assert subjects[-1] == "Tài nguyên của bạn đã được đăng: Podcast tuyển sinh đầu cấp"
    assert [n["kind"] for n in notices(flow.client, tree.h["producer"])][:2] == ["published", "changes_requested"]


def test_urgent_rebuttal_reaches_its_province_only(flow: Flow, factory: Factory, inbox: Inbox) -> None:
    ministry = factory.org("ministry")
    office = factory.org("ministry_unit", ministry)
    province, other_province = factory.org("province", ministry), factory.org("province", ministry)
    so = factory.org("department", province)
    ward = factory.org("commune", province)
    school, far_school = factory.org("school", ward), factory.org("school", other_province)
    producer, reviewer = person(flow, "producer", so)[1], person(flow, "reviewer", so)[1]
    inside = [person(flow, "staff", code)[0] for code in (so, ward, school)]
    outside = person(flow, "staff", far_school)[0]

    asset_id = flow.upload(producer, title="Phản bác tin giả về học phí", urgent=True)
    flow.ok(producer, asset_id, "submit")
    settle()
    reviewer_email = email_of(flow, reviewer)
    assert [m.message["Subject"] for m in inbox.to(reviewer_email)] == [
        "KHẨN: tài nguyên cần duyệt ngay: Phản bác tin giả về học phí"]
    flow.ok(reviewer, asset_id, "approve")
    settle()
    for email in inside:
        assert [m.message["Subject"] for m in inbox.to(email)] == [
            "Tin phản bác khẩn đã đăng: Phản bác tin giả về học phí"], email
    assert inbox.to(outside) == []

    # The Ministry's office speaks for the whole sector.
    m_producer, m_reviewer = person(flow, "producer", office)[1], person(flow, "reviewer", office)[1]
    national = flow.upload(m_producer, title="Đính chính toàn quốc", urgent=True)
    flow.ok(m_producer, national, "submit")
    flow.ok(m_reviewer, national, "approve")
    settle()
    assert [m.message["Subject"] for m in inbox.to(outside)] == ["Tin phản bác khẩn đã đăng: Đính chính toàn quốc"]


def test_urgent_review_is_reminded_once_after_the_wait(flow: Flow, fresh_tree: Tree, inbox: Inbox) -> None:
    from service.core.runtime import current
    from service.models.base import utcnow
    from service.notifications.scheduled import remind_urgent_reviews

    tree = fresh_tree
    asset_id = flow.upload(tree.h["producer"], title="Cải chính khẩn chưa ai duyệt", urgent=True)
    flow.ok(tree.h["producer"], asset_id, "submit")
    settle()
    reviewer_email = email_of(flow, tree.h["reviewer"])
    assert len(inbox.to(reviewer_email)) == 1
    remind_urgent_reviews(current(), utcnow())  # not yet past the wait
    settle()
    assert len(inbox.to(reviewer_email)) == 1
    later = utcnow() + timedelta(hours=2)
    remind_urgent_reviews(current(), later)
    remind_urgent_reviews(current(), later)  # the sweep runs every minute: still one reminder
    settle()
    subjects = [m.message["Subject"] for m in inbox.to(reviewer_email)]
    assert subjects[1:] == ["KHẨN (nhắc lại): tài nguyên vẫn chờ duyệt: Cải chính khẩn chưa ai duyệt"]


def test_digest_gathers_a_day_and_mandatory_kinds_stay_on(flow: Flow, fresh_tree: Tree, inbox: Inbox) -> None:
    from service.core.runtime import current
    from service.models.base import utcnow
    from service.notifications.scheduled import send_digests

    tree = fresh_tree
    producer_email = email_of(flow, tree.h["producer"])
    r = flow.client.put("/api/v1/notifications/preferences", headers=tree.h["producer"],
                        json={"modes": {"published": "digest", "changes_requested": "digest"}})
    assert r.status_code == 200 and r.json()["modes"]["published"] == "digest", r.text
    problem(flow.client.put("/api/v1/notifications/preferences", headers=tree.h["producer"],
                            json={"modes": {"withdrawn": "off"}}), 422, "mandatory_notification")
    first = publish(flow, tree, "Infographic thứ nhất")
    publish(flow, tree, "Infographic thứ hai")
    settle()
    assert inbox.to(producer_email) == []  # kept for the digest
    assert {n["kind"] for n in notices(flow.client, tree.h["producer"])} >= {"published"}  # in-app at once

    send_digests(current(), utcnow() + timedelta(days=1))
    send_digests(current(), utcnow() + timedelta(days=1))  # idempotent
    settle()
    [digest] = inbox.to(producer_email)
    assert digest.message["Subject"].startswith("Tóm tắt thông báo ngày ")
    assert "Infographic thứ nhất" in digest.text and "Infographic thứ hai" in digest.text

    flow.ok(tree.h["reviewer"], first, "withdraw", "Hết hiệu lực")
    settle()
    assert [m.message["Subject"] for m in inbox.to(producer_email)][1:] == [
        "Đã thu hồi, ngừng sử dụng: Infographic thứ nhất"]  # withdrawals are never held for a digest


def test_in_app_list_unread_count_and_bell(flow: Flow, fresh_tree: Tree) -> None:
    tree = fresh_tree
    publish(flow, tree, "Video Ngày Nhà giáo 20/11")
    settle()
    body = flow.client.get("/api/v1/notifications", headers=tree.h["producer"]).json()
    assert body["unread"] >= 1
    assert body["items"][0]["title"] == "Tài nguyên của bạn đã được đăng: Video Ngày Nhà giáo 20/11"
    first = body["items"][0]["id"]
    r = flow.client.post("/api/v1/notifications/read", headers=tree.h["producer"], json={"ids": [first]})
    assert r.status_code == 200 and r.json()["unread"] == body["unread"] - 1
    r = flow.client.post("/api/v1/notifications/read", headers=tree.h["producer"], json={})
    assert r.json()["unread"] == 0
    # Another person cannot mark my notifications.
    r = flow.client.post("/api/v1/notifications/read", headers=tree.h["staff"], json={"ids": [first]})
    assert r.json()["marked"] == 0


def test_relay_down_is_retried_with_backoff_then_sent_once(flow: Flow, fresh_tree: Tree, inbox: Inbox) -> None:
    import os
    import socket

    from sqlalchemy import select

    from service.core import runtime
    from service.core.db import unit_of_work
    from service.models import EmailMessage
    from service.models.base import utcnow
    from service.notifications.delivery import deliver_due
    from service.outbox.pump import drain

    tree = fresh_tree
    producer_email = email_of(flow, tree.h["producer"])
    with socket.socket() as s:  # a port nobody listens on: the relay is down
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    good = os.environ["KHO_SMTP_PORT"]
    os.environ["KHO_SMTP_PORT"] = str(dead)
    runtime.install(runtime.Runtime.build())
    try:
        publish(flow, tree, "Thông cáo báo chí khi máy chủ thư lỗi")
        while drain(current()):
            pass
        deliver_due(runtime.current())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the sender started by the commit may hold the claim a moment
            with unit_of_work() as session:
                rows = list(session.scalars(select(EmailMessage).where(EmailMessage.to_addr == producer_email)))
                if rows and rows[0].attempts:
                    break
            time.sleep(0.05)
        assert len(rows) == 1 and rows[0].sent_at is None and rows[0].attempts == 1
        assert "ConnectionRefused" in (rows[0].last_error or "") and rows[0].next_attempt_at > utcnow()
    finally:
        os.environ["KHO_SMTP_PORT"] = good
        runtime.install(runtime.Runtime.build())
    assert deliver_due(runtime.current()) == 0  # not due yet
    deliver_due(runtime.current(), now=utcnow() + timedelta(hours=2))
    assert [m.message["Subject"] for m in inbox.to(producer_email)] == [
        "Tài nguyên của bạn đã được đăng: Thông cáo báo chí khi máy chủ thư lỗi"]


def test_comment_tells_the_makers_and_the_people_it_mentions(flow: Flow, fresh_tree: Tree, inbox: Inbox) -> None:
    tree = fresh_tree
    asset_id = flow.upload(tree.h["producer"], title="Áp phích khai giảng")
    producer2_email = email_of(flow, tree.h["producer2"])
    outsider_email = email_of(flow, tree.h["other_producer"])
    body = f"Nhờ @{producer2_email} và @{outsider_email} xem lại màu chữ"
    r = flow.client.post(f"/api/v1/assets/{asset_id}/comments", json={"body": body}, headers=tree.h["reviewer"])
    assert r.status_code in (200, 201), r.text
    settle()
    producer_email = email_of(flow, tree.h["producer"])
    for email in (producer_email, producer2_email):
        [mail] = inbox.to(email)
        assert mail.message["Subject"] == "Bình luận mới về: Áp phích khai giảng" and "xem lại màu chữ" in mail.text
    assert inbox.to(outsider_email) == []  # a producer of another unit cannot open this workspace


def test_dashboard_measures_the_urgent_lane(flow: Flow, fresh_tree: Tree) -> None:
    from datetime import datetime

    from service.models.base import utcnow
    from service.reports.period import current_half

    tree = fresh_tree
    asset_id = publish(flow, tree, "Phản bác: thông tin sai về học phí", urgent=True)
    publish(flow, tree, "Infographic thường")  # not urgent: not in the lane
    assert flow.client.get(f"/api/v1/assets/{asset_id}/original", headers=tree.h["staff"]).status_code == 200
    r = flow.client.get(f"/api/v1/reports/{tree.codes['dept']}", params={"period": current_half(utcnow())},
                        headers=tree.h["reviewer"])
    assert r.status_code == 200, r.text
    lane = r.json()["urgent"]
    [item] = lane["items"]
    detail = flow.asset(tree.h["producer"], asset_id)
    uploaded, published = datetime.fromisoformat(detail["created_at"]), datetime.fromisoformat(detail["published_at"])
    assert item["asset_id"] == asset_id and item["first_use_at"] is not None
    assert abs(item["hours_to_publish"] - (published - uploaded).total_seconds() / 3600) < 0.01
    assert item["hours_to_first_use"] >= 0 and lane["median_hours_to_publish"] == item["hours_to_publish"]
