"""Editing items over the API: every edit is a new version, re-processed and reviewed like any other."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.qa.helpers import (
    Headers,
    csv_bytes,
    csv_rows,
    get_qa,
    process_current,
    renditions_by_profile,
    run_job,
    upload_qa,
)
from transcoding.qa.model import QaSet

NEW_ITEM = {"question": "Nhà giáo cần làm gì để đổi mới?", "choices": ["Tự học", "Chờ đợi"], "correct": "A",
            "answer": "<p>Chủ động <strong>tự học</strong>, xem <a href='https://moet.gov.vn'>cổng</a>.</p>",
            "source": "Nghị quyết 71, mục III"}


def ready_asset(client: TestClient, headers: Headers, count: int = 3, *,
                process: bool = True) -> tuple[str, list[list[str]]]:
    """An uploaded set; processed unless `process` is False (edits then read the stored CSV itself)."""
    rows = csv_rows(count)
    status, asset = upload_qa(client, headers, csv_bytes(rows), "bo-cau-hoi.csv")
    assert status == 201, asset
    if process:
        process_current(client, headers, asset["id"])
    return str(asset["id"]), rows


def call(client: TestClient, headers: Headers, method: str, path: str, status: int = 200,
         **kw: Any) -> Any:
    r = client.request(method, path, headers=headers, **kw)
    assert r.status_code == status, r.text
    return r.json()


@pytest.mark.slow
def test_edit_makes_a_new_version_that_is_reprocessed(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    asset_id, rows = ready_asset(client, headers)
    base = f"/api/v1/assets/{asset_id}/qa/items"
    old_json = renditions_by_profile(client.get(f"/api/v1/assets/{asset_id}/renditions",
                                                headers=headers).json())["qa-json"][0]
    out = call(client, headers, "PUT", f"{base}/2", json=NEW_ITEM)
    assert (out["version"]["number"], out["version"]["status"], out["live_version"]) == (2, "draft", None)
    assert out["asset_status"] == "draft" and out["count"] == 3
    edited = out["items"][1]
    assert edited["position"] == 2 and edited["correct"] == "A"
    assert edited["answer"] == ('<p>Chủ động <strong>tự học</strong>, xem '
                                '<a href="https://moet.gov.vn">cổng</a>.</p>')
    pending = get_qa(client, headers, asset_id)
    assert pending["version"]["number"] == 2 and pending["state"] == "processing" and pending["items"] == []
    assert get_qa(client, headers, asset_id, version=1)["version"]["status"] == "superseded"

    listing = process_current(client, headers, asset_id)
    body = get_qa(client, headers, asset_id)
    assert body["state"] == "ready" and body["items"] == out["items"]
    assert body["import_report"]["format"] == "json"
    assert [i["question"] for i in body["items"]] == [rows[1][0], NEW_ITEM["question"], rows[3][0]]
    new_json = renditions_by_profile(listing)["qa-json"][0]
    assert new_json["id"] != old_json["id"]
    exported = QaSet.from_json(client.get(new_json["download_url"], headers=headers).content.decode())
    assert exported.items[1].question == NEW_ITEM["question"]
    assert exported.items[1].source == NEW_ITEM["source"]
    original = client.get(f"/api/v1/assets/{asset_id}/original", headers=headers)
    assert original.headers["content-type"].startswith("application/json")
    assert QaSet.from_json(original.content.decode()).items == exported.items
    versions = call(client, headers, "GET", f"/api/v1/assets/{asset_id}/versions")
    assert [(v["number"], v["status"], v["original_filename"]) for v in versions][-1] == (
        2, "draft", "bo-cau-hoi.json")


def test_insert_delete_reorder_pile_up_before_processing(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    asset_id, rows = ready_asset(client, headers)
    base = f"/api/v1/assets/{asset_id}/qa/items"
    q = [r[0] for r in rows[1:]]
    out = call(client, headers, "POST", base, 201, json={**NEW_ITEM, "position": 1})
    assert [i["question"] for i in out["items"]] == [NEW_ITEM["question"], *q]
    # The next edits build on the unprocessed version 2 (read from its JSON original).
    out = call(client, headers, "POST", base, 201,
               json={"question": "Câu cuối?", "answer_text": "Dòng một\nDòng hai"})
    assert out["items"][-1]["answer"] == "<p>Dòng một</p><p>Dòng hai</p>" and out["version"]["number"] == 3
    out = call(client, headers, "DELETE", f"{base}/2")
    assert [i["question"] for i in out["items"]] == [NEW_ITEM["question"], q[1], q[2], "Câu cuối?"]
    out = call(client, headers, "POST", f"{base}:reorder", json={"order": [4, 3, 2, 1]})
    assert [i["question"] for i in out["items"]] == ["Câu cuối?", q[2], q[1], NEW_ITEM["question"]]
    assert out["version"]["number"] == 5
    process_current(client, headers, asset_id)
    body = get_qa(client, headers, asset_id)
    assert body["items"] == out["items"] and [i["position"] for i in body["items"]] == [1, 2, 3, 4]
    history = call(client, headers, "GET", f"/api/v1/assets/{asset_id}/versions")
    assert [v["status"] for v in history] == ["superseded"] * 4 + ["draft"]


@pytest.mark.slow
def test_published_asset_keeps_its_live_version_until_approval(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    producer, reviewer, staff = (factory.headers(r, org) for r in ("producer", "reviewer", "staff"))
    asset_id, rows = ready_asset(client, producer, 2)
    call(client, producer, "POST", f"/api/v1/assets/{asset_id}/submit", json={})
    call(client, reviewer, "POST", f"/api/v1/assets/{asset_id}/approve", json={})
    live = get_qa(client, staff, asset_id)
    assert live["version"]["number"] == 1 and live["count"] == 2

    base = f"/api/v1/assets/{asset_id}/qa/items"
    out = call(client, producer, "PUT", f"{base}/1", json=NEW_ITEM)
    assert out["asset_status"] == "published" and out["version"]["number"] == 2
    assert out["live_version"]["number"] == 1 and out["version"]["status"] == "draft"
    assert get_qa(client, staff, asset_id)["items"] == live["items"]  # the public still sees version 1
    hidden = client.get(f"/api/v1/assets/{asset_id}/qa", headers=staff, params={"version": 2})
    assert hidden.status_code == 404
    run_job(out["job_id"])
    pending = get_qa(client, producer, asset_id, version=2)
    assert pending["state"] == "ready" and pending["items"][0]["question"] == NEW_ITEM["question"]

    # A second edit builds on the pending version and replaces it (one proposal, both edits).
    out = call(client, producer, "DELETE", f"{base}/2")
    assert out["version"]["number"] == 3 and [i["question"] for i in out["items"]] == [NEW_ITEM["question"]]
    assert get_qa(client, producer, asset_id, version=2)["version"]["status"] == "superseded"
    run_job(out["job_id"])
    call(client, producer, "POST", f"/api/v1/assets/{asset_id}/submit", json={})
    r = client.put(f"{base}/1", headers=producer, json={**NEW_ITEM, "question": "Sửa khi đang duyệt?"})
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"  # no edits under review
    call(client, reviewer, "POST", f"/api/v1/assets/{asset_id}/approve", json={})
    now_live = get_qa(client, staff, asset_id)
    assert now_live["version"]["number"] == 3 and now_live["items"] == out["items"]


def test_who_may_edit(client: TestClient, factory: Factory) -> None:
    parent = factory.org()
    org = factory.org(parent_code=parent)
    asset_id, _ = ready_asset(client, factory.headers("producer", org), 2, process=False)
    url = f"/api/v1/assets/{asset_id}/qa/items/1"
    for role, who, expected in [("staff", org, 403), ("reviewer", org, 403), ("producer", parent, 404),
                                ("producer", None, 404)]:
        r = client.put(url, headers=factory.headers(role, who), json=NEW_ITEM)
        assert r.status_code == expected, (role, r.text)
    assert client.put(url, json=NEW_ITEM).status_code == 401
    admin = factory.headers("admin", parent)  # an admin of the subtree above the owner
    assert call(client, admin, "PUT", url, json=NEW_ITEM)["version"]["number"] == 2
    colleague = factory.headers("producer", org)
    assert call(client, colleague, "DELETE", url)["version"]["number"] == 3


def test_bad_edits_are_problems(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    asset_id, rows = ready_asset(client, headers, 2, process=False)
    base = f"/api/v1/assets/{asset_id}/qa/items"

    def problem(method: str, path: str, status: int, code: str, **kw: Any) -> dict[str, Any]:
        r = client.request(method, path, headers=headers, **kw)
        assert r.status_code == status, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        body = dict(r.json())
        assert body["code"] == code, body
        return body

    one_choice = {"question": "Một phương án?", "choices": ["Một"], "correct": "A"}
    body = problem("PUT", f"{base}/2", 422, "qa_invalid_item", json=one_choice)
    assert body["position"] == 2 and body["item_code"] == "too_few_choices" and "Câu 2" in body["detail"]
    body = problem("PUT", f"{base}/1", 422, "qa_invalid_item", json={**NEW_ITEM, "correct": "E"})
    assert body["item_code"] == "bad_correct"
    body = problem("PUT", f"{base}/1", 422, "qa_invalid_item", json={"question": "Không trả lời?"})
    assert body["item_code"] == "missing_answer"
    problem("PUT", f"{base}/1", 422, "validation_failed", json={"question": ""})
    problem("PUT", f"{base}/1", 422, "validation_failed", json={**NEW_ITEM, "script": "x"})
    problem("PUT", f"{base}/9", 404, "qa_no_position", json=NEW_ITEM)
    problem("POST", base, 404, "qa_no_position", json={**NEW_ITEM, "position": 4})
    problem("DELETE", f"{base}/3", 404, "qa_no_position")
    problem("POST", f"{base}:reorder", 422, "qa_bad_order", json={"order": [1, 1]})
    problem("POST", f"{base}:reorder", 422, "qa_bad_order", json={"order": [2, 1, 3]})
    problem("POST", f"{base}:reorder", 409, "qa_unchanged", json={"order": [1, 2]})
    same = {"question": rows[1][0], "choices": rows[1][1:5], "correct": "A", "source": rows[1][7],
            "answer": "<p>Giải thích <strong>1</strong>: đổi mới căn bản, toàn diện.</p>"}  # item 1 as is
    problem("PUT", f"{base}/1", 409, "qa_unchanged", json=same)
    call(client, headers, "DELETE", f"{base}/2")
    problem("DELETE", f"{base}/1", 409, "qa_last_item")
    assert len(call(client, headers, "GET", f"/api/v1/assets/{asset_id}/versions")) == 2  # only the delete


def test_rich_text_is_limited_to_the_allowed_subset(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    asset_id, _ = ready_asset(client, headers, 2)
    hostile = ("<p onclick='x()'>Đọc <b>kỹ</b> <i>Nghị quyết</i> <a href='javascript:alert(1)'>tại đây</a>"
               "<script>alert('x')</script><img src=x onerror=alert(1)></p><ul><li>Một</li><li>Hai</li></ul>"
               "<h1>Tiêu đề</h1><iframe src='https://evil.example'>khung</iframe>"
               "<table><tr><td>ô</td></tr></table>")
    out = call(client, headers, "PUT", f"/api/v1/assets/{asset_id}/qa/items/1",
               json={"question": "Câu hỏi <b>đậm</b>?", "answer": hostile})
    item = out["items"][0]
    assert item["answer"] == ("<p>Đọc <strong>kỹ</strong> <em>Nghị quyết</em> tại đây</p><ul><li>Một</li>"
                              "<li>Hai</li></ul><p>Tiêu đề</p><p>ô</p>")
    assert item["question"] == "Câu hỏi <b>đậm</b>?"  # questions are plain text, escaped by every export
    process_current(client, headers, asset_id)
    html = renditions_by_profile(client.get(f"/api/v1/assets/{asset_id}/renditions", headers=headers).json())
    page = client.get(html["qa-html"][0]["download_url"], headers=headers).text
    assert "<script>alert" not in page and "javascript:" not in page
    assert "Câu hỏi &lt;b&gt;đậm&lt;/b&gt;?" in page


def test_only_qa_sets_have_items(client: TestClient, factory: Factory) -> None:
    from tests.service.assets.media import png
    from tests.service.assets.test_upload import upload

    headers = factory.headers("producer")
    _, asset = upload(client, headers, png())
    r = client.put(f"/api/v1/assets/{asset['id']}/qa/items/1", headers=headers, json=NEW_ITEM)
    assert r.status_code == 409 and r.json()["code"] == "qa_not_a_set"
