"""Upload a Q&A set, process it through the real job, read its items and download every export."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.qa.helpers import (
    csv_bytes,
    csv_rows,
    docx_bytes,
    get_qa,
    process_current,
    renditions_by_profile,
    upload_qa,
)
from transcoding.qa.exporters import EXPORT_FORMATS
from transcoding.qa.model import QaSet


def test_csv_upload_lists_items_and_every_export(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    rows = csv_rows(3)
    status, asset = upload_qa(client, headers, csv_bytes(rows), "bo-cau-hoi.csv")
    assert status == 201, asset
    before = get_qa(client, headers, asset["id"])
    assert before["state"] == "processing" and before["items"] == [] and before["import_report"] is None

    listing = process_current(client, headers, asset["id"])
    body = get_qa(client, headers, asset["id"])
    assert body["state"] == "ready" and body["count"] == 3 and body["version"]["number"] == 1
    first, second = body["items"][0], body["items"][1]
    assert first["position"] == 1 and first["question"] == rows[1][0]
    assert first["choices"] == rows[1][1:5] and first["correct"] == "A"
    assert first["answer"] == "<p>Giải thích <strong>1</strong>: đổi mới căn bản, toàn diện.</p>"
    assert first["answer_text"] == "Giải thích 1: đổi mới căn bản, toàn diện."
    assert first["source"] == "Nghị quyết 71-NQ/TW, mục 1"
    assert second["choices"] == [] and second["correct"] is None and "<em>phẩm chất</em>" in second["answer"]
    report = body["import_report"]
    assert report["format"] == "csv" and report["count"] == 3
    assert [i["location"] for i in report["items"]] == ["dòng 2 / row 2", "dòng 3 / row 3", "dòng 4 / row 4"]

    exports = renditions_by_profile(listing)
    assert set(EXPORT_FORMATS) <= set(exports), sorted(exports)
    assert len(exports["qa-cards"]) == 4  # a cover and one card per item
    for profile in EXPORT_FORMATS:
        for rendition in exports[profile]:
            r = client.get(rendition["download_url"], headers=headers)
            assert r.status_code == 200 and len(r.content) == rendition["size"] > 0, (profile, rendition)
    exported = client.get(exports["qa-json"][0]["download_url"], headers=headers)
    again = QaSet.from_json(exported.content.decode("utf-8"))
    assert [i.to_dict() | {"position": n} for n, i in enumerate(again.items, 1)] == body["items"]


def test_docx_upload_lists_items(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    tag = uuid.uuid4().hex[:8]
    status, asset = upload_qa(client, headers, docx_bytes(tag), "hoi-dap.docx")
    assert status == 201, asset
    process_current(client, headers, asset["id"])
    body = get_qa(client, headers, asset["id"])
    assert [i["question"] for i in body["items"]] == [
        "Chuyển đổi số trong nhà trường bắt đầu từ đâu?", "Học sinh được lợi gì?"]
    assert body["items"][0]["answer_text"] == "Từ con người — đội ngũ nhà giáo và cán bộ quản lý."
    assert body["import_report"]["format"] == "docx"
    assert all(i["location"].startswith("đoạn") for i in body["import_report"]["items"])


def test_visibility_of_items(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    producer = factory.headers("producer", org)
    _, asset = upload_qa(client, producer, csv_bytes(csv_rows(2)), "a.csv")
    process_current(client, producer, asset["id"])
    url = f"/api/v1/assets/{asset['id']}/qa"
    assert client.get(url, headers=factory.headers("staff", org)).status_code == 404  # draft: workspace only
    assert client.get(url, headers=factory.headers("producer")).status_code == 404  # another organisation
    assert client.get(url, headers=factory.headers("reviewer", org)).status_code == 200
    assert client.get(url).status_code == 401
    assert client.get(url, headers=producer, params={"version": 7}).status_code == 404


def test_other_kinds_are_not_qa_sets(client: TestClient, factory: Factory) -> None:
    from tests.service.assets.test_upload import upload

    headers = factory.headers("producer")
    from tests.service.assets.media import png

    _, asset = upload(client, headers, png())
    r = client.get(f"/api/v1/assets/{asset['id']}/qa", headers=headers)
    assert r.status_code == 409 and r.json()["code"] == "qa_not_a_set"


def test_broken_csv_is_refused_naming_the_row(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    rows = csv_rows(4)
    rows[4][5] = "Z"  # line 5: a correct choice that is no choice
    status, body = upload_qa(client, headers, csv_bytes(rows), "loi.csv")
    assert status == 422, body
    assert body["code"] == "qa_import_failed" and body["location"] == "dòng 5 / row 5"
    assert body["import_code"] == "qa_bad_correct" and "dòng 5" in body["detail"]
