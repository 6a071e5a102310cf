"""The review page tells the truth (full asset, published files by human label, description, a first
version not compared with itself), one decision form with a flash confirmation, the reviewer's reason at
the top of the producer's page, and a replacement version uploaded from the web, diffed for the reviewer."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.assets.media import png
from tests.service.workflow.wf_support import process_latest
from tests.web.conftest import another, csrf_from, sign_in, upload_as

VARIANT_CODE = re.compile(r">\s*(jpeg-\d+|webp-\d+|thumb-\d+|cover-16x9)\s*<")


def _people(client: TestClient, factory: Factory) -> tuple[TestClient, TestClient]:
    province = factory.org("province")
    producer = client
    sign_in(producer, factory, "producer", factory.org("department", province))
    reviewer = another(client)
    sign_in(reviewer, factory, "reviewer", province)
    return producer, reviewer


def _submit(producer: TestClient, asset_id: str) -> None:
    page = producer.get(f"/tai-nguyen/{asset_id}")
    r = producer.post(f"/tai-nguyen/{asset_id}/gui-duyet", data={"csrf_token": csrf_from(page.text)},
                      follow_redirects=False)
    assert r.status_code == 303, r.text


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1]


def test_first_version_review_page_and_confirmed_decision_with_flash(client: TestClient, factory: Factory) -> None:
    producer, reviewer = _people(client, factory)
    asset_id = upload_as(producer, "Infographic tuyển sinh lớp 10", summary="Lịch tuyển sinh năm học mới",
                         credit="Sở GD&ĐT Huế",
                         content=png(size=(600, 900)))
    assert process_latest(asset_id) == "succeeded"
    _submit(producer, asset_id)
    page = reviewer.get(f"/duyet/{asset_id}")
    assert page.status_code == 200
    main = _main(page.text)
    assert "v1 → v1" not in main and "Phiên bản đầu tiên" in main
    assert "Lịch tuyển sinh năm học mới" in main and "Mô tả ảnh" in main
    assert "Sở GD&amp;ĐT Huế" in main and "Nhà giáo" in main  # rights and the audience by its label
    assert 'class="hero full"' in main  # the whole image, not a square thumbnail
    files = main.split('id="renditions-heading"', 1)[1].split("</section>", 1)[0]
    assert files.count("<li>") >= 3 and "Zalo" in files and "ảnh JPEG" in files
    assert not VARIANT_CODE.search(files), files
    assert 'data-confirm="confirm-decision"' in main and "<dialog" in main

    token = csrf_from(page.text)
    r = reviewer.post(f"/duyet/{asset_id}", data={"decision": "request_changes", "reason": "", "csrf_token": token})
    assert r.status_code == 422 and "Cần nêu lý do" in r.text  # no reason, no change request
    r = reviewer.post(f"/duyet/{asset_id}", data={"decision": "approve", "csrf_token": token},
                      follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/duyet"
    queue = reviewer.get("/duyet")
    assert "Đã duyệt «Infographic tuyển sinh lớp 10»." in queue.text and 'role="status"' in queue.text
    assert "Đã duyệt «" not in reviewer.get("/duyet").text  # shown once


def test_a_forged_flash_is_ignored(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "staff")
    client.cookies.set("kho_flash", "eyJrIjoiZmxhc2hfc2F2ZWQifQ.0000")
    assert 'id="flash"' not in client.get("/").text


def test_reason_on_top_new_version_from_the_web_and_the_diff(client: TestClient, factory: Factory) -> None:
    producer, reviewer = _people(client, factory)
    asset_id = upload_as(producer, "Áp phích an toàn trường học", summary="Năm điều cần nhớ khi đến trường",
                         content=png(size=(400, 600)))
    assert process_latest(asset_id) == "succeeded"
    _submit(producer, asset_id)
    token = csrf_from(reviewer.get(f"/duyet/{asset_id}").text)
    r = reviewer.post(f"/duyet/{asset_id}", data={"decision": "request_changes", "csrf_token": token,
                                                  "reason": "Tiêu đề cần nêu rõ cấp học"}, follow_redirects=False)
    assert r.status_code == 303

    page = producer.get(f"/tai-nguyen/{asset_id}")
    main = _main(page.text)
    assert main.index("Tiêu đề cần nêu rõ cấp học") < main.index('class="preview"')  # the reason comes first
    assert f'href="/tai-nguyen/{asset_id}/phien-ban-moi"' in main
    form = producer.get(f"/tai-nguyen/{asset_id}/phien-ban-moi")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    action = re.search(r'action="([^"]+phien-ban-moi[^"]*)"', form.text)
    assert action is not None
    url = action.group(1).replace("&amp;", "&")
    files = {"file": ("ap-phich-v2.png", png(size=(400, 600)), "image/png")}
    fields = {"title": "Áp phích an toàn trường học cho học sinh tiểu học", "summary": ""}
    refused = producer.post(url.split("?", 1)[0], data=fields, files=files, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token, no upload
    r = producer.post(url, data=fields, files=files, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/tai-nguyen/{asset_id}", r.text
    after = producer.get(f"/tai-nguyen/{asset_id}")
    assert "Đã tải lên phiên bản 2" in after.text
    assert "Áp phích an toàn trường học cho học sinh tiểu học" in after.text
    assert process_latest(asset_id) == "succeeded"
    _submit(producer, asset_id)

    review = _main(reviewer.get(f"/duyet/{asset_id}").text)
    assert "Thay đổi từ phiên bản 1 sang 2" in review
    assert "trường học<ins> cho học sinh tiểu học</ins>" in review  # the title diffed word by word (difflib)
    assert "Mã băm" not in review  # a file hash means nothing to a reviewer
    assert "Năm điều cần nhớ khi đến trường" in review  # an empty field changed nothing
    assert "Phiên bản 1 (trước)" in review and "Phiên bản 2 (đang duyệt)" in review  # images side by side
