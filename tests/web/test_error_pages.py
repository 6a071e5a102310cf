"""Error pages for people, problem+json for programs: the same failures answered by `Accept`."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.web.conftest import sign_in

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_mistyped_url_is_a_vietnamese_page_for_browsers_and_json_for_api(client: TestClient) -> None:
    page = client.get("/trang-khong-ton-tai", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy trang" in page.text and '"status"' not in page.text
    api = client.get("/trang-khong-ton-tai", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    assert api.json()["code"] == "not_found"
    assert client.get("/api/v1/khong-co").headers["content-type"] == "application/problem+json"  # */* from httpx


def test_malformed_asset_id_is_page_not_found_not_a_form_error(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "staff")
    page = client.get("/tai-nguyen/khong-co", headers=BROWSER)
    assert page.status_code == 404
    assert "Không tìm thấy trang" in page.text and "form" not in page.text.split("<main", 1)[1]
    assert "không hợp lệ" not in page.text


def test_messages_keep_one_language_per_page(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "staff")
    page = client.get(f"/tai-nguyen/{uuid.uuid4()}", headers=BROWSER)
    assert page.status_code == 404
    assert "Không tìm thấy tài nguyên." in page.text and "/ asset" not in page.text
    client.cookies.set("lang", "en")
    english = client.get(f"/tai-nguyen/{uuid.uuid4()}", headers=BROWSER)
    assert "asset not found." in english.text and "tài nguyên" not in english.text


def test_forbidden_page_in_vietnamese(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "staff")
    mistyped = client.get("/tim-kiem-sai", headers=BROWSER)
    assert mistyped.status_code == 404 and 'action="/dang-xuat"' in mistyped.text  # still signed in: the menu
    page = client.get("/quan-tri", headers=BROWSER)
    assert page.status_code == 403 and "Bạn không có quyền xem trang này" in page.text
    api = client.get("/api/v1/admin/users", headers={"Accept": "application/json"})
    assert api.status_code in (403, 404) and api.headers["content-type"] == "application/problem+json"


def test_server_error_is_a_page_for_browsers(stack: object) -> None:
    from fastapi import FastAPI

    from service.app import create_app

    app: FastAPI = create_app()

    @app.get("/_hong")
    def broken() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as web:
        page = web.get("/_hong", headers=BROWSER)
        assert page.status_code == 500 and "Máy chủ gặp sự cố" in page.text and "boom" not in page.text
        api = web.get("/_hong")
        assert api.status_code == 500 and api.json()["code"] == "internal_error"
